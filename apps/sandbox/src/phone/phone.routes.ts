import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { escapeHtml, originOf, parseOr400, sendProblem } from '../lib/http.ts';
import { perSandbox } from '../lib/per-sandbox.ts';
import { readMultipart } from '../livechat/customer-chat.routes.ts';
import { deliverIncoming, incomingKind, type IncomingInput } from '../kaleyra/kaleyra-callbacks.ts';
import { mediaKindOf, mediaStoreOf, mediaUrl } from '../kaleyra/kaleyra-media.ts';
import { digitsOf, type KaleyraMessage, type KaleyraNumber, type SandboxContext, type SandboxState } from '../state.ts';
import { PHONE_SAMPLES } from './phone-samples.ts';

/**
 * The WhatsApp-like phone page (`/phone`) and its controls: what one customer's phone received from a business
 * number through Kaleyra, and the customer's actions, each delivered as Kaleyra's real incoming webhook.
 */

/** What the phone itself sent, kept for its own screen (the sandbox is the customer's device here). */
export interface PhoneSent {
  id: string;
  at: string;
  business: string;
  customer: string;
  kind: string;
  text?: string;
  media?: { url: string; filename: string; mime_type: string };
  reply_to?: string;
  reaction?: { emoji: string; message_id: string };
  location?: { latitude: number; longitude: number; name?: string };
  delivered: boolean;
  http_status: number | null;
}

export const phoneSentOf = perSandbox((): PhoneSent[] => []);

/** Drops what the phone page and Kaleyra's media storage hold (part of `POST /sandbox/reset`). */
export function resetPhone(state: SandboxState): void {
  phoneSentOf(state).length = 0;
  mediaStoreOf(state).reset();
}

const e164 = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'E.164 number expected');
const Base = z.object({
  business: e164,
  customer: e164,
  /** The customer's WhatsApp profile name. */
  name: z.string().min(1).max(100).optional(),
  reply_to: z.string().min(1).optional(),
  /** When the customer wrote it (ISO 8601), for a delivery that comes late; now by default. */
  sent_at: z.coerce.date().optional(),
});

const ActionInput = z.discriminatedUnion('kind', [
  Base.extend({ kind: z.literal('text'), text: z.string().min(1).max(4096) }),
  Base.extend({
    kind: z.literal('button'),
    text: z.string().min(1).max(25),
    payload: z.string().max(256).optional(),
    message_id: z.string().min(1),
  }),
  Base.extend({ kind: z.literal('reaction'), emoji: z.string().min(1).max(16), message_id: z.string().min(1) }),
  Base.extend({
    kind: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    place: z.string().max(100).optional(),
  }),
  Base.extend({ kind: z.literal('sample'), sample: z.enum(['photo', 'pdf']), caption: z.string().max(1024).optional() }),
]);
type ActionInput = z.infer<typeof ActionInput>;

const ConversationQuery = z.object({ business: e164, customer: e164 });

/** A received template as the phone page draws it. */
export interface TemplateView {
  name: string;
  header: { type: string; text?: string; link?: string } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
}

function fill(text: string, params: string[]): string {
  return text.replace(/\{\{(\d+)\}\}/g, (match, n: string) => params[Number(n) - 1] ?? match);
}

/** A received template as the phone shows it: the approved template's parts with the send's values. */
function templateView(state: SandboxState, number: KaleyraNumber, message: KaleyraMessage): TemplateView {
  const template = (state.templates.get(number.waba_id) ?? []).find(
    (t) => t.name === message.template_name && (!message.lang_code || t.language === message.lang_code),
  );
  const components = (template?.components ?? []) as unknown as Record<string, unknown>[];
  const part = (type: string) => components.find((c) => String(c.type).toUpperCase() === type);
  const header = part('HEADER');
  let headerView: TemplateView['header'] = null;
  if (message.header?.link) headerView = { type: String(header?.format ?? 'IMAGE').toLowerCase(), link: message.header.link };
  else if (header && typeof header.text === 'string')
    headerView = { type: 'text', text: fill(header.text, message.header?.text ? [message.header.text] : []) };
  const body = part('BODY');
  const footer = part('FOOTER');
  const buttons = ((part('BUTTONS')?.buttons ?? []) as { type?: string; text?: string }[]).map((b) => ({
    type: String(b.type ?? 'QUICK_REPLY'),
    text: String(b.text ?? ''),
  }));
  return {
    name: message.template_name ?? '',
    header: headerView,
    body: typeof body?.text === 'string' ? fill(body.text, message.params) : message.params.join(', '),
    footer: typeof footer?.text === 'string' ? footer.text : null,
    buttons,
  };
}

function lastStatus(message: KaleyraMessage): string {
  return message.statuses.at(-1)?.status ?? 'accepted';
}

function conversation(state: SandboxState, number: KaleyraNumber, customer: string) {
  const received = state.messages
    .filter((m) => digitsOf(m.from) === number.digits && digitsOf(m.to) === customer)
    // A message that failed or was never sent never reached the phone.
    .filter((m) => !['failed', 'not-sent'].includes(lastStatus(m)))
    .map((m) => ({
      direction: 'in' as const,
      id: m.id,
      at: m.accepted_at,
      kind: m.type,
      ...(m.body !== undefined ? { text: m.body } : {}),
      ...(m.media ? { media: m.media } : {}),
      ...(m.type === 'template' ? { template: templateView(state, number, m) } : {}),
    }));
  const sent = phoneSentOf(state)
    .filter((s) => digitsOf(s.business) === number.digits && digitsOf(s.customer) === customer)
    .map(({ business: _b, customer: _c, ...rest }) => ({ direction: 'out' as const, ...rest }));
  const reactions = new Map<string, string>();
  for (const s of sent) if (s.reaction) reactions.set(s.reaction.message_id, s.reaction.emoji);
  const messages = [...received, ...sent.filter((s) => !s.reaction)]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((m) => (reactions.has(m.id) ? { ...m, reaction: reactions.get(m.id) } : m));
  return {
    business: { number: number.number, display_name: number.display_name, api_version: number.api_version },
    customer: `+${customer}`,
    messages,
  };
}

async function act(ctx: SandboxContext, req: Request, res: Response, number: KaleyraNumber, input: IncomingInput, sentView: SentView) {
  const at = (input.sent_at ?? new Date()).toISOString();
  const result = await deliverIncoming(ctx, number, input);
  const entry: PhoneSent = {
    id: result.message_id,
    at,
    kind: incomingKind(input),
    ...sentView,
    delivered: result.delivered,
    http_status: result.status,
  };
  phoneSentOf(ctx.state).push(entry);
  res.status(result.delivered ? 200 : 502).json({ ...result, message: entry });
}

type SentView = Omit<PhoneSent, 'id' | 'at' | 'delivered' | 'http_status' | 'kind'>;

/** Who writes to whom, as the webhook carries it (`base`) and as the phone shows it (`view`). */
function parties(number: KaleyraNumber, input: z.infer<typeof Base>): { base: IncomingInput; view: SentView } {
  return {
    base: { to: number.number, from: input.customer, name: input.name, reply_to: input.reply_to, sent_at: input.sent_at },
    view: {
      business: number.number,
      customer: `+${digitsOf(input.customer)}`,
      ...(input.reply_to ? { reply_to: input.reply_to } : {}),
    },
  };
}

/** Kaleyra keeps the customer's file and gives the app a link to it; the phone shows the same file. */
function actWithFile(
  ctx: SandboxContext,
  req: Request,
  res: Response,
  number: KaleyraNumber,
  { base, view }: ReturnType<typeof parties>,
  file: { name: string; mime_type: string; bytes: Buffer },
  caption: string | undefined,
) {
  const media = mediaStoreOf(ctx.state).add(file.name, file.mime_type, file.bytes);
  const incoming = {
    kind: mediaKindOf(media.mime_type),
    url: mediaUrl(originOf(req), media),
    id: media.id,
    mime_type: media.mime_type,
    sha256: media.sha256,
    filename: media.name,
  };
  return act(
    ctx,
    req,
    res,
    number,
    { ...base, media: incoming, body: caption },
    {
      ...view,
      ...(caption ? { text: caption } : {}),
      media: { url: incoming.url, filename: media.name, mime_type: media.mime_type },
    },
  );
}

export function phoneRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;

  router.get('/phone', (_req, res) => {
    const page = join(ctx.config.webDir, 'phone.html');
    if (!existsSync(page)) {
      res
        .status(503)
        .type('html')
        .send(
          `<!doctype html><meta charset="utf-8"><title>Phone page not built</title><p>Run <code>pnpm --filter @wa/sandbox build</code> (expected ${escapeHtml(page)}).</p>`,
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(readFileSync(page, 'utf8'));
  });

  router.get('/sandbox/phone/conversation', (req, res) => {
    const input = parseOr400(ConversationQuery, req.query, res);
    if (!input) return;
    const number = state.findNumber(input.business);
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${input.business}.`);
    res.json(conversation(state, number, digitsOf(input.customer)));
  });

  router.post('/sandbox/phone/messages', async (req, res) => {
    const input = parseOr400(ActionInput, req.body, res);
    if (!input) return;
    const number = state.findNumber(input.business);
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${input.business}.`);
    const who = parties(number, input);
    const { base, view } = who;
    switch (input.kind) {
      case 'text':
        return act(ctx, req, res, number, { ...base, body: input.text }, { ...view, text: input.text });
      case 'button':
        return act(
          ctx,
          req,
          res,
          number,
          { ...base, reply_to: input.message_id, button_text: input.text, button_payload: input.payload },
          { ...view, reply_to: input.message_id, text: input.text },
        );
      case 'reaction':
        return act(
          ctx,
          req,
          res,
          number,
          { ...base, reaction: { emoji: input.emoji, message_id: input.message_id } },
          { ...view, reaction: { emoji: input.emoji, message_id: input.message_id } },
        );
      case 'location': {
        const location = { latitude: input.latitude, longitude: input.longitude, ...(input.place ? { name: input.place } : {}) };
        return act(ctx, req, res, number, { ...base, location }, { ...view, location });
      }
      case 'sample':
        return actWithFile(ctx, req, res, number, who, PHONE_SAMPLES[input.sample], input.caption);
    }
  });

  // A file the customer picked on the phone (multipart: file, business, customer, name?, caption?, reply_to?).
  router.post('/sandbox/phone/media', async (req, res) => {
    let form: FormData;
    try {
      form = await readMultipart(req);
    } catch {
      return sendProblem(res, 400, 'Validation failed', 'Send multipart/form-data with a file part.', {
        errors: [{ path: 'file', message: 'required' }],
      });
    }
    const text = (key: string) => (typeof form.get(key) === 'string' ? (form.get(key) as string) : undefined);
    const input = parseOr400(
      Base.extend({ caption: z.string().max(1024).optional() }),
      {
        business: text('business'),
        customer: text('customer'),
        name: text('name') || undefined,
        caption: text('caption') || undefined,
        reply_to: text('reply_to') || undefined,
      },
      res,
    );
    if (!input) return;
    const file = form.get('file');
    if (!(file instanceof Blob) || file.size === 0) {
      return sendProblem(res, 400, 'Validation failed', 'The file part is missing or empty.', {
        errors: [{ path: 'file', message: 'required' }],
      });
    }
    const number = state.findNumber(input.business);
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${input.business}.`);
    const bytes = Buffer.from(await file.arrayBuffer());
    return actWithFile(
      ctx,
      req,
      res,
      number,
      parties(number, input),
      { name: (file as File).name || 'file', mime_type: file.type, bytes },
      input.caption,
    );
  });

  return router;
}
