import express, { Router, type Request, type Response } from 'express';
import { asComponents, metaTemplateErrors, readResumableMedia, recordUpload, startReview } from './kaleyra-template-studio.ts';
import { z } from 'zod';
import type { SandboxContext, StoredTemplate } from '../state.ts';
import { KaleyraError, errorReply, sendReply } from './kaleyra-errors.ts';
import { processSend } from './kaleyra-send.ts';
import { v1Multipart } from './kaleyra-media.ts';

const TEMPLATE_CREATES_PER_HOUR = 100;

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

async function answer(ctx: SandboxContext, req: Request, res: Response, outcome: ReturnType<typeof processSend>) {
  if (outcome.hangMs !== undefined) {
    await ctx.scheduler.sleep(outcome.hangMs);
    if (req.socket.destroyed || res.headersSent) return;
  }
  sendReply(res, outcome.reply);
}

/** Meta's template object as the v2 templates API returns it. */
function templateView(template: StoredTemplate) {
  return {
    id: template.id,
    name: template.name,
    language: template.language,
    category: template.category,
    status: template.status,
    ...(template.status === 'REJECTED' && template.rejected_reason ? { rejected_reason: template.rejected_reason } : {}),
    // Meta rates a template's quality once customers have received it; the sandbox rates approved ones green.
    quality_score: { score: template.status === 'APPROVED' ? 'GREEN' : 'UNKNOWN' },
    components: template.components,
  };
}

const TemplateInput = z.object({
  name: z.string(),
  language: z.string().min(2),
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
  components: z.array(z.object({ type: z.string().transform((t) => t.toUpperCase()) }).loose()),
  /** Sandbox extension: the status the template starts in; without it, Meta's review (see kaleyra-template-studio.ts). */
  status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED']).optional(),
  rejected_reason: z.string().optional(),
});

/** Kaleyra WhatsApp API: v1 and v2 sends, v2 templates. */
export function kaleyraRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.post('/v1/:sid/messages', async (req, res) => {
    const body = (req.is('multipart/form-data') ? await v1Multipart(ctx, req) : (req.body ?? {})) as Record<string, unknown>;
    const outcome = processSend(ctx, {
      version: 'v1',
      sid: param(req, 'sid'),
      apiKey: req.get('api-key'),
      businessNumber: typeof body.from === 'string' ? body.from : undefined,
      body,
    });
    await answer(ctx, req, res, outcome);
  });

  router.post('/v2/:sid/whatsapp/:number/messages', async (req, res) => {
    const outcome = processSend(ctx, {
      version: 'v2',
      sid: param(req, 'sid'),
      apiKey: req.get('api-key'),
      businessNumber: param(req, 'number'),
      body: req.body,
    });
    await answer(ctx, req, res, outcome);
  });

  // --- templates (v2 only)
  const templatesPath = '/v2/:sid/whatsapp/:waba/message_templates';

  /** Returns the WABA's template list, or answers the error and returns undefined. */
  function authorise(req: Request, res: Response): StoredTemplate[] | undefined {
    let error: KaleyraError | undefined;
    if (req.get('api-key') !== ctx.config.kaleyraApiKey) error = new KaleyraError('RBC001');
    else if (param(req, 'sid') !== ctx.config.kaleyraSid) error = new KaleyraError('SID');
    const list = ctx.state.templates.get(param(req, 'waba'));
    if (!error && !list) error = new KaleyraError('WA404', undefined, `WABA ${param(req, 'waba')} not found`);
    if (error) {
      sendReply(res, errorReply('v2', error));
      return undefined;
    }
    return list;
  }

  router.get(templatesPath, (req, res) => {
    const list = authorise(req, res);
    if (!list) return;
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    const status = typeof req.query.status === 'string' ? req.query.status.toUpperCase() : undefined;
    const data = list.filter((t) => (!name || t.name === name) && (!status || t.status === status)).map(templateView);
    res.json({ data, paging: {} });
  });

  router.post(templatesPath, (req, res) => {
    const list = authorise(req, res);
    if (!list) return;
    const waba = param(req, 'waba');
    const parsed = TemplateInput.safeParse(req.body ?? {});
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[issue.path.map(String).join('.') || 'body'] = issue.message;
      return sendReply(res, errorReply('v2', new KaleyraError('WA400', fields)));
    }
    const input = parsed.data;
    const metaErrors = metaTemplateErrors(ctx, input, waba);
    if (Object.keys(metaErrors).length) {
      return sendReply(res, errorReply('v2', new KaleyraError('WA400', metaErrors, Object.values(metaErrors)[0])));
    }
    if (list.some((t) => t.name === input.name && t.language === input.language)) {
      return sendReply(
        res,
        errorReply('v2', new KaleyraError('WA400', { name: `a template named ${input.name} already exists in ${input.language}` })),
      );
    }
    const now = Date.now();
    const creates = (ctx.state.templateCreates.get(waba) ?? []).filter((t) => now - t < 3_600_000);
    if (creates.length >= TEMPLATE_CREATES_PER_HOUR) {
      ctx.state.templateCreates.set(waba, creates);
      // Retry-After: when the oldest create of the last hour leaves the window.
      const reply = errorReply('v2', new KaleyraError('TEMPLATE_LIMIT'));
      const wait = Math.max(1, Math.ceil((Math.min(...creates) + 3_600_000 - now) / 1000));
      return sendReply(res, { ...reply, headers: { 'Retry-After': String(wait) } });
    }
    creates.push(now);
    ctx.state.templateCreates.set(waba, creates);
    const template: StoredTemplate = {
      id: ctx.state.nextTemplateId(),
      name: input.name,
      language: input.language,
      category: input.category,
      status: input.status ?? 'PENDING',
      ...(input.rejected_reason ? { rejected_reason: input.rejected_reason } : {}),
      components: asComponents(input.components),
    };
    if (!input.status) startReview(ctx, waba, template);
    list.push(template);
    res.status(201).json({ id: template.id, status: template.status, category: template.category });
  });

  // Kaleyra's Upload Resumable Media, for a media header's sample (the handle goes into example.header_handle).
  router.post('/v2/:sid/whatsapp/:waba/resumable_media', express.raw({ type: () => true, limit: '20mb' }), async (req, res) => {
    if (!authorise(req, res)) return;
    const read = await readResumableMedia(req.get('content-type') ?? '', Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    if ('error' in read) return sendReply(res, errorReply('v2', new KaleyraError('WA400', read.error)));
    res.json({ h: recordUpload(ctx, read.size, read.type) });
  });

  router.delete(templatesPath, (req, res) => {
    const list = authorise(req, res);
    if (!list) return;
    const name = typeof req.query.name === 'string' ? req.query.name : '';
    if (!name) return sendReply(res, errorReply('v2', new KaleyraError('WA400', { name: 'required' })));
    const remaining = list.filter((t) => t.name !== name);
    if (remaining.length === list.length) {
      return sendReply(res, errorReply('v2', new KaleyraError('WA404', undefined, `Template ${name} not found`)));
    }
    ctx.state.templates.set(param(req, 'waba'), remaining);
    res.json({ success: true });
  });

  return router;
}
