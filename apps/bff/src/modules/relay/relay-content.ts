import { createHash } from 'node:crypto';

/**
 * What an agent sees in the chat for one WhatsApp message: the texts of the chat's message events, built in memory
 * from the provider's message and never stored. `refersTo` names an earlier message (a reply or a reaction) whose
 * time the caller looks up by its id.
 */
export interface InboundContent {
  type: string;
  texts: string[];
  refersTo: string | null;
  /** A file the customer sent: fetched from the provider's link and uploaded to the chat (memory only). */
  media?: InboundMedia;
}

export interface InboundMedia {
  url: string;
  mimeType: string;
  filename: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export const unknownTypeText = (type: string) => `[WhatsApp sent a message type this app cannot show: ${type}]`;

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'voice', 'document', 'sticker', 'media']);

function location(l: Record<string, unknown>): string {
  const lat = Number(l.latitude ?? l.lat);
  const lng = Number(l.longitude ?? l.long ?? l.lng);
  const place = [str(l.name), str(l.address)].filter(Boolean).join(', ');
  const link = Number.isFinite(lat) && Number.isFinite(lng) ? `https://maps.google.com/?q=${lat},${lng}` : '';
  return `📍 Location${place ? `: ${place}` : ''}${link ? ` ${link}` : ''}`;
}

function contacts(list: unknown): string {
  const items = Array.isArray(list) ? list.map(obj) : [];
  const lines = items.map((c) => {
    const name = str(obj(c.name).formatted_name) ?? [str(obj(c.name).first_name), str(obj(c.name).last_name)].filter(Boolean).join(' ');
    const phones = (Array.isArray(c.phones) ? c.phones.map(obj) : []).map((p) => str(p.phone) ?? str(p.wa_id)).filter(Boolean);
    return `👤 ${name || 'Contact'}${phones.length ? ` ${phones.join(', ')}` : ''}`;
  });
  return lines.length ? lines.join('\n') : '👤 Contact';
}

/** Meta's message object (v2). */
function fromMeta(m: Record<string, unknown>): InboundContent {
  const type = str(m.type) ?? 'unknown';
  const refersTo = str(obj(m.context).id);
  switch (type) {
    case 'text':
      return { type, texts: [str(obj(m.text).body) ?? ''].filter(Boolean), refersTo };
    case 'button':
      return { type, texts: [str(obj(m.button).text) ?? str(obj(m.button).payload) ?? '[button]'], refersTo };
    case 'interactive': {
      const i = obj(m.interactive);
      const reply = obj(i.button_reply ?? i.list_reply);
      const title = str(reply.title);
      return {
        type,
        texts: [
          title
            ? `${title}${str(reply.description) ? ` — ${reply.description as string}` : ''}`
            : unknownTypeText(`interactive ${str(i.type) ?? ''}`.trim()),
        ],
        refersTo,
      };
    }
    case 'location':
      return { type, texts: [location(obj(m.location))], refersTo };
    case 'contacts':
      return { type, texts: [contacts(m.contacts)], refersTo };
    case 'reaction': {
      const r = obj(m.reaction);
      const emoji = str(r.emoji);
      return { type, texts: [emoji ? `Reacted ${emoji}` : 'Removed a reaction'], refersTo: str(r.message_id) };
    }
    default: {
      if (MEDIA_TYPES.has(type)) {
        const media = obj(m[type]);
        return mediaContent(type, refersTo, {
          caption: str(media.caption),
          url: str(media.url) ?? str(media.link),
          mimeType: str(media.mime_type),
          filename: str(media.filename),
        });
      }
      return { type, texts: [unknownTypeText(type)], refersTo };
    }
  }
}

/** A file the customer sent, with its caption; without a link, a line saying what came instead of the file. */
function mediaContent(
  type: string,
  refersTo: string | null,
  f: { caption: string | null; url: string | null; mimeType: string | null; filename: string | null },
): InboundContent {
  const captions = f.caption ? [f.caption] : [];
  if (!f.url) return { type, texts: [unknownTypeText(type), ...captions], refersTo };
  const mimeType = f.mimeType ?? 'application/octet-stream';
  return { type, texts: captions, refersTo, media: { url: f.url, mimeType, filename: f.filename ?? defaultName(type, mimeType, f.url) } };
}

/** A name for a file WhatsApp sent without one (only documents carry theirs): the link's own, or its type's. */
function defaultName(type: string, mimeType: string, url?: string): string {
  let last = '';
  try {
    last = url ? decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') : '';
  } catch {
    // A malformed link keeps the type's name.
  }
  if (/^[^/\\]{1,120}\.[a-z0-9]{1,5}$/i.test(last)) return last;
  const ext = mimeType.split('/')[1]?.split(/[;+]/)[0] ?? 'bin';
  return `${type}.${ext === 'jpeg' ? 'jpg' : ext}`;
}

/** v1's `location`: JSON text of {latitude, longitude, name?, address?}, or the fields themselves. */
function v1Location(b: Record<string, unknown>): Record<string, unknown> {
  if (typeof b.location === 'string') {
    try {
      return obj(JSON.parse(b.location));
    } catch {
      return b;
    }
  }
  return b.location && typeof b.location === 'object' ? obj(b.location) : b;
}

/** Kaleyra v1's fields (`type`, `body`, `button_text`, `media_url`, `mime_type`, `filename`, `location`, `reply_to`). */
function fromV1(b: Record<string, unknown>): InboundContent {
  const type = (str(b.type) ?? 'text').toLowerCase();
  const refersTo = str(b.reply_to);
  if (type === 'text') return { type, texts: [str(b.body) ?? ''].filter(Boolean), refersTo };
  if (type === 'button') return { type, texts: [str(b.button_text) ?? str(b.body) ?? '[button]'], refersTo };
  if (type === 'location') return { type, texts: [location(v1Location(b))], refersTo };
  if (type === 'reaction') return { type, texts: [str(b.body) ? `Reacted ${b.body as string}` : 'Removed a reaction'], refersTo };
  if (MEDIA_TYPES.has(type)) {
    const file = { caption: str(b.caption) ?? str(b.body), url: str(b.media_url), mimeType: str(b.mime_type), filename: str(b.filename) };
    return mediaContent(type, refersTo, file);
  }
  return { type, texts: [unknownTypeText(type)], refersTo };
}

export function inboundContent(
  raw: Record<string, unknown> | undefined,
  apiVersion: 'v1' | 'v2',
  fallbackText: string | null,
): InboundContent {
  if (!raw) return { type: 'text', texts: [fallbackText ?? unknownTypeText('unknown')], refersTo: null };
  const content = apiVersion === 'v2' ? fromMeta(raw) : fromV1(raw);
  if (!content.texts.length && !content.media) content.texts.push(unknownTypeText(content.type));
  return content;
}

/** "10:42" (UTC) of the referred message, as the reaction and reply lines show it. */
export function finishContent(content: InboundContent, referredAt: Date | null): string[] {
  if (!content.refersTo) return content.texts;
  const when = referredAt ? `${referredAt.toISOString().slice(11, 16)} UTC` : 'earlier';
  if (content.type === 'reaction') return content.texts.map((t) => `${t} to your message of ${when}`);
  const [first, ...rest] = content.texts;
  return [first === undefined ? `↩ Reply to the message of ${when}` : `↩ Reply to the message of ${when}: ${first}`, ...rest];
}

/**
 * v1 incoming messages may carry no message id; a replay of the same one still needs one key. A digest of its
 * fields identifies it without keeping them.
 */
export function v1MessageKey(raw: Record<string, unknown>): string {
  const fields = ['from', 'wanumber', 'created_at', 'type', 'body', 'button_text', 'media_url'].map((k) => String(raw[k] ?? ''));
  return `v1:${createHash('sha256').update(fields.join('\u0000')).digest('hex').slice(0, 40)}`;
}
