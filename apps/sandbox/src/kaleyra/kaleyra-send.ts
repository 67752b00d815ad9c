import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { redactUrl } from '../lib/deliver.ts';
import type { KaleyraApiVersion } from '../seed.ts';
import {
  digitsOf,
  isAsyncFailure,
  type AsyncFailureMode,
  type Injection,
  type KaleyraMessage,
  type KaleyraNumber,
  type SandboxContext,
} from '../state.ts';
import { scheduleStatusFlow } from './kaleyra-callbacks.ts';
import { KaleyraError, errorReply, type KaleyraReply } from './kaleyra-errors.ts';
import { parseV1Params, templateProblem } from './kaleyra-templates.ts';
import { richOfV2, richSendProblem } from './kaleyra-template-studio.ts';

const E164 = /^\+?[1-9]\d{6,14}$/;
const REF_TTL_MS = 24 * 60 * 60 * 1000;
const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A send request after version-specific parsing. */
interface ParsedSend {
  to: string;
  type: 'template' | 'text' | 'media';
  template_name: string | null;
  /** Rich templates: the header's media link or value and the button parameters (v2 components, v1 fields). */
  rich?: ReturnType<typeof richOfV2>;
  lang_code: string | null;
  params: string[];
  body?: string;
  media?: KaleyraMessage['media'];
  ref?: string;
  ref1?: string;
  ref2?: string;
  callback_url?: string;
}

export interface SendRequest {
  version: KaleyraApiVersion;
  sid: string;
  apiKey: string | undefined;
  /** v2: from the path; v1: the `from` field. */
  businessNumber: string | undefined;
  body: unknown;
}

export interface SendOutcome {
  reply: KaleyraReply;
  /** Set by a `timeout` injection: answer only after this long. */
  hangMs?: number;
}

// --- parsing ----------------------------------------------------------------------------------------------------

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function parseV1(body: unknown): ParsedSend {
  const form = (body ?? {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const to = str(form.to)?.trim() ?? '';
  const channel = str(form.channel)?.trim().toLowerCase() ?? '';
  const type = str(form.type)?.trim().toLowerCase() ?? '';
  const templateName = str(form.template_name)?.trim() || null;
  const text = str(form.body);
  const callbackUrl = str(form.callback_url)?.trim() || undefined;

  if (channel !== 'whatsapp') fields.channel = channel ? 'invalid channel' : 'required';
  if (!E164.test(to)) fields.to = 'invalid number';
  const mediaTemplate = type === 'mediatemplate';
  if (mediaTemplate && !/^https:\/\//.test(str(form.media_url) ?? '')) fields.media_url = 'required (https)';
  if (!mediaTemplate && type !== 'template' && type !== 'text' && type !== 'media') fields.type = type ? 'invalid type' : 'required';
  if ((type === 'template' || mediaTemplate) && !templateName) fields.template_name = 'required';
  if (type === 'text' && !text?.trim()) fields.body = 'required';
  if (text && text.length > 4096) fields.body = 'too long';
  // The route turns the multipart `media` part into this object (v1 cannot fetch a URL itself).
  const uploaded =
    type === 'media' && typeof form.media === 'object' && form.media !== null ? (form.media as KaleyraMessage['media']) : undefined;
  if (type === 'media' && !uploaded) fields.media = 'required (multipart file part)';
  if (callbackUrl) {
    try {
      const url = new URL(callbackUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') fields.callback_url = 'invalid url';
    } catch {
      fields.callback_url = 'invalid url';
    }
  }
  if (Object.keys(fields).length > 0) throw new KaleyraError('WA400', fields);

  const mediaUrl = str(form.media_url)?.trim();
  const headerParam = str(form.param_header)?.trim();
  const urlParam = str(form.param_url)?.trim();
  const rich =
    mediaUrl || headerParam || urlParam
      ? {
          header: mediaUrl ? { type: 'media', link: mediaUrl } : headerParam ? { type: 'text', text: headerParam } : null,
          buttons: urlParam ? [{ index: -1, sub_type: 'url', value: urlParam }] : [],
        }
      : undefined;
  const isTemplate = type === 'template' || mediaTemplate;
  return {
    to: digitsOf(to),
    type: isTemplate ? 'template' : (type as ParsedSend['type']),
    template_name: isTemplate ? templateName : null,
    lang_code: str(form.lang_code)?.trim() || null,
    params: isTemplate ? parseV1Params(str(form.params)) : [],
    ...(rich ? { rich } : {}),
    ...(text !== undefined && text !== '' ? { body: text } : {}),
    ...(uploaded ? { media: { ...uploaded, ...(str(form.caption) ? { caption: str(form.caption) } : {}) } } : {}),
    ...(callbackUrl ? { callback_url: callbackUrl } : {}),
  };
}

const TextParameter = z.object({ type: z.literal('text'), text: z.string() });
const TemplateComponent = z
  .object({
    type: z.string().transform((t) => t.toLowerCase()),
    sub_type: z.string().optional(),
    index: z.union([z.string(), z.number()]).optional(),
    parameters: z.array(z.object({ type: z.string() }).loose()).optional(),
  })
  .loose();

const MEDIA_KINDS = ['image', 'document', 'video', 'audio'] as const;
// Meta's media object; only `link` is supported (media ids from Meta's upload endpoint are not).
const MediaObject = z
  .object({ link: z.url({ protocol: /^https?$/ }), caption: z.string().max(1024).optional(), filename: z.string().max(240).optional() })
  .loose();

const MessagingObject = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual').optional(),
    to: z.string().regex(E164, 'invalid number'),
    type: z.enum(['template', 'text', ...MEDIA_KINDS]),
    template: z
      .object({
        name: z.string().min(1),
        language: z.object({ code: z.string().min(1), policy: z.string().optional() }),
        components: z.array(TemplateComponent).optional(),
      })
      .optional(),
    text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).optional(),
    image: MediaObject.optional(),
    document: MediaObject.optional(),
    video: MediaObject.optional(),
    audio: MediaObject.optional(),
  })
  .superRefine((value, issue) => {
    if (value.type !== 'template' && value.type !== 'text' && !value[value.type]) {
      issue.addIssue({ code: 'custom', path: [value.type], message: `required for type ${value.type}` });
    }
    if (value.type === 'template' && !value.template) {
      issue.addIssue({ code: 'custom', path: ['template'], message: 'required for type template' });
    }
    if (value.type === 'text' && !value.text) {
      issue.addIssue({ code: 'custom', path: ['text'], message: 'required for type text' });
    }
  });

const V2Body = z.object({
  messaging_object: MessagingObject,
  extra_info: z
    .object({
      ref: z.string().max(256).optional(),
      ref1: z.string().max(256).optional(),
      ref2: z.string().max(256).optional(),
    })
    .loose()
    .optional(),
});

function parseV2(body: unknown): ParsedSend {
  const parsed = V2Body.safeParse(body ?? {});
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.map(String).join('.') || 'body'] = issue.message;
    throw new KaleyraError('WA400', fields);
  }
  const { messaging_object: mo, extra_info: extra } = parsed.data;
  const params: string[] = [];
  if (mo.type === 'template') {
    const bodyComponent = mo.template?.components?.find((c) => c.type === 'body');
    for (const [index, parameter] of (bodyComponent?.parameters ?? []).entries()) {
      const text = TextParameter.safeParse(parameter);
      if (!text.success) {
        throw new KaleyraError('WA400', {
          [`messaging_object.template.components.body.parameters.${index}`]: 'expected {type: "text", text}',
        });
      }
      params.push(text.data.text);
    }
  }
  const mediaKind = mo.type === 'template' || mo.type === 'text' ? null : mo.type;
  const media = mediaKind ? mo[mediaKind] : undefined;
  return {
    to: digitsOf(mo.to),
    type: mediaKind ? 'media' : (mo.type as 'template' | 'text'),
    ...(mediaKind && media
      ? {
          media: {
            kind: mediaKind,
            link: media.link,
            ...(media.caption ? { caption: media.caption } : {}),
            ...(media.filename ? { filename: media.filename } : {}),
          },
        }
      : {}),
    template_name: mo.template?.name ?? null,
    lang_code: mo.template?.language.code ?? null,
    params,
    ...(mo.type === 'template' && (mo.template?.components ?? []).some((c) => c.type !== 'body')
      ? { rich: richOfV2(mo.template?.components as Record<string, unknown>[] | undefined) }
      : {}),
    ...(mo.text ? { body: mo.text.body } : {}),
    ...(extra?.ref !== undefined ? { ref: extra.ref } : {}),
    ...(extra?.ref1 !== undefined ? { ref1: extra.ref1 } : {}),
    ...(extra?.ref2 !== undefined ? { ref2: extra.ref2 } : {}),
  };
}

// --- injections & limits ----------------------------------------------------------------------------------------

function firstInjectionFor(ctx: SandboxContext, number: KaleyraNumber, to: string | null): Injection | undefined {
  return ctx.state.injections.find((i) => (i.number === null || i.number === number.digits) && (i.to === null || i.to === to));
}

/** The recipient's digits as far as the body names one, for injections aimed at one customer. */
function recipientOf(request: SendRequest): string | null {
  try {
    return (request.version === 'v2' ? parseV2(request.body) : parseV1(request.body)).to || null;
  } catch {
    return null;
  }
}

function consume(ctx: SandboxContext, injection: Injection): void {
  ctx.state.injections = ctx.state.injections.filter((i) => i !== injection);
}

const syncInjectionErrors = {
  E110: 'E110',
  WAV2101: 'WAV2101',
  WA401: 'WA401',
  WA400: 'WA400',
  RBC001: 'RBC001',
  WA500: 'WA500',
  http429: 'WA429',
  http503: 'WA503',
} as const;

function withinRateLimit(ctx: SandboxContext, number: KaleyraNumber, now: number): boolean {
  const times = (ctx.state.sendTimes.get(number.digits) ?? []).filter((t) => now - t < 1000);
  ctx.state.sendTimes.set(number.digits, times);
  return times.length < ctx.state.kaleyraConfig.rate_limit_per_second;
}

function acceptedReply(version: KaleyraApiVersion, message: KaleyraMessage): KaleyraReply {
  if (version === 'v2') {
    return { status: 202, body: { code: 'WA202', message: 'Message accepted', data: { message_id: message.id } } };
  }
  return {
    status: 202,
    body: {
      id: message.id,
      to: digitsOf(message.to),
      from: digitsOf(message.from),
      channel: 'whatsapp',
      type: message.type,
      status: 'accepted',
      createdDateTime: message.accepted_at,
      totalCount: 1,
      data: [{ message_id: message.id, recipient: digitsOf(message.to) }],
      error: {},
    },
  };
}

// --- the send pipeline ------------------------------------------------------------------------------------------

/**
 * Order of checks: api-key → SID → business number → pending synchronous injection → API version → payload →
 * template → idempotent ref (v2) → rate limit → accept. A `timeout` injection lets the message through (it is really
 * sent) but delays the answer, so a client retry with the same ref must get the same message_id.
 */
export function processSend(ctx: SandboxContext, request: SendRequest): SendOutcome {
  const { version } = request;
  let hangMs: number | undefined;
  const outcome = (reply: KaleyraReply): SendOutcome => (hangMs === undefined ? { reply } : { reply, hangMs });

  try {
    if (request.apiKey !== ctx.config.kaleyraApiKey) throw new KaleyraError('RBC001');
    if (request.sid !== ctx.config.kaleyraSid) throw new KaleyraError('SID');

    const rawNumber = request.businessNumber?.trim();
    if (!rawNumber) throw new KaleyraError('WA400', { from: 'required' });
    const number = ctx.state.findNumber(rawNumber);
    if (!number) throw new KaleyraError('WA401');

    let injectionUsed = false;
    const recipient = recipientOf(request);
    const injection = firstInjectionFor(ctx, number, recipient);
    if (injection && !isAsyncFailure(injection.mode)) {
      consume(ctx, injection);
      injectionUsed = true;
      if (injection.mode === 'timeout') {
        hangMs = injection.hang_ms;
      } else {
        const kind = syncInjectionErrors[injection.mode as keyof typeof syncInjectionErrors];
        throw new KaleyraError(kind, kind === 'WA400' ? { messaging_object: 'rejected by injected failure' } : undefined);
      }
    }

    if (number.api_version !== version) throw new KaleyraError('WA401');

    const parsed = version === 'v2' ? parseV2(request.body) : parseV1(request.body);

    let category = 'service';
    if (parsed.type === 'template' && parsed.template_name) {
      const check = templateProblem(
        ctx.state.templates.get(number.waba_id) ?? [],
        parsed.template_name,
        parsed.lang_code,
        parsed.params.length,
      );
      if (check.problem !== null) {
        throw new KaleyraError(
          'WA400',
          version === 'v2' ? { 'messaging_object.template': check.problem } : { template_name: check.problem },
          'Invalid template',
        );
      }
      category = check.template.category.toLowerCase();
      const richProblem = version === 'v2' ? richSendProblem(check.template, parsed.rich ?? { header: null, buttons: [] }) : null;
      if (richProblem) throw new KaleyraError('WA400', { 'messaging_object.template': richProblem }, 'Invalid template');
    }

    const now = Date.now();
    if (parsed.ref !== undefined && ctx.state.kaleyraConfig.dedupe_refs) {
      const seen = ctx.state.refs.get(`${number.digits}:${parsed.ref}`);
      const existing = seen && now - seen.at < REF_TTL_MS ? ctx.state.messageById.get(seen.messageId) : undefined;
      if (existing) {
        ctx.state.duplicateRefsSeen += 1;
        return outcome(acceptedReply(version, existing));
      }
    }

    if (!withinRateLimit(ctx, number, now)) throw new KaleyraError('WA429');

    let failure: AsyncFailureMode | null = null;
    if (!injectionUsed) {
      const pending = firstInjectionFor(ctx, number, recipient);
      if (pending && isAsyncFailure(pending.mode)) {
        consume(ctx, pending);
        failure = pending.mode;
      }
    }
    if (failure === null && ctx.state.kaleyraConfig.enforce_service_window && parsed.type !== 'template') {
      const last = ctx.state.lastIncoming.get(`${number.digits}:${parsed.to}`);
      if (last === undefined || now - last > SERVICE_WINDOW_MS) failure = '131047';
    }

    const message: KaleyraMessage = {
      id: randomUUID(),
      api_version: version,
      from: number.number,
      to: `+${parsed.to}`,
      type: parsed.type,
      template_name: parsed.template_name,
      params: parsed.params,
      lang_code: parsed.lang_code,
      ...(parsed.rich ? { header: parsed.rich.header, buttons: parsed.rich.buttons } : {}),
      ...(parsed.body !== undefined ? { body: parsed.body } : {}),
      ...(parsed.media ? { media: parsed.media } : {}),
      ...(parsed.ref !== undefined ? { ref: parsed.ref } : {}),
      ...(parsed.ref1 !== undefined ? { ref1: parsed.ref1 } : {}),
      ...(parsed.ref2 !== undefined ? { ref2: parsed.ref2 } : {}),
      ...(parsed.callback_url ? { callback_url: redactUrl(parsed.callback_url) } : {}),
      category,
      accepted_at: new Date(now).toISOString(),
      statuses: [],
    };
    ctx.state.messages.push(message);
    ctx.state.messageById.set(message.id, message);
    if (parsed.callback_url) ctx.state.rawCallbackUrls.set(message.id, parsed.callback_url);
    if (parsed.ref !== undefined) ctx.state.refs.set(`${number.digits}:${parsed.ref}`, { messageId: message.id, at: now });
    ctx.state.sendTimes.get(number.digits)?.push(now);
    scheduleStatusFlow(ctx, message, failure);
    return outcome(acceptedReply(version, message));
  } catch (error) {
    if (error instanceof KaleyraError) return outcome(errorReply(version, error));
    throw error;
  }
}
