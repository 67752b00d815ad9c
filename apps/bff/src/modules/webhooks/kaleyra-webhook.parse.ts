import type { MessageStatus } from '@wa/contracts';
import { z } from 'zod';

export interface StatusUpdate {
  /** Our message id (the `ref` we sent), when the provider echoes it. */
  ref: string | null;
  providerMessageId: string | null;
  status: MessageStatus;
  errorCode: string | null;
  at: Date;
}

export interface IncomingMessage {
  from: string;
  /** Our business number, E.164, when the payload names it. */
  to: string | null;
  name: string | null;
  type: 'text' | 'button' | 'media' | 'other';
  /** Kept in memory only long enough to detect opt-out keywords; never stored. */
  text: string | null;
  at: Date;
  providerMessageId: string | null;
  /** The provider's message as received (Meta's message object on v2, the fields on v1), for the chat relay; memory only. */
  raw?: Record<string, unknown>;
}

export class WebhookParseError extends Error {}

const STATUS_WORDS: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  seen: 'read',
  failed: 'failed',
  'not-sent': 'not_sent',
  not_sent: 'not_sent',
  notsent: 'not_sent',
  undelivered: 'failed',
  rejected: 'failed',
};

function toStatus(word: unknown): MessageStatus {
  const s = typeof word === 'string' ? STATUS_WORDS[word.trim().toLowerCase()] : undefined;
  if (!s) throw new WebhookParseError(`unknown status ${JSON.stringify(word)}`);
  return s;
}

function toDate(value: unknown, fallback: Date): Date {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (Number.isFinite(n) && n > 0) return new Date(n < 1e12 ? n * 1000 : n);
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? fallback : d;
}

const e164 = (raw: unknown): string | null => {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const digits = String(raw).replace(/[^\d]/g, '');
  return digits.length >= 7 && digits.length <= 15 ? `+${digits}` : null;
};

const V2StatusSchema = z.object({
  meta_object: z.object({
    value: z.object({
      statuses: z
        .array(
          z.object({
            id: z.string().optional(),
            status: z.string(),
            timestamp: z.union([z.string(), z.number()]).optional(),
            errors: z.array(z.object({ code: z.union([z.string(), z.number()]) }).passthrough()).optional(),
          }),
        )
        .min(1),
    }),
  }),
  extra_info: z.object({ ref: z.string().optional() }).passthrough().optional(),
  message_id: z.string().optional(),
});

/** v1: GET ?id=&status=[&error_code=]; v2: POST JSON wrapping Meta's status object. */
export function parseStatusCallback(query: Record<string, unknown>, body: unknown, now: Date): StatusUpdate[] {
  if (body && typeof body === 'object' && 'meta_object' in body) {
    const parsed = V2StatusSchema.safeParse(body);
    if (!parsed.success) throw new WebhookParseError('malformed v2 status callback');
    const ref = parsed.data.extra_info?.ref ?? null;
    return parsed.data.meta_object.value.statuses.map((s) => ({
      ref,
      providerMessageId: s.id ?? parsed.data.message_id ?? null,
      status: toStatus(s.status),
      errorCode: s.errors?.[0] ? String(s.errors[0].code) : s.status.toLowerCase() === 'not-sent' ? 'not-sent' : null,
      at: toDate(s.timestamp, now),
    }));
  }
  const source = { ...(body && typeof body === 'object' ? (body as Record<string, unknown>) : {}), ...query };
  const id = source.id ?? source.message_id;
  if (typeof id !== 'string' || !id) throw new WebhookParseError('status callback without a message id');
  const status = toStatus(source.status);
  const code = source.error_code ?? source.error ?? null;
  return [
    {
      ref: typeof source.ref === 'string' ? source.ref : null,
      providerMessageId: id,
      status,
      errorCode: code !== null && code !== '' ? String(code) : status === 'not_sent' ? 'not-sent' : null,
      at: toDate(source.created_at ?? source.timestamp, now),
    },
  ];
}

const V2IncomingSchema = z.object({
  meta_object: z.object({
    value: z.object({
      metadata: z.object({ display_phone_number: z.string().optional() }).passthrough().optional(),
      contacts: z
        .array(z.object({ profile: z.object({ name: z.string().optional() }).optional(), wa_id: z.string().optional() }))
        .optional(),
      messages: z
        .array(
          z
            .object({
              from: z.string(),
              id: z.string().optional(),
              timestamp: z.union([z.string(), z.number()]).optional(),
              type: z.string(),
              text: z.object({ body: z.string() }).optional(),
              button: z.object({ text: z.string().optional(), payload: z.string().optional() }).optional(),
              interactive: z
                .object({ button_reply: z.object({ title: z.string().optional() }).optional() })
                .passthrough()
                .optional(),
            })
            .passthrough(),
        )
        .min(1),
    }),
  }),
});

/** v1: form or JSON fields from, name, body, type, created_at, wanumber; v2: Meta's messages[] wrapped. */
export function parseIncoming(body: unknown, now: Date): IncomingMessage[] {
  if (!body || typeof body !== 'object') throw new WebhookParseError('empty incoming webhook');
  if ('meta_object' in body) {
    const parsed = V2IncomingSchema.safeParse(body);
    if (!parsed.success) throw new WebhookParseError('malformed v2 incoming webhook');
    const v = parsed.data.meta_object.value;
    return v.messages.map((m) => {
      const from = e164(m.from);
      if (!from) throw new WebhookParseError('incoming message without a valid sender');
      const buttonText = m.button?.text ?? m.button?.payload ?? m.interactive?.button_reply?.title ?? null;
      const type =
        m.type === 'text'
          ? 'text'
          : m.type === 'button' || m.type === 'interactive'
            ? 'button'
            : ['image', 'video', 'audio', 'document', 'sticker'].includes(m.type)
              ? 'media'
              : 'other';
      return {
        from,
        to: e164(v.metadata?.display_phone_number),
        name: v.contacts?.find((c) => c.wa_id === m.from)?.profile?.name ?? v.contacts?.[0]?.profile?.name ?? null,
        type,
        text: m.text?.body ?? buttonText,
        at: toDate(m.timestamp, now),
        providerMessageId: m.id ?? null,
        raw: m,
      } satisfies IncomingMessage;
    });
  }
  const b = body as Record<string, unknown>;
  const from = e164(b.from);
  if (!from) throw new WebhookParseError('incoming message without a valid sender');
  const rawType = typeof b.type === 'string' ? b.type.toLowerCase() : 'text';
  const type =
    rawType === 'text'
      ? 'text'
      : rawType === 'button'
        ? 'button'
        : ['image', 'video', 'audio', 'document', 'media'].includes(rawType)
          ? 'media'
          : 'other';
  const text = typeof b.body === 'string' ? b.body : typeof b.button_text === 'string' ? b.button_text : null;
  return [
    {
      from,
      to: e164(b.wanumber),
      name: typeof b.name === 'string' ? b.name : null,
      type,
      text: type === 'button' && typeof b.button_text === 'string' ? b.button_text : text,
      at: toDate(b.created_at, now),
      providerMessageId: typeof b.id === 'string' ? b.id : null,
      raw: b,
    },
  ];
}
