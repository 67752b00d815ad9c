import { countVariables, type TemplateCategory, type TemplateStatus } from '@wa/contracts';
import { z } from 'zod';
import { fetchWithTimeout, readJson } from '../http.ts';
import type { KaleyraClientOptions } from './kaleyra.client.ts';
import { templateError, toProviderError } from './kaleyra-errors.ts';
import { ProviderError, type MetaTemplateObject, type NewProviderTemplate } from './kaleyra.port.ts';

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

export const QUALITY: Record<string, 'high' | 'medium' | 'low' | 'unknown'> = {
  GREEN: 'high',
  YELLOW: 'medium',
  RED: 'low',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
};

/** Meta's template components for a new template; variables get neutral examples, which review requires. */
export function templateComponents(t: NewProviderTemplate) {
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

export const CATEGORY: Record<string, TemplateCategory> = { MARKETING: 'marketing', UTILITY: 'utility', AUTHENTICATION: 'authentication' };
export const STATUS: Record<string, TemplateStatus> = {
  APPROVED: 'approved',
  REJECTED: 'rejected',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  PENDING: 'pending',
  IN_APPEAL: 'pending',
};

export const TemplateListSchema = z.object({
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
