import { randomUUID } from 'node:crypto';
import type { SandboxContext, StoredTemplate } from '../state.ts';
import type { TemplateComponent } from '../seed.ts';

/**
 * How Meta treats a new template, as the sandbox plays it: its rules checked at creation (Meta-like `(#100)`
 * messages), then a review that keeps the template PENDING and decides after a delay, or waits for a control call.
 */
export type ReviewMode = { mode: 'instant' } | { mode: 'manual' } | { mode: 'delayed'; delay_ms: number };

const reviewModes = new WeakMap<object, Map<string, ReviewMode>>();
const uploads = new WeakMap<object, Map<string, { bytes: number; type: string }>>();

function modesOf(ctx: SandboxContext): Map<string, ReviewMode> {
  let m = reviewModes.get(ctx.state);
  if (!m) reviewModes.set(ctx.state, (m = new Map()));
  return m;
}

export function setReviewMode(ctx: SandboxContext, waba: string, mode: ReviewMode): void {
  modesOf(ctx).set(waba, mode);
}

export function reviewModeOf(ctx: SandboxContext, waba: string): ReviewMode {
  return modesOf(ctx).get(waba) ?? modesOf(ctx).get('*') ?? { mode: 'instant' };
}

/**
 * Forgets the template studio's per-account state kept beside `SandboxState` (review modes, uploaded samples), so
 * `POST /sandbox/reset` gives back a Kaleyra that approves new templates at once and knows no sample handle.
 */
export function resetTemplateStudio(ctx: SandboxContext): void {
  reviewModes.delete(ctx.state);
  uploads.delete(ctx.state);
}

const RESUMABLE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];

/**
 * Kaleyra's "Upload Resumable Media" (`POST /v2/<sid>/whatsapp/<waba_id>/resumable_media`, multipart `file` and
 * `type`): the types it takes and its file-name rule. Returns the file's size and type, or what is wrong with it.
 */
export async function readResumableMedia(
  contentType: string,
  body: Buffer,
): Promise<{ size: number; type: string } | { error: Record<string, string> }> {
  if (!contentType.startsWith('multipart/form-data')) return { error: { file: 'use multipart/form-data with file and type' } };
  let form: FormData;
  try {
    form = await new Request('http://sandbox.local/resumable_media', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    return { error: { file: 'malformed multipart body' } };
  }
  const file = form.get('file');
  const type = String(form.get('type') ?? '');
  if (!(file instanceof Blob) || file.size === 0) return { error: { file: 'file is required' } };
  if (!RESUMABLE_TYPES.includes(type)) return { error: { type: `type must be one of ${RESUMABLE_TYPES.join(', ')}` } };
  const name = file instanceof File ? file.name : '';
  if (!name || name.length > 255 || /[\\/<@% ]/.test(name))
    return { error: { file: 'the file name is 1 to 255 characters without \\ / < @ % or spaces' } };
  return { size: file.size, type };
}

/** Meta's resumable upload, reduced to what review needs: a handle for a sample file (the bytes are dropped). */
export function recordUpload(ctx: SandboxContext, bytes: number, type: string): string {
  let m = uploads.get(ctx.state);
  if (!m) uploads.set(ctx.state, (m = new Map()));
  const handle = `4::${Buffer.from(type).toString('base64url')}:${randomUUID()}`;
  m.set(handle, { bytes, type });
  return handle;
}

function knownHandle(ctx: SandboxContext, handle: string): boolean {
  return uploads.get(ctx.state)?.has(handle) ?? false;
}

const VAR = /\{\{\s*([^{}]*?)\s*\}\}/g;
const vars = (text: string) => [...text.matchAll(VAR)].map((m) => ({ inner: m[1] ?? '', at: m.index ?? 0, len: m[0].length }));

/** Meta's rules for a template object; returns field → Meta-like message (empty when it may be reviewed). */
export function metaTemplateErrors(
  ctx: SandboxContext,
  input: { name: string; category: string; components: Record<string, unknown>[] },
  waba: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  // 'instant' stands for templates made and approved elsewhere (WhatsApp Manager): the structural rules still hold,
  // the review's own (samples, where variables sit, uploaded media) only when the WABA reviews.
  const reviewing = reviewModeOf(ctx, waba).mode !== 'instant';
  const REVIEW_ONLY = /example|start or end|sample/;
  const err = (field: string, text: string) => {
    if (!reviewing && REVIEW_ONLY.test(text)) return;
    errors[field] ??= `(#100) Invalid parameter: ${text}`;
  };
  if (!/^[a-z0-9_]{1,512}$/.test(input.name))
    err('name', 'name may only contain lowercase letters, numbers and underscores, at most 512 characters.');
  const byType = (t: string) => input.components.filter((c) => String(c.type).toUpperCase() === t);
  for (const t of ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'])
    if (byType(t).length > 1) err(t.toLowerCase(), `only one ${t} component is allowed.`);
  const body = byType('BODY')[0];
  const auth = input.category === 'AUTHENTICATION';
  if (!body) err('components', 'a BODY component is required.');
  if (auth) {
    if (byType('HEADER').length) err('header', 'authentication templates cannot have a header.');
    const buttons = (byType('BUTTONS')[0]?.buttons as Record<string, unknown>[] | undefined) ?? [];
    if (buttons.length !== 1 || String(buttons[0]?.type).toUpperCase() !== 'OTP')
      err('buttons', 'authentication templates need exactly one OTP button.');
    const exp = byType('FOOTER')[0]?.code_expiration_minutes;
    if (exp !== undefined && (typeof exp !== 'number' || exp < 1 || exp > 90))
      err('footer', 'code_expiration_minutes must be between 1 and 90.');
    return errors;
  }
  if (body) {
    const text = typeof body.text === 'string' ? body.text : '';
    if (!text.trim()) err('body', 'body text is required.');
    if (text.length > 1024) err('body', 'body text is longer than 1024 characters.');
    const found = vars(text);
    const numbers = found.map((v) => Number(v.inner));
    if (found.some((v) => !/^\d+$/.test(v.inner))) err('body', 'variable parameters must be numbered {{1}}, {{2}}...');
    const distinct = [...new Set(numbers)];
    if (distinct.some((n, i) => n !== i + 1)) err('body', 'variable parameters are not sequential.');
    const trimmed = text.trim();
    const tv = vars(trimmed);
    if (tv.length && (tv[0]!.at === 0 || tv[tv.length - 1]!.at + tv[tv.length - 1]!.len === trimmed.length)) {
      err('body', "variables can't be at the start or end of the template.");
    }
    const example = (body.example as { body_text?: unknown[][] } | undefined)?.body_text?.[0];
    if (
      distinct.length &&
      (!Array.isArray(example) || example.length !== distinct.length || example.some((e) => typeof e !== 'string' || !e.trim()))
    ) {
      err('body.example', 'every body variable needs a sample value (example.body_text).');
    }
  }
  const header = byType('HEADER')[0];
  if (header) {
    const format = String(header.format ?? '').toUpperCase();
    if (format === 'TEXT') {
      const text = typeof header.text === 'string' ? header.text : '';
      if (!text || text.length > 60) err('header', 'header text is required and has at most 60 characters.');
      const hv = vars(text);
      if (hv.length > 1 || (hv[0] && hv[0].inner !== '1')) err('header', 'the header supports one variable, {{1}}.');
      const ex = (header.example as { header_text?: unknown[] } | undefined)?.header_text?.[0];
      if (hv.length === 1 && (typeof ex !== 'string' || !ex.trim()))
        err('header.example', 'the header variable needs a sample (example.header_text).');
    } else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) {
      const handle = (header.example as { header_handle?: unknown[] } | undefined)?.header_handle?.[0];
      if (typeof handle !== 'string' || !knownHandle(ctx, handle))
        err('header.example', `a ${format.toLowerCase()} header needs an uploaded sample (example.header_handle).`);
    } else if (format !== 'LOCATION') err('header', `unknown header format ${format || '(none)'}.`);
  }
  const footer = byType('FOOTER')[0];
  if (footer) {
    const text = typeof footer.text === 'string' ? footer.text : '';
    if (!text || text.length > 60) err('footer', 'footer text is required and has at most 60 characters.');
    if (vars(text).length) err('footer', 'the footer cannot contain variables.');
  }
  const buttons = (byType('BUTTONS')[0]?.buttons as Record<string, unknown>[] | undefined) ?? [];
  if (byType('BUTTONS').length && buttons.length === 0) err('buttons', 'BUTTONS needs at least one button.');
  if (buttons.length > 10) err('buttons', 'at most 10 buttons.');
  const types = buttons.map((b) => String(b.type).toUpperCase());
  if (types.filter((t) => t === 'URL').length > 2) err('buttons', 'at most 2 URL buttons.');
  if (types.filter((t) => t === 'PHONE_NUMBER').length > 1) err('buttons', 'at most 1 PHONE_NUMBER button.');
  if (/q+o+q+/.test(types.map((t) => (t === 'QUICK_REPLY' ? 'q' : 'o')).join('')))
    err('buttons', 'quick reply buttons must be grouped together.');
  buttons.forEach((b, i) => {
    const t = types[i];
    const text = typeof b.text === 'string' ? b.text : '';
    if (t !== 'COPY_CODE' && (!text || text.length > 25))
      err(`buttons.${i}.text`, 'button text is required and has at most 25 characters.');
    if (t === 'OTP') err(`buttons.${i}`, 'OTP buttons are for authentication templates.');
    if (t === 'URL') {
      const url = typeof b.url === 'string' ? b.url : '';
      const uv = vars(url);
      if (!/^https?:\/\//.test(url)) err(`buttons.${i}.url`, 'url must be a valid http(s) address.');
      if (uv.length > 1 || (uv[0] && (uv[0].inner !== '1' || uv[0].at + uv[0].len !== url.length)))
        err(`buttons.${i}.url`, 'a URL may end with one variable {{1}}.');
      const ex = (b.example as unknown[] | undefined)?.[0];
      if (uv.length === 1 && (typeof ex !== 'string' || !ex.trim())) err(`buttons.${i}.example`, 'a dynamic URL needs a sample.');
    }
    if (t === 'PHONE_NUMBER' && !/^\+?[1-9]\d{6,14}$/.test(String(b.phone_number ?? '')))
      err(`buttons.${i}.phone_number`, 'phone_number is not valid.');
  });
  return errors;
}

/** Starts the review of a new template according to the WABA's review mode. */
export function startReview(ctx: SandboxContext, waba: string, template: StoredTemplate): void {
  const mode = reviewModeOf(ctx, waba);
  if (mode.mode === 'instant') {
    template.status = 'APPROVED';
    return;
  }
  template.status = 'PENDING';
  if (mode.mode !== 'delayed') return;
  ctx.scheduler.run(async (signal) => {
    if (!(await ctx.scheduler.sleep(mode.delay_ms, signal))) return;
    if (template.status === 'PENDING') template.status = 'APPROVED';
  });
}

export function asComponents(list: Record<string, unknown>[]): TemplateComponent[] {
  return list as unknown as TemplateComponent[];
}

/** What a v2 send carried beyond body text: the header's media link or value, and the button parameters. */
export function richOfV2(components: Record<string, unknown>[] | undefined) {
  const header = components?.find((c) => String(c.type).toLowerCase() === 'header');
  const p = (header?.parameters as Record<string, unknown>[] | undefined)?.[0];
  const kind = typeof p?.type === 'string' ? p.type : null;
  const media =
    kind && ['image', 'video', 'document'].includes(kind) ? ((p?.[kind] as { link?: unknown } | undefined)?.link ?? null) : null;
  const buttons = (components ?? [])
    .filter((c) => String(c.type).toLowerCase() === 'button')
    .map((c) => {
      const q = (c.parameters as Record<string, unknown>[] | undefined)?.[0];
      return { index: Number(c.index), sub_type: String(c.sub_type ?? ''), value: String(q?.text ?? q?.payload ?? '') };
    });
  return {
    header: kind
      ? { type: kind, ...(typeof media === 'string' ? { link: media } : {}), ...(kind === 'text' ? { text: String(p?.text ?? '') } : {}) }
      : null,
    buttons,
  };
}

/** Meta's synchronous checks of a rich send against the template (132012-like). */
export function richSendProblem(template: StoredTemplate, rich: ReturnType<typeof richOfV2>): string | null {
  const comps = template.components as unknown as Record<string, unknown>[];
  const header = comps.find((c) => c.type === 'HEADER');
  const format = String(header?.format ?? '').toLowerCase();
  if (['image', 'video', 'document'].includes(format)) {
    if (!rich.header || rich.header.type !== format || !('link' in rich.header))
      return `132012 Parameter format does not match format in the created template: header needs a ${format} link`;
  }
  const buttons = (comps.find((c) => c.type === 'BUTTONS')?.buttons as Record<string, unknown>[] | undefined) ?? [];
  for (const [i, b] of buttons.entries()) {
    if (
      String(b.type) === 'URL' &&
      typeof b.url === 'string' &&
      /\{\{1\}\}$/.test(b.url) &&
      !rich.buttons.some((x) => x.index === i && x.sub_type === 'url' && x.value)
    ) {
      return `131008 Required parameter is missing: button ${i} needs its URL suffix`;
    }
  }
  return null;
}
