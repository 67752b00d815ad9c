import type { ApiVersion, TemplateStatus } from '@wa/contracts';
import { backoffMs, fetchWithTimeout, readJson, sleep } from '../http.ts';
import {
  ProviderError,
  type KaleyraPort,
  type MetaTemplateObject,
  type NewProviderTemplate,
  type ProviderTemplate,
  type SendRequest,
  type SendResult,
} from './kaleyra.port.ts';
import { errorFromResponse, toProviderError } from './kaleyra-errors.ts';
import { CATEGORY, KaleyraTemplateCalls, QUALITY, STATUS, templateComponents, TemplateListSchema } from './kaleyra-templates.ts';

export interface KaleyraClientOptions {
  baseUrl: string;
  sid: string;
  apiKey: string;
  timeoutMs?: number;
  /** Attempts for throttling and server errors (1 = no retry). */
  maxAttempts?: number;
}

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
