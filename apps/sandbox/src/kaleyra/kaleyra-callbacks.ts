import { randomBytes, randomUUID } from 'node:crypto';
import { deliver, type DeliveryResult } from '../lib/deliver.ts';
import {
  digitsOf,
  type AsyncFailureMode,
  type CallbackRecord,
  type KaleyraMessage,
  type KaleyraNumber,
  type SandboxContext,
} from '../state.ts';

/** Meta error details for the asynchronous failures the sandbox can inject. */
export const META_ERRORS: Record<Exclude<AsyncFailureMode, 'not-sent'>, { title: string; message: string }> = {
  '131047': {
    title: 'Re-engagement message',
    message: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  '131049': {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    message: 'This message was not delivered to maintain healthy ecosystem engagement.',
  },
  '131026': { title: 'Message undeliverable', message: 'Message undeliverable' },
  '131056': {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    message: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  },
  '130429': { title: 'Rate limit hit', message: 'Cloud API message throughput has been reached.' },
};

export interface StatusUpdate {
  status: string;
  /** Meta error code for `failed`. */
  errorCode?: string | undefined;
}

function unixSeconds(date = new Date()): string {
  return String(Math.floor(date.getTime() / 1000));
}

function metaErrors(update: StatusUpdate) {
  if (!update.errorCode) return undefined;
  const info = META_ERRORS[update.errorCode as keyof typeof META_ERRORS] ?? {
    title: `Error ${update.errorCode}`,
    message: `Error ${update.errorCode}`,
  };
  return [{ code: Number(update.errorCode), title: info.title, message: info.message, error_data: { details: info.message } }];
}

function basicAuthOf(number: KaleyraNumber) {
  const profile = number.callback_profile;
  return profile && (profile.username || profile.password) ? { username: profile.username, password: profile.password } : undefined;
}

function record(
  ctx: SandboxContext,
  base: Omit<CallbackRecord, 'id' | 'delivered' | 'http_status' | 'url' | 'method' | 'used_basic_auth' | 'attempts' | 'at'>,
  result: DeliveryResult,
): CallbackRecord {
  const entry: CallbackRecord = {
    id: randomUUID(),
    ...base,
    delivered: result.ok,
    http_status: result.status,
    method: result.method,
    url: result.url,
    used_basic_auth: result.used_basic_auth,
    attempts: result.attempts,
    at: result.attempts[0]?.at ?? new Date().toISOString(),
  };
  ctx.state.callbacks.push(entry);
  return entry;
}

/**
 * Retries of one status callback: two quick ones by default; with `callback_retry_seconds` set, attempts spaced
 * 0.5 s, 1 s, 1.5 s, … until that horizon (a receiver that was down for a while still hears what happened).
 */
function retryOptions(ctx: SandboxContext, signal: AbortSignal | undefined) {
  const horizon = ctx.state.kaleyraConfig.callback_retry_seconds;
  let retries = 2;
  if (horizon > 0) for (retries = 2; 0.25 * retries * (retries + 1) < horizon; retries++);
  return { ...(signal ? { signal } : {}), ...(horizon > 0 ? { retries, retryDelayMs: 500 } : {}) };
}

/**
 * Records one status on the message and delivers its callback: v1 → GET on the message's callback_url, v2 → POST to
 * the number's callback profile. Without a target the status is only recorded.
 */
export async function deliverStatus(
  ctx: SandboxContext,
  message: KaleyraMessage,
  update: StatusUpdate,
  signal?: AbortSignal,
): Promise<CallbackRecord | null> {
  const errors = metaErrors(update);
  message.statuses.push({
    status: update.status,
    at: new Date().toISOString(),
    ...(errors ? { errors: errors.map((e) => ({ code: e.code, title: e.title })) } : {}),
  });
  const number = ctx.state.findNumber(message.from);
  if (!number) return null;

  if (message.api_version === 'v1') {
    const url = ctx.state.rawCallbackUrls.get(message.id);
    if (!url) return null;
    const query: Record<string, string> = {
      id: message.id,
      status: update.status,
      to: digitsOf(message.to),
      from: digitsOf(message.from),
      created_at: unixSeconds(),
    };
    if (update.errorCode) {
      query.error_code = update.errorCode;
      query.error_reason = errors?.[0]?.title ?? update.errorCode;
    }
    const result = await deliver(ctx.scheduler, { method: 'GET', url, query }, retryOptions(ctx, signal));
    return record(
      ctx,
      { kind: 'status', api_version: 'v1', business_number: number.number, message_id: message.id, status: update.status, payload: query },
      result,
    );
  }

  const url = number.callback_profile?.status_url;
  if (!url) return null;
  const isBillable = update.status === 'sent' || update.status === 'delivered' || update.status === 'read';
  const payload = {
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: number.digits, phone_number_id: number.phone_number_id },
        statuses: [
          {
            id: message.id,
            status: update.status,
            timestamp: unixSeconds(),
            recipient_id: digitsOf(message.to),
            ...(isBillable
              ? {
                  conversation: {
                    id: `conv-${digitsOf(message.from)}-${digitsOf(message.to)}`,
                    origin: { type: message.category },
                  },
                  pricing: { billable: true, pricing_model: 'PMP', category: message.category },
                }
              : {}),
            ...(errors ? { errors } : {}),
          },
        ],
      },
    },
    extra_info: {
      ...(message.ref !== undefined ? { ref: message.ref } : {}),
      ...(message.ref1 !== undefined ? { ref1: message.ref1 } : {}),
      ...(message.ref2 !== undefined ? { ref2: message.ref2 } : {}),
    },
    status: update.status,
    message_id: message.id,
  };
  const result = await deliver(
    ctx.scheduler,
    { method: 'POST', url, json: payload, basicAuth: basicAuthOf(number) },
    retryOptions(ctx, signal),
  );
  return record(
    ctx,
    { kind: 'status', api_version: 'v2', business_number: number.number, message_id: message.id, status: update.status, payload },
    result,
  );
}

/** sent → delivered → read, `callback_delay_ms` apart; or a single failure status when one was injected. */
export function scheduleStatusFlow(ctx: SandboxContext, message: KaleyraMessage, failure: AsyncFailureMode | null): void {
  const steps: StatusUpdate[] =
    failure === null
      ? [{ status: 'sent' }, { status: 'delivered' }, { status: 'read' }]
      : failure === 'not-sent'
        ? [{ status: 'not-sent' }]
        : [{ status: 'failed', errorCode: failure }];
  ctx.scheduler.run(async (signal) => {
    for (const step of steps) {
      if (!(await ctx.scheduler.sleep(ctx.state.kaleyraConfig.callback_delay_ms, signal))) return;
      await deliverStatus(ctx, message, step, signal);
    }
  });
}

export interface IncomingMedia {
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  /** Kaleyra's storage link to the file (v1 `media_url`; v2 adds it beside Meta's media id). */
  url: string;
  id: string;
  mime_type: string;
  sha256: string;
  filename?: string | undefined;
}

export interface IncomingInput {
  to: string;
  from: string;
  body?: string | undefined;
  name?: string | undefined;
  button_text?: string | undefined;
  /** A quick-reply button's payload (v2 `button.payload`); its text by default. */
  button_payload?: string | undefined;
  /** Media the customer sent; `body` is its caption. */
  media?: IncomingMedia | undefined;
  /** The earlier message this one answers (Meta's `context.id`, Kaleyra v1 `reply_to`). */
  reply_to?: string | undefined;
  reaction?: { emoji: string; message_id: string } | undefined;
  location?: { latitude: number; longitude: number; name?: string | undefined; address?: string | undefined } | undefined;
  /** When the customer wrote it, for a delivery that comes late (WhatsApp holds messages while the app is down); now by default. */
  sent_at?: Date | undefined;
}

export type IncomingKind = 'text' | 'button' | 'reaction' | 'location' | IncomingMedia['kind'];

export function incomingKind(input: IncomingInput): IncomingKind {
  if (input.reaction) return 'reaction';
  if (input.location) return 'location';
  if (input.media) return input.media.kind;
  if (input.button_text !== undefined) return 'button';
  return 'text';
}

export function wamid(): string {
  return `wamid.${randomBytes(18).toString('base64url')}`;
}

/** Kaleyra v1's incoming fields (form or query), as its callback profile names them. */
function v1Fields(
  number: KaleyraNumber,
  input: IncomingInput,
  customer: string,
  name: string,
  createdAt: string,
  replyTo: string | undefined,
) {
  const kind = incomingKind(input);
  const form: Record<string, string> = {
    from: customer,
    name,
    body: input.reaction?.emoji ?? input.button_text ?? input.body ?? '',
    type: kind,
    created_at: createdAt,
    wanumber: number.digits,
    mobile: customer,
  };
  if (input.button_text !== undefined) form.button_text = input.button_text;
  if (input.media) {
    form.media_url = input.media.url;
    form.mime_type = input.media.mime_type;
    if (input.media.filename) form.filename = input.media.filename;
  }
  const reference = input.reaction?.message_id ?? replyTo;
  if (reference) form.reply_to = reference;
  if (input.location) form.location = JSON.stringify(input.location);
  return form;
}

/** Meta's inbound message object, as v2 wraps it. */
function metaMessage(
  number: KaleyraNumber,
  input: IncomingInput,
  customer: string,
  messageId: string,
  createdAt: string,
  replyTo: string | undefined,
) {
  const kind = incomingKind(input);
  const base = {
    from: customer,
    id: messageId,
    timestamp: createdAt,
    type: kind,
    ...(replyTo ? { context: { from: number.digits, id: replyTo } } : {}),
  };
  switch (kind) {
    case 'reaction':
      return { ...base, reaction: { message_id: input.reaction!.message_id, emoji: input.reaction!.emoji } };
    case 'location':
      return { ...base, location: input.location };
    case 'button':
      return { ...base, button: { text: input.button_text, payload: input.button_payload ?? input.button_text } };
    case 'text':
      return { ...base, text: { body: input.body ?? '' } };
    default: {
      const media = input.media!;
      return {
        ...base,
        [kind]: {
          id: media.id,
          mime_type: media.mime_type,
          sha256: media.sha256,
          url: media.url,
          ...(input.body ? { caption: input.body } : {}),
          ...(media.filename && kind === 'document' ? { filename: media.filename } : {}),
        },
      };
    }
  }
}

/**
 * Delivers a customer's message to the number's incoming URL (v1 form / v2 JSON), with the profile's Basic auth.
 * Every kind (text, button, media, reaction, location, replies) goes in the version's own format.
 */
export async function deliverIncoming(
  ctx: SandboxContext,
  number: KaleyraNumber,
  input: IncomingInput,
): Promise<{ delivered: boolean; status: number | null; message_id: string; reason?: string }> {
  const customer = digitsOf(input.from);
  const messageId = wamid();
  const name = input.name ?? 'WhatsApp user';
  const sentAt = input.sent_at ?? new Date();
  const createdAt = unixSeconds(sentAt);
  ctx.state.lastIncoming.set(`${number.digits}:${customer}`, sentAt.getTime());
  // A quick-reply tap refers to the last business message sent to this customer, unless told which.
  const replyTo =
    input.reply_to ??
    (input.button_text !== undefined
      ? [...ctx.state.messages].reverse().find((m) => digitsOf(m.from) === number.digits && digitsOf(m.to) === customer)?.id
      : undefined);

  const url = number.callback_profile?.incoming_url;
  if (!url) return { delivered: false, status: null, message_id: messageId, reason: 'no incoming_url configured' };

  let result: DeliveryResult;
  let payload: unknown;
  if (number.api_version === 'v1') {
    const form = v1Fields(number, input, customer, name, createdAt, replyTo);
    payload = form;
    result =
      number.callback_profile?.incoming_method === 'GET'
        ? await deliver(ctx.scheduler, { method: 'GET', url, query: form, basicAuth: basicAuthOf(number) })
        : await deliver(ctx.scheduler, { method: 'POST', url, form, basicAuth: basicAuthOf(number) });
  } else {
    payload = {
      meta_object: {
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: number.digits, phone_number_id: number.phone_number_id },
          contacts: [{ profile: { name }, wa_id: customer }],
          messages: [metaMessage(number, input, customer, messageId, createdAt, replyTo)],
        },
      },
      extra_info: {},
    };
    result = await deliver(ctx.scheduler, { method: 'POST', url, json: payload, basicAuth: basicAuthOf(number) });
  }
  record(
    ctx,
    { kind: 'incoming', api_version: number.api_version, business_number: number.number, message_id: messageId, status: null, payload },
    result,
  );
  return { delivered: result.ok, status: result.status, message_id: messageId };
}
