import type { Stack } from './stack.ts';
import { loginCodeSend } from './login-code-send.ts';

/** Test helpers for the operator surface. */
export const TEST_OPERATOR = { name: 'test-operator', secret: 'test-operator-secret-0123456789abcdef' };
export const OPS_TEST_ENV = { OPS_CREDENTIALS: `${TEST_OPERATOR.name}:${TEST_OPERATOR.secret}` };

export function basic(name: string, secret: string): string {
  return `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;
}

/** Calls /ops as the test operator (or with the given Authorization header). */
export async function ops(s: Stack, path: string, init: { method?: string; body?: unknown; authorization?: string | null } = {}) {
  const headers: Record<string, string> = {};
  const auth = init.authorization === undefined ? basic(TEST_OPERATOR.name, TEST_OPERATOR.secret) : init.authorization;
  if (auth) headers.authorization = auth;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.bffUrl}/ops${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** Points the sandbox's LiveChat app webhooks at this stack's BFF. */
export async function routeAppWebhooks(s: Stack) {
  await s.sandboxControl('/sandbox/app-webhook', { url: `${s.bffUrl}/webhooks/livechat/${s.config.APP_WEBHOOK_SECRET}` }, 'PUT');
}

export async function auditOf(s: Stack, organizationId: string) {
  return s.database.query<{
    action: string;
    actor_type: string;
    actor_id: string | null;
    metadata: Record<string, unknown>;
    target_id: string | null;
  }>('select action, actor_type, actor_id, metadata, target_id from audit_events where organization_id = $1 order by at, id', [
    organizationId,
  ]);
}

export async function ledgerOf(s: Stack, organizationId: string) {
  return s.database.query<{ delta: number; reason: string; reference: string | null }>(
    'select delta, reason, reference from ledger_entries where organization_id = $1 order by created_at, id',
    [organizationId],
  );
}

export async function balanceOf(s: Stack, organizationId: string): Promise<number> {
  const [row] = await s.database.query<{ total: string }>(
    'select coalesce(sum(delta), 0) as total from ledger_entries where organization_id = $1',
    [organizationId],
  );
  return Number(row?.total ?? 0);
}

/** A template send from the organization's first connected number to a fresh customer. */
export async function sendOne(s: Stack, token: string, numberId: string) {
  const to = `+4869${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  return s.api(token, '/api/messages', { body: loginCodeSend(numberId, to) });
}
