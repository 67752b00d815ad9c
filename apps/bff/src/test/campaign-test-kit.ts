import type { Stack } from './stack.ts';

/** Test helpers for campaigns: uploads, launches, waits, and what the sandbox saw. */

const issued = new Set<string>();
/** A fresh Polish mobile number per call, never the same twice in a process (valid for libphonenumber's full metadata). */
export function customer(): string {
  for (;;) {
    const n = `+4869${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
    if (!issued.has(n)) {
      issued.add(n);
      return n;
    }
  }
}

export function csvOf(rows: string[][], header = ['phone', 'name', 'order']): string {
  return [header, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');
}

export interface UploadSettings {
  name?: string;
  numberId: string;
  templateName?: string;
  language?: string;
  phoneColumn?: string;
  variableColumns?: (string | null)[];
  timeZoneColumn?: string | null;
  defaultCountry?: string | null;
  fallbacks?: string[];
  quickReplyPayloads?: boolean;
}

/** The seeded `order_shipped` template, its variables taken from a CSV of phone, name and order (`csvOf`). */
const ORDER_SHIPPED: Omit<UploadSettings, 'numberId'> = {
  name: 'Test campaign',
  templateName: 'order_shipped',
  language: 'en_US',
  phoneColumn: 'phone',
  variableColumns: ['name', 'order', null],
  timeZoneColumn: null,
  defaultCountry: 'PL',
  fallbacks: ['', '', 'soon'],
};

/** The path that uploads a campaign with `settings`, the rest as `ORDER_SHIPPED`. */
export const uploadPath = (settings: UploadSettings) =>
  `/api/campaigns?settings=${encodeURIComponent(JSON.stringify({ ...ORDER_SHIPPED, ...settings }))}`;

export async function upload(s: Stack, token: string, settings: UploadSettings, body: string | Buffer) {
  const res = await fetch(`${s.bffUrl}${uploadPath(settings)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function retryWithFile(s: Stack, token: string, campaignId: string, body: string | null, fallbacks: string[] = []) {
  const res = await fetch(`${s.bffUrl}/api/campaigns/${campaignId}/retry?settings=${encodeURIComponent(JSON.stringify({ fallbacks }))}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === null ? {} : { 'content-type': 'text/csv' }) },
    ...(body === null ? {} : { body }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

export async function campaignOf(s: Stack, token: string, id: string) {
  return (await s.api(token, `/api/campaigns/${id}`)).body.campaign;
}

/** Polls a few times a second, as the widget would (every poll counts a campaign's recipients). */
export async function poll<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Recipients Kaleyra has the outcome of (or that failed): the campaign has handed them over. */
export const handedOver = (c: { counts: Record<string, number> }) =>
  c.counts.sent! + c.counts.delivered! + c.counts.read! + c.counts.failed!;

export async function waitForStatus(s: Stack, token: string, id: string, statuses: string[], timeoutMs = 60_000) {
  return poll(
    () => campaignOf(s, token, id),
    (c) => statuses.includes(c?.status),
    timeoutMs,
  );
}

export async function sandboxMessages(
  s: Stack,
  from?: string,
): Promise<{ to: string; ref?: string; params: string[]; accepted_at: string; template_name: string }[]> {
  const r = await s.sandboxControl<{ messages: any[] }>(`/sandbox/kaleyra/messages${from ? `?from=${encodeURIComponent(from)}` : ''}`);
  return r.messages;
}

/** Rows of our ledger for one organization. */
export async function ledgerRows(s: Stack, organizationId: string) {
  return s.database.query<{ delta: number; reason: string; reference: string | null; idempotency_key: string }>(
    'select delta, reason, reference, idempotency_key from ledger_entries where organization_id = $1',
    [organizationId],
  );
}
