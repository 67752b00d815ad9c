/**
 * Every query key, from general to specific, in one place: features must not import each other, yet a send
 * (messages) has to invalidate the balance and the quote. Invalidate a prefix to hit every query below it.
 */
export const queryKeys = {
  publicConfig: ['public-config'] as const,
  me: ['me'] as const,
  balance: ['billing', 'balance'] as const,
  numbers: {
    all: ['numbers'] as const,
    list: () => ['numbers', 'list'] as const,
    templates: (numberId: string) => ['numbers', numberId, 'templates'] as const,
  },
  quotes: {
    all: ['conversations', 'quote'] as const,
    one: (q: { numberId: string; to: string; category: string }) => ['conversations', 'quote', q.numberId, q.to, q.category] as const,
  },
  messages: {
    all: ['messages'] as const,
    forRecipient: (q: { to: string; numberId?: string | undefined }) => ['messages', q.to, q.numberId ?? 'any'] as const,
  },
  // Messaging rules: the customer's window and opt-out (sidebar), the suppression list and the opt-out instruction.
  conversationStatus: {
    all: ['conversations', 'status'] as const,
    one: (q: { numberId: string; to: string }) => ['conversations', 'status', q.numberId, q.to] as const,
  },
  optOuts: {
    all: ['opt-outs'] as const,
    /** Cursor-paged list (all pages loaded so far) for one search. */
    pages: (q: { q: string; limit: number }) => ['opt-outs', 'pages', q.q, q.limit] as const,
    instruction: (numberId: string) => ['numbers', numberId, 'opt-out-instruction'] as const,
  },
  // Billing: catalog, bills, usage, ledger history, Kaleyra callback settings.
  billing: {
    all: ['billing'] as const,
    catalog: ['billing', 'catalog'] as const,
    bills: ['billing', 'charges'] as const,
    ledger: ['billing', 'ledger'] as const,
    usage: (q: { days: number; tz: string }) => ['billing', 'usage', q.days, q.tz] as const,
  },
  callbackSettings: ['numbers', 'callback-settings'] as const,
  // Account lifecycle: account status and terms, what uninstalling loses, refunds, the audit log.
  account: {
    all: ['account'] as const,
    status: ['account', 'status'] as const,
    lossPreview: ['account', 'loss-preview'] as const,
  },
  // L.11a–b: the business's contact data and the deletion of its data after uninstalling.
  business: {
    contact: ['account', 'contact'] as const,
    deletion: ['account', 'data-deletion'] as const,
  },
  refunds: ['refunds'] as const,
  audit: ['audit'] as const,
  // Campaigns (bulk sends).
  campaigns: {
    all: ['campaigns'] as const,
    list: ['campaigns', 'list'] as const,
    detail: (id: string) => ['campaigns', id] as const,
    plan: (id: string, q: { scheduledAt?: string | undefined; sendLimit?: number | undefined; ratePerSecond?: number | undefined }) =>
      ['campaigns', id, 'plan', q.scheduledAt ?? 'now', q.sendLimit ?? 'all', q.ratePerSecond ?? 'max'] as const,
    /** Cursor-paged recipients (all pages loaded so far) for one filter. */
    recipientPages: (id: string, q: { status?: string | undefined; q?: string | undefined }) =>
      ['campaigns', id, 'recipient-pages', q.status ?? 'all', q.q ?? ''] as const,
    quietHours: ['campaigns', 'quiet-hours'] as const,
  },
  // L.11a–d: what is held about one customer's number.
  // The template studio: every template of the organization's WhatsApp Business Accounts.
  templateStudio: {
    all: ['template-studio'] as const,
    list: ['template-studio', 'list'] as const,
    usage: (numberId: string, name: string) => ['template-studio', 'usage', numberId, name] as const,
  },
  // WhatsApp chats in LiveChat: the relay's setup and which WhatsApp customer a chat belongs to.
  relay: {
    all: ['relay'] as const,
    status: ['relay', 'status'] as const,
    groups: ['relay', 'groups'] as const,
    chat: (chatId: string) => ['relay', 'chat', chatId] as const,
  },
  privacy: {
    all: ['privacy'] as const,
    recipient: (phone: string) => ['privacy', 'recipient', phone] as const,
  },
};
