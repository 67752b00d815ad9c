import { randomUUID } from 'node:crypto';
import { setReviewMode, type ReviewMode } from './kaleyra-template-studio.ts';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseOr400, sendProblem } from '../lib/http.ts';
import { digitsOf, FAILURE_MODES, type KaleyraNumber, type SandboxContext } from '../state.ts';
import { deliverIncoming, deliverStatus } from './kaleyra-callbacks.ts';

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function numberView(number: KaleyraNumber) {
  return {
    number: number.number,
    display_name: number.display_name,
    api_version: number.api_version,
    waba_id: number.waba_id,
    phone_number_id: number.phone_number_id,
    organization_id: number.organization_id,
    callback_profile: number.callback_profile,
  };
}

const e164 = z.string().regex(/^\+?[1-9]\d{6,14}$/, 'E.164 number expected');
const httpUrl = z.url({ protocol: /^https?$/ });

const NumberInput = z.object({
  number: e164,
  api_version: z.enum(['v1', 'v2']),
  waba_id: z.string().min(1),
  display_name: z.string().min(1).default('Sandbox business'),
  organization_id: z.string().optional(),
});

const ProfileInput = z.object({
  status_url: z.union([z.literal(''), httpUrl]).default(''),
  incoming_url: z.union([z.literal(''), httpUrl]).default(''),
  username: z.string().default(''),
  password: z.string().default(''),
  incoming_method: z.enum(['GET', 'POST']).default('POST'),
});

const ConfigInput = z.object({
  rate_limit_per_second: z.number().int().min(1).optional(),
  callback_delay_ms: z.number().int().min(0).optional(),
  enforce_service_window: z.boolean().optional(),
  dedupe_refs: z.boolean().optional(),
  callback_retry_seconds: z.number().int().min(0).max(3600).optional(),
});

const FailNextInput = z.object({
  number: e164.optional(),
  /** Only a send to this customer fails: other sends from the number (campaigns, relays) pass. */
  to: e164.optional(),
  count: z.number().int().min(1).max(1000).default(1),
  // Meta codes may come as numbers (131047) or strings ('131047').
  mode: z.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.enum(FAILURE_MODES)),
  /** For `timeout`: how long the send hangs (default 35 s). */
  hang_ms: z.number().int().min(0).max(120_000).optional(),
});

const IncomingInput = z.object({
  to: e164,
  from: e164,
  body: z.string().optional(),
  name: z.string().optional(),
  button_text: z.string().optional(),
  /** When the customer wrote it (ISO 8601): a late delivery carries its own, older time. */
  sent_at: z.coerce.date().optional(),
});

const StatusInput = z.object({
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'not-sent']),
  error_code: z.string().optional(),
});

const TemplateStatusInput = z.object({
  status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED']),
  rejected_reason: z.string().optional(),
});

const ReviewModeInput = z.object({
  waba: z.string().min(1),
  mode: z.enum(['instant', 'manual', 'delayed']),
  delay_ms: z.number().int().min(0).max(600_000).optional(),
});

export function kaleyraControlRouter(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;

  router.get('/sandbox/kaleyra/numbers', (_req, res) => {
    res.json({ numbers: [...state.numbers.values()].map(numberView) });
  });

  router.post('/sandbox/kaleyra/numbers', (req, res) => {
    const input = parseOr400(NumberInput, req.body, res);
    if (!input) return;
    const digits = digitsOf(input.number);
    const record = state.addNumber(
      {
        number: `+${digits}`,
        display_name: input.display_name,
        api_version: input.api_version,
        waba_id: input.waba_id,
        phone_number_id: state.findNumber(digits)?.phone_number_id ?? `1200${digits.slice(-11).padStart(11, '0')}`,
      },
      input.organization_id ?? null,
    );
    res.status(201).json(numberView(record));
  });

  router.put('/sandbox/kaleyra/numbers/:number/callback-profile', (req, res) => {
    const number = state.findNumber(param(req, 'number'));
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${param(req, 'number')}.`);
    const input = parseOr400(ProfileInput, req.body, res);
    if (!input) return;
    number.callback_profile = input;
    res.json(numberView(number));
  });

  router.delete('/sandbox/kaleyra/numbers/:number/callback-profile', (req, res) => {
    const number = state.findNumber(param(req, 'number'));
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${param(req, 'number')}.`);
    number.callback_profile = null;
    res.json(numberView(number));
  });

  router.get('/sandbox/kaleyra/config', (_req, res) => {
    res.json(state.kaleyraConfig);
  });

  router.post('/sandbox/kaleyra/config', (req, res) => {
    const input = parseOr400(ConfigInput, req.body, res);
    if (!input) return;
    state.kaleyraConfig = {
      rate_limit_per_second: input.rate_limit_per_second ?? state.kaleyraConfig.rate_limit_per_second,
      callback_delay_ms: input.callback_delay_ms ?? state.kaleyraConfig.callback_delay_ms,
      enforce_service_window: input.enforce_service_window ?? state.kaleyraConfig.enforce_service_window,
      dedupe_refs: input.dedupe_refs ?? state.kaleyraConfig.dedupe_refs,
      callback_retry_seconds: input.callback_retry_seconds ?? state.kaleyraConfig.callback_retry_seconds,
    };
    res.json(state.kaleyraConfig);
  });

  router.get('/sandbox/kaleyra/fail-next', (_req, res) => {
    res.json({ pending: state.injections });
  });

  router.post('/sandbox/kaleyra/fail-next', (req, res) => {
    const input = parseOr400(FailNextInput, req.body, res);
    if (!input) return;
    let number: string | null = null;
    if (input.number) {
      const known = state.findNumber(input.number);
      if (!known) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${input.number}.`);
      number = known.digits;
    }
    for (let i = 0; i < input.count; i++) {
      state.injections.push({
        id: randomUUID(),
        number,
        to: input.to ? digitsOf(input.to) : null,
        mode: input.mode,
        hang_ms: input.hang_ms ?? ctx.config.timeoutHangMs,
        created_at: new Date().toISOString(),
      });
    }
    res.status(201).json({ pending: state.injections });
  });

  router.delete('/sandbox/kaleyra/fail-next', (_req, res) => {
    state.injections = [];
    res.json({ pending: [] });
  });

  router.get('/sandbox/kaleyra/messages', (req, res) => {
    const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const from = q('from');
    const to = q('to');
    const ref = q('ref');
    const messages = state.messages.filter(
      (m) =>
        (!from || digitsOf(m.from) === digitsOf(from)) && (!to || digitsOf(m.to) === digitsOf(to)) && (ref === undefined || m.ref === ref),
    );
    res.json({ messages, duplicate_refs_seen: state.duplicateRefsSeen });
  });

  router.get('/sandbox/kaleyra/messages/:id', (req, res) => {
    const message = state.messageById.get(param(req, 'id'));
    if (!message) return sendProblem(res, 404, 'Unknown message', `No message ${param(req, 'id')}.`);
    res.json(message);
  });

  /** Pushes one extra status (and its callback) for a message, e.g. a late `failed`. */
  router.post('/sandbox/kaleyra/messages/:id/status', async (req, res) => {
    const message = state.messageById.get(param(req, 'id'));
    if (!message) return sendProblem(res, 404, 'Unknown message', `No message ${param(req, 'id')}.`);
    const input = parseOr400(StatusInput, req.body, res);
    if (!input) return;
    const callback = await deliverStatus(ctx, message, { status: input.status, errorCode: input.error_code });
    res.json({ message, callback });
  });

  router.get('/sandbox/kaleyra/callbacks', (req, res) => {
    const messageId = typeof req.query.message_id === 'string' ? req.query.message_id : undefined;
    res.json({ callbacks: state.callbacks.filter((c) => !messageId || c.message_id === messageId) });
  });

  router.post('/sandbox/kaleyra/incoming', async (req, res) => {
    const input = parseOr400(IncomingInput, req.body, res);
    if (!input) return;
    if (input.body === undefined && input.button_text === undefined) {
      return sendProblem(res, 400, 'Validation failed', 'Give body or button_text.');
    }
    const number = state.findNumber(input.to);
    if (!number) return sendProblem(res, 404, 'Unknown number', `Kaleyra knows no number ${input.to}.`);
    res.json(await deliverIncoming(ctx, number, input));
  });

  // How new templates are reviewed, per WABA ('*' for all): at once, after a delay, or only by the status call below.
  router.post('/sandbox/kaleyra/templates/review-mode', (req, res) => {
    const input = parseOr400(ReviewModeInput, req.body, res);
    if (!input) return;
    const mode: ReviewMode = input.mode === 'delayed' ? { mode: 'delayed', delay_ms: input.delay_ms ?? 2000 } : { mode: input.mode };
    setReviewMode(ctx, input.waba, mode);
    res.json({ waba: input.waba, ...mode });
  });

  router.post('/sandbox/kaleyra/templates/:waba/:name/status', (req, res) => {
    const list = state.templates.get(param(req, 'waba'));
    if (!list) return sendProblem(res, 404, 'Unknown WABA', `No WABA ${param(req, 'waba')}.`);
    const input = parseOr400(TemplateStatusInput, req.body, res);
    if (!input) return;
    const matches = list.filter((t) => t.name === param(req, 'name'));
    if (matches.length === 0) return sendProblem(res, 404, 'Unknown template', `No template ${param(req, 'name')}.`);
    for (const template of matches) {
      template.status = input.status;
      if (input.status === 'REJECTED') template.rejected_reason = input.rejected_reason ?? 'INVALID_FORMAT';
      else delete template.rejected_reason;
    }
    res.json({ templates: matches });
  });

  return router;
}
