import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { checkToken } from '../accounts/accounts.service.ts';
import { bearerToken, cors, escapeHtml, originOf, parseOr400, scriptJson, sendProblem } from '../lib/http.ts';
import type { SandboxContext } from '../state.ts';
import {
  BillingError,
  acceptDirect,
  acceptRecurrent,
  activateDirect,
  activateRecurrent,
  cancelRecurrent,
  collectRecurrent,
  createDirectCharge,
  createRecurrentCharge,
  declineDirect,
  declineRecurrent,
  findAnyCharge,
  forceRecurrentStatus,
  getDirect,
  getRecurrent,
  listDirect,
  listRecurrent,
  markDirectToFail,
  type Buyer,
} from './billing.service.ts';

const PAGE_SIZE = 100;

const DirectChargeInput = z.object({
  name: z.string().trim().min(1).max(200),
  price: z.number().int().positive(),
  quantity: z.number().int().positive().max(10_000).default(1),
  return_url: z.url(),
  test: z.boolean().optional(),
  per_account: z.boolean().optional(),
});

const RecurrentChargeInput = z.object({
  name: z.string().trim().min(1).max(200),
  price: z.number().int().positive(),
  return_url: z.url(),
  months: z.number().int().min(1).max(24).default(1),
  trial_days: z.number().int().min(0).max(365).default(0),
  test: z.boolean().optional(),
  per_account: z.boolean().optional(),
});

/** The Billing API's error envelope. */
function billingError(res: Response, status: number, type: string, message: string, fields?: Record<string, string>) {
  res.status(status).json({ error: { type, message, ...(fields ? { fields } : {}) } });
}

function validationError(res: Response, error: z.ZodError): void {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.map(String).join('.') || 'body'] = issue.message;
  billingError(res, 400, 'validation', 'Request body is invalid', fields);
}

function buyerOf(res: Response): Buyer {
  return res.locals.buyer as Buyer;
}

/** Turns BillingError into the API's envelope (API surface) or problem+json (control surface). */
function handle(surface: 'api' | 'control', fn: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      fn(req, res);
    } catch (error) {
      if (!(error instanceof BillingError)) return next(error);
      if (surface === 'api') return billingError(res, error.status, error.type, error.message);
      sendProblem(res, error.status, error.status === 404 ? 'Charge not found' : 'Illegal transition', error.message);
    }
  };
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value ? value : undefined;
}

function page<T>(req: Request, records: T[]) {
  const pageNumber = Math.max(1, Number(queryString(req, 'page') ?? '1') || 1);
  const start = (pageNumber - 1) * PAGE_SIZE;
  const slice = records.slice(start, start + PAGE_SIZE);
  return {
    records: slice,
    ...(start + PAGE_SIZE < records.length ? { next_page_id: String(pageNumber + 1) } : {}),
  };
}

/** LiveChat Billing API v3 (product `livechat`). */
export function billingApiRouter(ctx: SandboxContext): Router {
  const router = Router();
  router.use('/v3', cors);

  router.use(['/v3/direct_charge/livechat', '/v3/recurrent_charge/livechat'], (req, res, next) => {
    const check = checkToken(ctx, bearerToken(req));
    if (!check.ok) {
      return billingError(res, 401, 'authentication', check.reason === 'expired' ? 'Access token expired' : 'Invalid access token');
    }
    const buyer: Buyer = { organization: check.organization, account: check.account, clientId: check.token.client_id };
    res.locals.buyer = buyer;
    next();
  });

  // --- direct charges
  router.post(
    '/v3/direct_charge/livechat',
    handle('api', (req, res) => {
      const parsed = DirectChargeInput.safeParse(req.body ?? {});
      if (!parsed.success) return validationError(res, parsed.error);
      res.status(201).json(createDirectCharge(ctx, buyerOf(res), originOf(req), parsed.data));
    }),
  );
  router.get(
    '/v3/direct_charge/livechat',
    handle('api', (req, res) => {
      res.json(page(req, listDirect(ctx, buyerOf(res).organization.id, queryString(req, 'status'))));
    }),
  );
  router.get(
    '/v3/direct_charge/livechat/:id',
    handle('api', (req, res) => {
      res.json(getDirect(ctx, param(req, 'id'), buyerOf(res).organization.id));
    }),
  );
  router.put(
    '/v3/direct_charge/livechat/:id/activate',
    handle('api', (req, res) => {
      res.json(activateDirect(ctx, param(req, 'id'), buyerOf(res).organization.id));
    }),
  );

  // --- recurrent charges
  router.post(
    '/v3/recurrent_charge/livechat',
    handle('api', (req, res) => {
      const parsed = RecurrentChargeInput.safeParse(req.body ?? {});
      if (!parsed.success) return validationError(res, parsed.error);
      res.status(201).json(createRecurrentCharge(ctx, buyerOf(res), originOf(req), parsed.data));
    }),
  );
  router.get(
    '/v3/recurrent_charge/livechat',
    handle('api', (req, res) => {
      res.json(page(req, listRecurrent(ctx, buyerOf(res).organization.id, queryString(req, 'status'))));
    }),
  );
  router.get(
    '/v3/recurrent_charge/livechat/:id',
    handle('api', (req, res) => {
      res.json(getRecurrent(ctx, param(req, 'id'), buyerOf(res).organization.id));
    }),
  );
  const recurrentActions = {
    accept: acceptRecurrent,
    decline: declineRecurrent,
    activate: activateRecurrent,
    cancel: cancelRecurrent,
  } as const;
  for (const [action, fn] of Object.entries(recurrentActions)) {
    router.put(
      `/v3/recurrent_charge/livechat/:id/${action}`,
      handle('api', (req, res) => {
        res.json(fn(ctx, param(req, 'id'), buyerOf(res).organization.id));
      }),
    );
  }

  return router;
}

const RecurrentStatusInput = z.object({ status: z.enum(['active', 'past_due', 'frozen', 'cancelled']) });

/** Test control over billing, plus the page behind `confirmation_url`. */
export function billingControlRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/sandbox/billing/charges', (req, res) => {
    res.json({
      direct: listDirect(ctx, null, queryString(req, 'status')),
      recurrent: listRecurrent(ctx, null, queryString(req, 'status')),
    });
  });
  router.get('/sandbox/billing/charges/:id', (req, res) => {
    const found = findAnyCharge(ctx, param(req, 'id'));
    if (!found) return sendProblem(res, 404, 'Charge not found', `No charge ${param(req, 'id')}.`);
    res.json(found);
  });

  const directActions = { accept: acceptDirect, decline: declineDirect, fail: markDirectToFail } as const;
  for (const [action, fn] of Object.entries(directActions)) {
    router.post(
      `/sandbox/billing/direct/:id/${action}`,
      handle('control', (req, res) => {
        res.json(fn(ctx, param(req, 'id')));
      }),
    );
  }
  router.post(
    '/sandbox/billing/recurrent/:id/accept',
    handle('control', (req, res) => {
      res.json(acceptRecurrent(ctx, param(req, 'id'), null));
    }),
  );
  router.post(
    '/sandbox/billing/recurrent/:id/decline',
    handle('control', (req, res) => {
      res.json(declineRecurrent(ctx, param(req, 'id'), null));
    }),
  );
  router.post(
    '/sandbox/billing/recurrent/:id/status',
    handle('control', (req, res) => {
      const input = parseOr400(RecurrentStatusInput, req.body, res);
      if (!input) return;
      res.json(forceRecurrentStatus(ctx, param(req, 'id'), input.status));
    }),
  );
  router.post(
    '/sandbox/billing/recurrent/:id/collect',
    handle('control', (req, res) => {
      res.json(collectRecurrent(ctx, param(req, 'id')));
    }),
  );

  router.get('/billing/confirm/:id', (req, res) => {
    const found = findAnyCharge(ctx, param(req, 'id'));
    res.type('html').send(renderConfirmPage(found ?? null, param(req, 'id')));
  });

  return router;
}

function formatUsd(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}

function renderConfirmPage(found: ReturnType<typeof findAnyCharge> | null, id: string): string {
  const body = (() => {
    if (!found) return `<h1>Charge not found</h1><p class="muted">No charge ${escapeHtml(id)} exists in the sandbox.</p>`;
    const { kind, charge } = found;
    const terms =
      kind === 'direct'
        ? `${formatUsd(charge.price)} &times; ${found.charge.quantity} = <b>${formatUsd(charge.price * found.charge.quantity)}</b>`
        : `<b>${formatUsd(charge.price)}</b> every ${found.charge.months === 1 ? 'month' : `${found.charge.months} months`}${
            found.charge.trial_days ? ` after a ${found.charge.trial_days}-day trial` : ''
          }`;
    const pending = charge.status === 'pending';
    return `<h1>Confirm your purchase</h1>
      <div class="item"><div class="name">${escapeHtml(charge.name)}</div><div class="terms">${terms}</div>
      <div class="muted">Status: <span data-testid="confirm-status">${escapeHtml(charge.status)}</span>${charge.test ? ' &middot; test charge' : ''}</div></div>
      ${
        pending
          ? `<div class="actions"><button class="secondary" data-action="decline">Decline</button><button class="primary" data-action="accept">Confirm payment</button></div>`
          : `<p class="muted">This charge is no longer pending.</p><p><a href="${escapeHtml(charge.return_url)}">Back to the app</a></p>`
      }
      <script>
      (function () {
        var info = ${scriptJson({ kind, id: charge.id, return_url: charge.return_url })};
        document.querySelectorAll('[data-action]').forEach(function (b) {
          b.addEventListener('click', function () {
            fetch('/sandbox/billing/' + info.kind + '/' + info.id + '/' + b.getAttribute('data-action'), { method: 'POST' })
              .then(function () { window.location.href = info.return_url; });
          });
        });
      })();
      </script>`;
  })();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LiveChat – Confirm payment</title>
<style>
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f3f4f6; color: #1b1b20;
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  main { width: 420px; background: #fff; border-radius: 16px; padding: 28px; box-shadow: 0 8px 24px rgba(0,0,0,.08); }
  h1 { font-size: 20px; margin: 0 0 16px; }
  .item { border: 1px solid #e2e3e8; border-radius: 12px; padding: 16px; display: grid; gap: 6px; }
  .name { font-weight: 600; }
  .muted { color: #62646b; font-size: 13px; }
  .actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 20px; }
  button { font: inherit; font-size: 14px; border-radius: 8px; padding: 9px 16px; cursor: pointer; border: 1px solid #d5d6dc; background: #fff; }
  button.primary { background: #ff5100; border-color: #ff5100; color: #fff; font-weight: 600; }
</style></head><body><main>${body}</main></body></html>`;
}
