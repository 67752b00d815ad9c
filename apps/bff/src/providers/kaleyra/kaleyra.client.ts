import { countVariables, type ApiVersion, type TemplateCategory, type TemplateStatus } from '@wa/contracts';
import { z } from 'zod';
import { backoffMs, fetchWithTimeout, HttpTimeoutError, readJson, sleep } from '../http.ts';
import {
  ProviderError,
  type KaleyraPort,
  type MetaTemplateObject,
  type NewProviderTemplate,
  type ProviderTemplate,
  type SendRequest,
  type SendResult,
} from './kaleyra.port.ts';

export interface KaleyraClientOptions {
  baseUrl: string;
  sid: string;
  apiKey: string;
  timeoutMs?: number;
  /** Attempts for throttling and server errors (1 = no retry). */
  maxAttempts?: number;
}

const KNOWN_CODE = /\b(E\d{3}|WA\d{3}|WAV\d{4}|RBC\d{3})\b/;

/** Real Kaleyra WhatsApp client: v1 form-encoded, v2 JSON (Meta Cloud API message inside). */
export class KaleyraClient implements KaleyraPort {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: KaleyraClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async send(request: SendRequest): Promise<SendResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sendOnce(request);
      } catch (err) {
        const e = toProviderError(err, request.apiVersion);
        if (!e.retryable || attempt + 1 >= (request.maxAttempts ?? this.maxAttempts)) throw e;
        await sleep(Math.max(e.retryAfterMs ?? 0, backoffMs(attempt)));
      }
    }
  }

  private async sendOnce(request: SendRequest): Promise<SendResult> {
    const { baseUrl, sid, apiKey } = this.options;
    let res: Response;
    if (request.apiVersion === 'v1') {
      const form = new URLSearchParams({ from: request.from, to: request.to, channel: 'whatsapp' });
      if (request.message.kind === 'template') {
        const rich = request.message.v1;
        // Kaleyra v1 sends a template with a media header as `mediatemplate` with `media_url`.
        form.set('type', rich?.mediaUrl ? 'mediatemplate' : 'template');
        form.set('template_name', request.message.name);
        form.set('lang_code', request.message.language);
        if (request.message.params.length) form.set('params', request.message.params.map(escapeV1Param).join(','));
        if (rich?.mediaUrl) form.set('media_url', rich.mediaUrl);
        if (rich?.headerParam) form.set('param_header', rich.headerParam);
        if (rich?.urlParam) form.set('param_url', rich.urlParam);
      } else if (request.message.kind === 'text') {
        form.set('type', 'text');
        form.set('body', request.message.body);
      }
      if (request.callbackUrl) form.set('callback_url', request.callbackUrl);
      if (request.message.kind === 'media') {
        // v1 takes the file itself as multipart form data (it cannot fetch a link).
        const multipart = new FormData();
        for (const [k, v] of form) multipart.set(k, v);
        multipart.set('type', 'media');
        const { file, caption } = request.message;
        multipart.set('media', new Blob([file.bytes], { type: file.contentType }), file.name);
        if (caption) multipart.set('caption', caption);
        res = await fetchWithTimeout(
          `${baseUrl}/v1/${encodeURIComponent(sid)}/messages`,
          { method: 'POST', headers: { 'api-key': apiKey }, body: multipart },
          this.timeoutMs,
        );
      } else
        res = await fetchWithTimeout(
          `${baseUrl}/v1/${encodeURIComponent(sid)}/messages`,
          { method: 'POST', headers: { 'api-key': apiKey, 'content-type': 'application/x-www-form-urlencoded' }, body: form },
          this.timeoutMs,
        );
    } else {
      const messagingObject =
        request.message.kind === 'template'
          ? {
              messaging_product: 'whatsapp',
              recipient_type: 'individual',
              to: request.to.replace(/^\+/, ''),
              type: 'template',
              template: {
                name: request.message.name,
                language: { code: request.message.language },
                components:
                  request.message.components ??
                  (request.message.params.length
                    ? [{ type: 'body', parameters: request.message.params.map((text) => ({ type: 'text', text })) }]
                    : []),
              },
            }
          : request.message.kind === 'media'
            ? {
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to: request.to.replace(/^\+/, ''),
                type: request.message.mediaKind,
                [request.message.mediaKind]: {
                  link: request.message.link,
                  ...(request.message.caption && request.message.mediaKind !== 'audio' ? { caption: request.message.caption } : {}),
                  ...(request.message.filename && request.message.mediaKind === 'document' ? { filename: request.message.filename } : {}),
                },
              }
            : {
                messaging_product: 'whatsapp',
                recipient_type: 'individual',
                to: request.to.replace(/^\+/, ''),
                type: 'text',
                text: { body: request.message.body },
              };
      res = await fetchWithTimeout(
        `${baseUrl}/v2/${encodeURIComponent(sid)}/whatsapp/${request.from.replace(/^\+/, '')}/messages`,
        {
          method: 'POST',
          headers: { 'api-key': apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_object: messagingObject, extra_info: { ref: request.ref } }),
        },
        this.timeoutMs,
      );
    }
    const body = await readJson(res);
    if (!res.ok) throw errorFromResponse(res, body, request.apiVersion);
    const id = extractMessageId(body);
    if (!id) throw new ProviderError('WA500', false, 'Kaleyra accepted the message but returned no id', res.status);
    return { providerMessageId: id };
  }

  async listTemplates(_apiVersion: ApiVersion, wabaId: string): Promise<ProviderTemplate[]> {
    const { baseUrl, sid, apiKey } = this.options;
    // Templates live on the v2 API for every number (v1 has no template endpoint).
    const res = await fetchWithTimeout(
      `${baseUrl}/v2/${encodeURIComponent(sid)}/whatsapp/${encodeURIComponent(wabaId)}/message_templates`,
      { headers: { 'api-key': apiKey } },
      this.timeoutMs,
    ).catch((err: unknown) => {
      throw toProviderError(err, 'v2');
    });
    const body = await readJson(res);
    if (!res.ok) throw errorFromResponse(res, body, 'v2');
    const parsed = TemplateListSchema.safeParse(body);
    if (!parsed.success) throw new ProviderError('WA500', true, 'Kaleyra returned templates in an unexpected shape', res.status);
    return parsed.data.data.flatMap((t) => {
      const category = CATEGORY[t.category.toUpperCase()];
      if (!category) return [];
      const find = (type: string) => t.components.find((c) => c.type.toUpperCase() === type);
      const body = find('BODY')?.text ?? '';
      return [
        {
          name: t.name,
          language: t.language,
          category,
          status: STATUS[t.status.toUpperCase()] ?? 'pending',
          header: find('HEADER')?.text ?? null,
          body,
          footer: find('FOOTER')?.text ?? null,
          buttons: (find('BUTTONS')?.buttons ?? []).map((b) => ({ type: b.type, text: b.text ?? '' })),
          rejectedReason: t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null,
          components: t.components as Record<string, unknown>[],
          quality: QUALITY[(t.quality_score?.score ?? '').toUpperCase()] ?? 'unknown',
        } satisfies ProviderTemplate,
      ];
    });
  }

  async createTemplate(wabaId: string, template: NewProviderTemplate): Promise<{ status: TemplateStatus }> {
    const { baseUrl, sid, apiKey } = this.options;
    const res = await fetchWithTimeout(
      `${baseUrl}/v2/${encodeURIComponent(sid)}/whatsapp/${encodeURIComponent(wabaId)}/message_templates`,
      {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: template.name,
          language: template.language,
          category: template.category.toUpperCase(),
          components: templateComponents(template),
        }),
      },
      this.timeoutMs,
    ).catch((err: unknown) => {
      throw toProviderError(err, 'v2');
    });
    const body = await readJson(res);
    if (!res.ok) throw errorFromResponse(res, body, 'v2');
    const status =
      body && typeof body === 'object' && typeof (body as { status?: unknown }).status === 'string'
        ? (body as { status: string }).status
        : 'PENDING';
    return { status: STATUS[status.toUpperCase()] ?? 'pending' };
  }

  private get templateCalls() {
    return new KaleyraTemplateCalls(this.options, this.timeoutMs);
  }

  submitTemplate(wabaId: string, template: MetaTemplateObject) {
    return this.templateCalls.submit(wabaId, template);
  }

  deleteTemplate(wabaId: string, name: string) {
    return this.templateCalls.remove(wabaId, name);
  }

  uploadTemplateSample(wabaId: string, file: { bytes: Uint8Array; mimeType: string; fileName: string }) {
    return this.templateCalls.upload(wabaId, file);
  }
}

const templatesUrl = (o: KaleyraClientOptions, wabaId: string) =>
  `${o.baseUrl}/v2/${encodeURIComponent(o.sid)}/whatsapp/${encodeURIComponent(wabaId)}/message_templates`;

/** The template studio's calls: Meta's object as it is, delete by name, sample upload. */
export class KaleyraTemplateCalls {
  constructor(
    private readonly options: KaleyraClientOptions,
    private readonly timeoutMs: number,
  ) {}

  private async call(url: string, init: RequestInit): Promise<unknown> {
    const res = await fetchWithTimeout(url, init, this.timeoutMs).catch((err: unknown) => {
      throw toProviderError(err, 'v2');
    });
    const body = await readJson(res);
    if (!res.ok) throw templateError(res, body);
    return body;
  }

  async submit(wabaId: string, template: MetaTemplateObject): Promise<{ id: string | null; status: TemplateStatus }> {
    const body = (await this.call(templatesUrl(this.options, wabaId), {
      method: 'POST',
      headers: { 'api-key': this.options.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(template),
    })) as { id?: unknown; status?: unknown } | null;
    const status = typeof body?.status === 'string' ? body.status : 'PENDING';
    return { id: typeof body?.id === 'string' ? body.id : null, status: STATUS[status.toUpperCase()] ?? 'pending' };
  }

  async remove(wabaId: string, name: string): Promise<void> {
    await this.call(`${templatesUrl(this.options, wabaId)}?name=${encodeURIComponent(name)}`, {
      method: 'DELETE',
      headers: { 'api-key': this.options.apiKey },
    });
  }

  /**
   * Kaleyra's Upload Resumable Media (`POST /v2/<sid>/whatsapp/<waba_id>/resumable_media`, multipart `file` and
   * `type`, as its public docs show). The answer's shape is not in those docs: read as Meta's resumable upload answers,
   * `{h: handle}` (*unverified*).
   */
  async upload(wabaId: string, file: { bytes: Uint8Array; mimeType: string; fileName: string }): Promise<{ handle: string }> {
    const { baseUrl, sid, apiKey } = this.options;
    const form = new FormData();
    // Kaleyra refuses file names with \ / < @ % or spaces.
    form.append(
      'file',
      new Blob([file.bytes], { type: file.mimeType }),
      file.fileName.replace(/[\\/<@%\s]/g, '_').slice(0, 255) || 'sample',
    );
    form.append('type', file.mimeType);
    const body = (await this.call(`${baseUrl}/v2/${encodeURIComponent(sid)}/whatsapp/${encodeURIComponent(wabaId)}/resumable_media`, {
      method: 'POST',
      headers: { 'api-key': apiKey },
      body: form,
    })) as { h?: unknown } | null;
    if (typeof body?.h !== 'string') throw new ProviderError('WA500', true, 'Kaleyra returned no handle for the sample');
    return { handle: body.h };
  }
}

/** A template call's refusal: Meta's message and its fields, kept for the owner to read (no secrets in them). */
function templateError(res: Response, body: unknown): ProviderError {
  const e = errorFromResponse(res, body, 'v2');
  const b = body as { message?: unknown; errors?: unknown; error?: { message?: unknown; error_user_msg?: unknown } } | null;
  const parts: string[] = [];
  const metaMsg = b?.error?.error_user_msg ?? b?.error?.message ?? b?.message;
  if (typeof metaMsg === 'string') parts.push(metaMsg);
  if (b?.errors && typeof b.errors === 'object') {
    for (const [k, v] of Object.entries(b.errors as Record<string, unknown>)) if (typeof v === 'string') parts.push(`${k}: ${v}`);
  }
  return new ProviderError(e.code, e.retryable, parts.join('; ').slice(0, 600) || e.message, e.httpStatus, e.retryAfterMs);
}

const QUALITY: Record<string, 'high' | 'medium' | 'low' | 'unknown'> = {
  GREEN: 'high',
  YELLOW: 'medium',
  RED: 'low',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
};

/** Meta's template components for a new template; variables get neutral examples, which review requires. */
function templateComponents(t: NewProviderTemplate) {
  const components: Record<string, unknown>[] = [];
  if (t.header) components.push({ type: 'HEADER', format: 'TEXT', text: t.header });
  const vars = countVariables(t.body);
  components.push({
    type: 'BODY',
    text: t.body,
    ...(vars ? { example: { body_text: [Array.from({ length: vars }, (_, i) => `example ${i + 1}`)] } } : {}),
  });
  if (t.footer) components.push({ type: 'FOOTER', text: t.footer });
  if (t.buttons.length) components.push({ type: 'BUTTONS', buttons: t.buttons.map((b) => ({ type: b.type, text: b.text })) });
  return components;
}

const CATEGORY: Record<string, TemplateCategory> = { MARKETING: 'marketing', UTILITY: 'utility', AUTHENTICATION: 'authentication' };
const STATUS: Record<string, TemplateStatus> = {
  APPROVED: 'approved',
  REJECTED: 'rejected',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  PENDING: 'pending',
  IN_APPEAL: 'pending',
};

const TemplateListSchema = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      language: z.string(),
      category: z.string(),
      status: z.string(),
      rejected_reason: z.string().nullish(),
      quality_score: z.object({ score: z.string().optional() }).loose().nullish(),
      components: z
        .array(
          z
            .object({
              type: z.string(),
              text: z.string().optional(),
              format: z.string().optional(),
              buttons: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()).optional(),
            })
            .loose(),
        )
        .default([]),
    }),
  ),
});

/** v1 `params` is a comma list; a comma inside a value must not split it. */
function escapeV1Param(value: string): string {
  return value.includes(',') || value.includes('"') ? `"${value.replace(/"/g, '""')}"` : value;
}

function extractMessageId(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (typeof b.id === 'string') return b.id;
  const messages = b.messages;
  if (Array.isArray(messages) && messages[0] && typeof (messages[0] as { id?: unknown }).id === 'string') {
    return (messages[0] as { id: string }).id;
  }
  const data = b.data as Record<string, unknown> | undefined;
  if (data && typeof data.message_id === 'string') return data.message_id;
  if (Array.isArray(b.data) && b.data[0] && typeof (b.data[0] as { message_id?: unknown }).message_id === 'string') {
    return (b.data[0] as { message_id: string }).message_id;
  }
  return null;
}

function errorFromResponse(res: Response, body: unknown, apiVersion: ApiVersion): ProviderError {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  const text = JSON.stringify(body ?? '');
  const appCode =
    body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string }).code
      : (KNOWN_CODE.exec(text)?.[1] ?? null);
  const message =
    (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : null) ?? text.slice(0, 200);

  if (res.status === 429 && appCode !== 'WAV2101')
    return new ProviderError('http429', true, 'Kaleyra throttled the request', 429, retryAfterMs);
  if (appCode === 'WA500' || res.status >= 500) {
    return new ProviderError(appCode ?? `http${res.status}`, true, message, res.status, retryAfterMs);
  }
  if (appCode) return new ProviderError(appCode, false, message, res.status);
  if (res.status === 401) return new ProviderError('RBC001', false, message, 401);
  if (res.status === 400 && apiVersion === 'v1') return new ProviderError('WA400', false, message, 400);
  return new ProviderError(`http${res.status}`, false, message, res.status);
}

function toProviderError(err: unknown, apiVersion: ApiVersion): ProviderError {
  if (err instanceof ProviderError) return err;
  // A v2 retry carries the same ref, which Kaleyra de-duplicates; v1 has no ref, so a timed-out
  // v1 send might have gone through and is not retried automatically.
  if (err instanceof HttpTimeoutError) return new ProviderError('timeout', apiVersion === 'v2', 'Kaleyra did not answer in time');
  return new ProviderError('network', true, 'Kaleyra could not be reached');
}
