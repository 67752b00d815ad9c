import { randomBytes, randomUUID } from 'node:crypto';
import { perSandbox } from '../lib/per-sandbox.ts';

/**
 * In-memory state of the LiveChat chat platform stand-in: customer identities made through the agent-token grant,
 * chats with their threads and events, files uploaded for file events, chat webhooks registered per Client ID, and
 * the app's bots. Field names follow the Customer/Agent Chat API v3.6 data structures.
 */

export interface CustomerRecord {
  id: string;
  organization_id: string;
  /** Client id of the agent token that created the identity. */
  client_id: string;
  name?: string;
  email?: string;
  avatar?: string;
  session_fields: Record<string, string>[];
  created_at: string;
}

export interface CustomerToken {
  access_token: string;
  entity_id: string;
  organization_id: string;
  client_id: string;
  /** Epoch ms. */
  expires_at: number;
}

export type EventVisibility = 'all' | 'agents';

export interface ChatEvent {
  id: string;
  created_at: string;
  type: 'message' | 'file' | 'system_message';
  author_id?: string;
  custom_id?: string;
  visibility: EventVisibility;
  text?: string;
  name?: string;
  url?: string;
  content_type?: string;
  size?: number;
  system_message_type?: string;
  properties: Record<string, Record<string, unknown>>;
}

export interface ChatThread {
  id: string;
  created_at: string;
  active: boolean;
  user_ids: string[];
  events: ChatEvent[];
  properties: Record<string, Record<string, unknown>>;
  access: { group_ids: number[] };
  previous_thread_id?: string;
}

export interface ChatRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  access: { group_ids: number[] };
  properties: Record<string, Record<string, unknown>>;
  threads: ChatThread[];
  /** Per user id: RFC 3339 time up to which they have seen the chat's events. */
  seen_up_to: Record<string, string>;
  /** Agents and bots that posted in the chat. */
  agent_ids: string[];
}

export interface UploadedFile {
  id: string;
  organization_id: string;
  name: string;
  content_type: string;
  bytes: Buffer;
  uploaded_at: number;
  /** Set once the URL was used in a file event: it no longer expires. */
  used: boolean;
}

export interface RegisteredWebhook {
  id: string;
  url: string;
  description?: string;
  action: string;
  secret_key: string;
  owner_client_id: string;
  type: 'license' | 'bot';
  filters?: { author_type?: 'customer' | 'agent'; only_my_chats?: boolean };
  additional_data?: string[];
}

export interface ChatWebhookDelivery {
  id: string;
  webhook_id: string;
  action: string;
  organization_id: string;
  url: string;
  body: unknown;
  outcome: 'pending' | 'delivered' | 'failed';
  status: number | null;
  attempts: { at: string; status: number | null; error?: string }[];
  at: string;
}

export interface BotRecord {
  id: string;
  secret: string;
  name: string;
  organization_id: string;
  owner_client_id: string;
  created_at: string;
}

export interface BotToken {
  token: string;
  bot_id: string;
  organization_id: string;
  client_id: string;
  expires_at: number;
}

export type ChatFailureMode = 'http500' | 'http503' | 'http429' | 'timeout';

export interface ChatInjection {
  id: string;
  /** `customer/send_event`, `agent/send_event`, `accounts/customer_token`, ... or null for any. */
  action: string | null;
  mode: ChatFailureMode;
  remaining: number;
}

export interface LiveChatGroup {
  id: number;
  name: string;
  language_code: string;
  routing_status: 'accepting_chats' | 'not_accepting_chats' | 'offline';
}

/** Every seeded license has these groups (group 0 always exists in LiveChat). */
export const SEED_GROUPS: readonly LiveChatGroup[] = [
  { id: 0, name: 'General', language_code: 'en', routing_status: 'accepting_chats' },
  { id: 1, name: 'WhatsApp', language_code: 'en', routing_status: 'accepting_chats' },
  { id: 2, name: 'Sales', language_code: 'en', routing_status: 'not_accepting_chats' },
];

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** LiveChat-looking ids: ten upper-case letters and digits (e.g. `PJ0MRSHTDG`). */
export function chatId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

export class ChatStore {
  customers = new Map<string, CustomerRecord>();
  customerTokens = new Map<string, CustomerToken>();
  chats = new Map<string, ChatRecord>();
  files = new Map<string, UploadedFile>();
  webhooks = new Map<string, RegisteredWebhook>();
  deliveries: ChatWebhookDelivery[] = [];
  bots = new Map<string, BotRecord>();
  botTokens = new Map<string, BotToken>();
  injections: ChatInjection[] = [];
  /** Organization ids whose licenses have the chat webhooks disabled (the app was uninstalled). */
  disabledLicenses = new Set<string>();

  reset(): void {
    this.customers.clear();
    this.customerTokens.clear();
    this.chats.clear();
    this.files.clear();
    this.webhooks.clear();
    this.deliveries = [];
    this.bots.clear();
    this.botTokens.clear();
    this.injections = [];
    this.disabledLicenses.clear();
  }

  newCustomer(organizationId: string, clientId: string): CustomerRecord {
    const record: CustomerRecord = {
      id: randomUUID(),
      organization_id: organizationId,
      client_id: clientId,
      session_fields: [],
      created_at: new Date().toISOString(),
    };
    this.customers.set(record.id, record);
    return record;
  }

  issueCustomerToken(customer: CustomerRecord, clientId: string, expiresIn: number): CustomerToken {
    const token: CustomerToken = {
      access_token: `dal:c_${randomBytes(24).toString('base64url')}`,
      entity_id: customer.id,
      organization_id: customer.organization_id,
      client_id: clientId,
      expires_at: Date.now() + expiresIn * 1000,
    };
    this.customerTokens.set(token.access_token, token);
    return token;
  }

  chatOfCustomer(customerId: string): ChatRecord | undefined {
    for (const chat of this.chats.values()) if (chat.customer_id === customerId) return chat;
    return undefined;
  }

  lastThread(chat: ChatRecord): ChatThread | undefined {
    return chat.threads.at(-1);
  }

  activeThread(chat: ChatRecord): ChatThread | undefined {
    const last = this.lastThread(chat);
    return last?.active ? last : undefined;
  }

  findEvent(chat: ChatRecord, eventId: string): { thread: ChatThread; event: ChatEvent } | undefined {
    for (const thread of chat.threads) {
      const event = thread.events.find((e) => e.id === eventId);
      if (event) return { thread, event };
    }
    return undefined;
  }

  /** Takes the next matching injected failure, if any. */
  takeInjection(action: string): ChatInjection | undefined {
    const index = this.injections.findIndex((i) => i.action === null || i.action === action);
    if (index < 0) return undefined;
    const injection = this.injections[index]!;
    injection.remaining -= 1;
    if (injection.remaining <= 0) this.injections.splice(index, 1);
    return injection;
  }
}

/** The chat store of one sandbox (its lifetime follows the sandbox's state object). */
export const chatStoreOf = perSandbox(() => new ChatStore());
