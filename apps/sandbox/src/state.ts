import type { SandboxConfig } from './config.ts';
import type { Scheduler } from './lib/scheduler.ts';
import {
  organizations,
  seedTemplatesFor,
  type KaleyraApiVersion,
  type SeedAccount,
  type SeedOrganization,
  type SeedTemplate,
  type SeedWhatsAppNumber,
} from './seed.ts';

// ---------------------------------------------------------------------------------------------------------------
// Accounts

export interface TokenRecord {
  access_token: string;
  account_id: string;
  organization_id: string;
  client_id: string;
  scope: string;
  /** Epoch ms. */
  expires_at: number;
  refresh_token: string;
}

export interface AuthCodeRecord {
  code: string;
  account_id: string;
  organization_id: string;
  client_id: string;
  redirect_uri: string;
  expires_in: number;
  /** Epoch ms; codes live 10 minutes. */
  expires_at: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Billing

export type DirectChargeStatus = 'pending' | 'accepted' | 'declined' | 'processed' | 'success' | 'failed';
export type RecurrentChargeStatus = 'pending' | 'accepted' | 'declined' | 'active' | 'past_due' | 'frozen' | 'cancelled';

/** Field names follow IChargeBase of @livechat/widget-core-sdk and the Billing API v3. */
interface ChargeBase {
  id: string;
  buyer_organization_id: string;
  buyer_license_id: number;
  buyer_account_id: string;
  buyer_entity_id: string;
  seller_client_id: string;
  order_client_id: string;
  order_organization_id: string;
  order_license_id: string;
  name: string;
  price: number;
  return_url: string;
  test: boolean;
  per_account: boolean;
  confirmation_url: string;
  commission_percent: number;
  created_at: string;
  updated_at: string;
}

export interface DirectCharge extends ChargeBase {
  quantity: number;
  status: DirectChargeStatus;
}

export interface RecurrentCharge extends ChargeBase {
  months: number;
  trial_days: number;
  trial_ends_at: string | null;
  current_charge_at: string | null;
  next_charge_at: string | null;
  cancelled_at: string | null;
  status: RecurrentChargeStatus;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  url: string | null;
  body: unknown;
  delivered: boolean;
  /** 'skipped' when no webhook URL is configured. */
  outcome: 'delivered' | 'failed' | 'skipped' | 'pending';
  status: number | null;
  attempts: { at: string; status: number | null; error?: string }[];
  at: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Kaleyra

export interface CallbackProfile {
  status_url: string;
  incoming_url: string;
  username: string;
  password: string;
  /** How v1 incoming messages are delivered: Kaleyra's profiles offer GET (fields in the query) or POST (form). */
  incoming_method?: 'GET' | 'POST';
}

export interface KaleyraNumber extends SeedWhatsAppNumber {
  /** The number without `+`, used as the map key. */
  digits: string;
  organization_id: string | null;
  callback_profile: CallbackProfile | null;
}

export interface StoredTemplate extends SeedTemplate {
  id: string;
}

export interface MessageStatusEntry {
  status: string;
  at: string;
  errors?: { code: number; title: string }[];
}

export interface KaleyraMessage {
  id: string;
  api_version: KaleyraApiVersion;
  /** Business number, E.164 with `+`. */
  from: string;
  /** Customer, E.164 with `+`. */
  to: string;
  type: string;
  template_name: string | null;
  params: string[];
  lang_code: string | null;
  /** Rich templates: the header as sent (media link or text value) and the button parameters (the phone's record). */
  header?: { type: string; link?: string; text?: string } | null;
  buttons?: { index: number; sub_type: string; value: string }[];
  body?: string;
  /** Media messages: v2 Meta media object (`link`), or the v1 multipart file, served by the phone page's store. */
  media?: { kind: string; link: string; caption?: string; filename?: string; mime_type?: string };
  ref?: string;
  ref1?: string;
  ref2?: string;
  /** v1 only; shown without credentials. */
  callback_url?: string;
  /** Meta pricing category of the message (template category, or SERVICE for free text). */
  category: string;
  accepted_at: string;
  statuses: MessageStatusEntry[];
}

export const SYNC_FAILURES = ['E110', 'WAV2101', 'WA401', 'WA400', 'RBC001', 'WA500', 'http429', 'http503'] as const;
export const ASYNC_FAILURES = ['131047', '131049', '131026', '131056', '130429', 'not-sent'] as const;
export const FAILURE_MODES = [...SYNC_FAILURES, 'timeout', ...ASYNC_FAILURES] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];
export type AsyncFailureMode = (typeof ASYNC_FAILURES)[number];

export function isAsyncFailure(mode: FailureMode): mode is AsyncFailureMode {
  return (ASYNC_FAILURES as readonly string[]).includes(mode);
}

export interface Injection {
  id: string;
  /** Business number digits, or null for "any number". */
  number: string | null;
  /** Recipient digits, or null for "any recipient". */
  to: string | null;
  mode: FailureMode;
  /** For mode `timeout`: how long the response hangs. */
  hang_ms: number;
  created_at: string;
}

export interface CallbackRecord {
  id: string;
  kind: 'status' | 'incoming';
  api_version: KaleyraApiVersion;
  business_number: string;
  message_id: string | null;
  status: string | null;
  delivered: boolean;
  http_status: number | null;
  method: 'GET' | 'POST';
  url: string;
  used_basic_auth: boolean;
  attempts: { at: string; status: number | null; error?: string }[];
  /** What was sent: the query (v1 GET) or the body. */
  payload: unknown;
  at: string;
}

export interface KaleyraRuntimeConfig {
  rate_limit_per_second: number;
  callback_delay_ms: number;
  /** Opt-in: free text outside the 24 h customer-service window fails with 131047 (like Meta). */
  enforce_service_window: boolean;
  /**
   * On (the default): a v2 send repeating a `ref` seen in the last 24 h is answered with the first message and
   * nothing new goes out. Kaleyra documents `ref` only as a tracking field, so tests turn this off to prove
   * the app never relies on it.
   */
  dedupe_refs: boolean;
  /** How long an undelivered status callback keeps being retried (0: two quick retries only). */
  callback_retry_seconds: number;
}

// ---------------------------------------------------------------------------------------------------------------

export class SandboxState {
  tokens = new Map<string, TokenRecord>();
  refreshTokens = new Map<string, string>();
  authCodes = new Map<string, AuthCodeRecord>();

  directCharges = new Map<string, DirectCharge>();
  recurrentCharges = new Map<string, RecurrentCharge>();
  /** Direct charges whose activation must end in `failed`. */
  failOnActivate = new Set<string>();
  appWebhookUrl = '';
  webhookDeliveries: WebhookDelivery[] = [];

  numbers = new Map<string, KaleyraNumber>();
  templates = new Map<string, StoredTemplate[]>();
  /** Creation timestamps per WABA, for the 100 creates per hour limit. */
  templateCreates = new Map<string, number[]>();
  templateIdCounter = 0;
  messages: KaleyraMessage[] = [];
  messageById = new Map<string, KaleyraMessage>();
  /** v1 callback URLs as given (they may carry credentials, so they are kept out of the message records). */
  rawCallbackUrls = new Map<string, string>();
  /** `${business digits}:${ref}` → message id and when it was accepted. */
  refs = new Map<string, { messageId: string; at: number }>();
  duplicateRefsSeen = 0;
  /** Accepted-send timestamps per business number, for the rolling 1 s rate limit. */
  sendTimes = new Map<string, number[]>();
  injections: Injection[] = [];
  callbacks: CallbackRecord[] = [];
  /** `${business digits}:${customer digits}` → epoch ms of the customer's last message. */
  lastIncoming = new Map<string, number>();
  kaleyraConfig: KaleyraRuntimeConfig = {
    rate_limit_per_second: 80,
    callback_delay_ms: 250,
    enforce_service_window: false,
    dedupe_refs: true,
    callback_retry_seconds: 0,
  };

  constructor(private readonly config: SandboxConfig) {
    this.reset();
  }

  reset(): void {
    this.tokens.clear();
    this.refreshTokens.clear();
    this.authCodes.clear();
    this.directCharges.clear();
    this.recurrentCharges.clear();
    this.failOnActivate.clear();
    this.appWebhookUrl = this.config.appWebhookUrl;
    this.webhookDeliveries = [];

    this.numbers.clear();
    this.templates.clear();
    this.templateCreates.clear();
    this.templateIdCounter = 0;
    for (const org of organizations) {
      for (const number of org.whatsapp_numbers) this.addNumber(number, org.id);
    }
    this.messages = [];
    this.messageById.clear();
    this.rawCallbackUrls.clear();
    this.refs.clear();
    this.duplicateRefsSeen = 0;
    this.sendTimes.clear();
    this.injections = [];
    this.callbacks = [];
    this.lastIncoming.clear();
    this.kaleyraConfig = {
      rate_limit_per_second: this.config.kaleyraRateLimitPerSecond,
      callback_delay_ms: this.config.kaleyraCallbackDelayMs,
      enforce_service_window: false,
      dedupe_refs: this.config.kaleyraDedupeRefs,
      callback_retry_seconds: this.config.kaleyraCallbackRetrySeconds,
    };
  }

  addNumber(number: SeedWhatsAppNumber, organizationId: string | null): KaleyraNumber {
    const digits = digitsOf(number.number);
    const record: KaleyraNumber = {
      ...number,
      number: `+${digits}`,
      digits,
      organization_id: organizationId,
      callback_profile: this.numbers.get(digits)?.callback_profile ?? null,
    };
    this.numbers.set(digits, record);
    if (!this.templates.has(number.waba_id)) {
      this.templates.set(
        number.waba_id,
        seedTemplatesFor(number.waba_id).map((t) => ({ ...t, id: this.nextTemplateId() })),
      );
    }
    return record;
  }

  nextTemplateId(): string {
    this.templateIdCounter += 1;
    return String(1_094_000_000_000_000 + this.templateIdCounter);
  }

  findNumber(raw: string): KaleyraNumber | undefined {
    return this.numbers.get(digitsOf(raw));
  }
}

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

export function findOrganization(idOrLicense: string | number): SeedOrganization | undefined {
  const key = String(idOrLicense);
  return organizations.find((o) => o.id === key || String(o.license_id) === key);
}

export function findAccount(accountId: string): { account: SeedAccount; organization: SeedOrganization } | undefined {
  for (const organization of organizations) {
    const account = organization.accounts.find((a) => a.account_id === accountId);
    if (account) return { account, organization };
  }
  return undefined;
}

export function findAccountByEmail(email: string): { account: SeedAccount; organization: SeedOrganization } | undefined {
  const needle = email.trim().toLowerCase();
  for (const organization of organizations) {
    const account = organization.accounts.find((a) => a.email === needle);
    if (account) return { account, organization };
  }
  return undefined;
}

/** Everything a module needs: static config, mutable state, background work. */
export interface SandboxContext {
  config: SandboxConfig;
  state: SandboxState;
  scheduler: Scheduler;
}
