import type { RecipientData } from '@wa/contracts';
import { formatDate, formatDateTime } from '../../../lib/format-date.ts';

/** The BFF lists at most this many rows per kind; more than that reads "1,000 or more". */
export const LOOKUP_LIMIT = 1000;

/** How the customer came to be on the suppression list, in the owner's words. */
const OPT_OUT_SOURCE: Record<string, string> = {
  keyword: 'they replied STOP',
  button: 'they tapped Stop',
  manual: 'added by an owner or administrator',
  import: 'imported from a list',
  consent_withdrawn: 'they withdrew their consent',
};

const CAMPAIGN_STATUS: Record<string, string> = {
  pending: 'waiting to be sent',
  sending: 'being sent',
  sent: 'sent',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export interface HeldFact {
  id: 'messages' | 'conversations' | 'window' | 'campaigns';
  label: string;
  /** The headline, e.g. "3 messages". */
  value: string;
  /** One sentence with the dates and the breakdown; empty when nothing is held. */
  detail: string;
  empty: boolean;
}

export interface RecipientSummary {
  /** Nothing at all about this number: no messages, conversations, campaigns, opt-out or restriction. */
  nothingHeld: boolean;
  facts: HeldFact[];
  /** "Opted out on 25 Nov 2026: they replied STOP." or null. */
  optOut: string | null;
  /** "Restricted on 25 Nov 2026, by you: Asked by email." or null. */
  restriction: string | null;
  /** How the records are kept: under the number, or under a keyed hash after an erasure. */
  storage: string;
  /** What an agent can still do, in one sentence. */
  canMessage: { allowed: boolean; says: string };
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n >= LOOKUP_LIMIT ? `${n.toLocaleString('en-US')} or more` : n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function countBy<T>(items: T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

/** Newest and oldest of ISO dates (the lists come newest first, but do not rely on it). */
function span(dates: string[]): { first: string; last: string } | null {
  if (!dates.length) return null;
  const sorted = [...dates].sort();
  return { first: sorted[0]!, last: sorted[sorted.length - 1]! };
}

function describeMessages(d: RecipientData): HeldFact {
  const n = d.messages.length;
  if (!n)
    return {
      id: 'messages',
      label: 'Messages',
      value: 'None',
      detail: 'No message was sent to or received from this number.',
      empty: true,
    };
  const sent = d.messages.filter((m) => m.direction !== 'inbound').length;
  const received = n - sent;
  const parts = [
    sent ? `${sent.toLocaleString('en-US')} sent to them` : '',
    received ? `${received.toLocaleString('en-US')} from them` : '',
  ].filter(Boolean);
  const s = span(d.messages.map((m) => m.createdAt))!;
  const when =
    s.first.slice(0, 10) === s.last.slice(0, 10) ? `on ${formatDate(s.last)}` : `from ${formatDate(s.first)} to ${formatDate(s.last)}`;
  const templates = [...new Set(d.messages.map((m) => m.templateName).filter((t): t is string => Boolean(t)))];
  const detail = `${parts.join(', ')}, ${when}.${templates.length ? ` Templates: ${templates.join(', ')}.` : ''}`;
  return { id: 'messages', label: 'Messages', value: plural(n, 'message'), detail, empty: false };
}

function describeConversations(d: RecipientData, now: Date): HeldFact {
  const n = d.conversations.length;
  if (!n)
    return {
      id: 'conversations',
      label: 'Conversations',
      value: 'None',
      detail: 'No WhatsApp conversation was opened with this number.',
      empty: true,
    };
  const byCategory = countBy(d.conversations, (c) => c.category)
    .map(([c, k]) => `${k} ${c}`)
    .join(', ');
  const open = d.conversations.filter((c) => c.status === 'open' && new Date(c.expiresAt) > now);
  const last = span(d.conversations.map((c) => c.openedAt))!.last;
  const openText = open.length
    ? ` ${open.length === 1 ? 'One is' : `${open.length} are`} still open, until ${formatDateTime(span(open.map((c) => c.expiresAt))!.last)}.`
    : '';
  return {
    id: 'conversations',
    label: 'Conversations',
    value: plural(n, 'conversation'),
    detail: `Last opened ${formatDate(last)}. By kind: ${byCategory}.${openText}`,
    empty: false,
  };
}

function describeWindow(d: RecipientData): HeldFact {
  const last = span(d.customerWindows.map((w) => w.lastInboundAt))?.last;
  if (!last)
    return {
      id: 'window',
      label: 'Last wrote to you',
      value: 'Never',
      detail: 'This customer has not written to your WhatsApp numbers.',
      empty: true,
    };
  return {
    id: 'window',
    label: 'Last wrote to you',
    value: formatDate(last),
    detail: `At ${formatDateTime(last)}, to ${d.customerWindows.length === 1 ? 'one of your numbers' : `${d.customerWindows.length} of your numbers`}.`,
    empty: false,
  };
}

function describeCampaigns(d: RecipientData): HeldFact {
  const n = d.campaigns.length;
  if (!n) return { id: 'campaigns', label: 'Campaigns', value: 'None', detail: 'This number was not in any campaign.', empty: true };
  const shown = d.campaigns
    .slice(0, 3)
    .map((c) => `${c.campaignName} (${CAMPAIGN_STATUS[c.status] ?? c.status}${c.reason ? `: ${c.reason}` : ''})`);
  const more = n > 3 ? ` and ${n - 3} more` : '';
  return { id: 'campaigns', label: 'Campaigns', value: plural(n, 'campaign'), detail: `${shown.join(', ')}${more}.`, empty: false };
}

/** What is held about one number (L.11a), in plain language. `selfAccountId` turns "by <id>" into "by you". */
export function describeRecipient(d: RecipientData, opts: { selfAccountId?: string | undefined; now?: Date } = {}): RecipientSummary {
  const now = opts.now ?? new Date();
  const facts = [describeMessages(d), describeConversations(d, now), describeWindow(d), describeCampaigns(d)];
  const optOut = d.optOut
    ? `Opted out on ${formatDate(d.optOut.at)}: ${OPT_OUT_SOURCE[d.optOut.source] ?? d.optOut.source}.${d.optOut.reason ? ` Reason: ${d.optOut.reason}` : ''}`
    : null;
  const by = d.restriction?.by && opts.selfAccountId && d.restriction.by === opts.selfAccountId ? ', by you' : '';
  const restriction = d.restriction ? `Restricted on ${formatDate(d.restriction.at)}${by}. Reason: ${d.restriction.reason}` : null;
  const storage = d.erased
    ? 'Erased: everywhere it was held, the number was replaced by a keyed hash, and the history here is anonymised. It is found again only when this exact number is looked up.'
    : 'Kept under the phone number itself.';
  const canMessage = d.restriction
    ? { allowed: false, says: 'Nothing can be sent to this number, by agents or campaigns, until the restriction is lifted.' }
    : d.optOut
      ? { allowed: false, says: 'Nothing can be sent to this number: it is on your suppression list.' }
      : { allowed: true, says: 'Agents and campaigns can message this number.' };
  return {
    nothingHeld: facts.every((f) => f.empty) && !d.optOut && !d.restriction,
    facts,
    optOut,
    restriction,
    storage,
    canMessage,
  };
}
