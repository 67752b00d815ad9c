import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one BFF process, served at /metrics (behind METRICS_TOKEN).
 *
 * Labels are bounded enumerations only: route templates, status classes, outcomes, queue names, provider error
 * codes. Never a phone number, an organization id, a token or a secret: a label value is a time series that anyone
 * who can read /metrics sees, and an unbounded one exhausts the server that scrapes it.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Provider codes are short identifiers ("131047", "E413"); anything else (a number, free text) becomes `other`. */
export function safeCode(code: unknown): string {
  if (code === undefined || code === null || code === '') return 'none';
  const s = String(code);
  // Seven or more digits in a row could be a phone number.
  if (!/^[A-Za-z0-9_.-]{1,24}$/.test(s) || /\d{7,}/.test(s)) return 'other';
  return s;
}

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route template and status class (2xx, 4xx, ...).',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Sends by `kind` (one_to_one | campaign) and `outcome` (accepted | failed | not_sent | retry | unknown | pause); `provider_code` via safeCode. */
export const messageSends = new Counter({
  name: 'whatsapp_sends_total',
  help: 'WhatsApp messages handed to the provider, by outcome and provider error code.',
  labelNames: ['kind', 'outcome', 'provider_code'] as const,
  registers: [metricsRegistry],
});

/** `source` is kaleyra_status | kaleyra_incoming | livechat; `result` is processed | duplicate | rejected | failed. */
export const webhookDeliveries = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook deliveries received, by source and result.',
  labelNames: ['source', 'result'] as const,
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Background job run time by queue and result.',
  labelNames: ['queue', 'result'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

export const jobWait = new Histogram({
  name: 'job_wait_seconds',
  help: 'Time a job waited between being queued and starting, by queue.',
  labelNames: ['queue'] as const,
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  registers: [metricsRegistry],
});

/** Set on each scrape from pg-boss (see registerQueueDepth). */
export const queueDepth = new Gauge({
  name: 'queue_depth',
  help: 'Jobs per queue and state (queued = waiting to run, active = running).',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

/** Recipients a campaign dispatched, by outcome; `rate(campaign_dispatched_total[1m])` is the dispatch rate. */
export const campaignDispatched = new Counter({
  name: 'campaign_dispatched_total',
  help: 'Campaign sends settled by a dispatcher, by outcome (sent | failed | retry | unknown | pause).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** Results of the ledger's invariant checks: `result` is ok | violation | error. */
export const ledgerInvariantChecks = new Counter({
  name: 'ledger_invariant_checks_total',
  help: 'Ledger invariant checks run, by result (ok | violation | error).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

/** Failures to refresh a LiveChat token; `reason` is a short code (invalid_grant, network, http_5xx, ...). */
export const tokenRefreshFailures = new Counter({
  name: 'token_refresh_failures_total',
  help: 'Failed LiveChat token refreshes, by reason.',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

/**
 * What the BFF adds to relaying a chat message: from the webhook's arrival to the provider's answer, less the time
 * spent waiting on providers. `direction` is inbound (WhatsApp to LiveChat) | outbound (LiveChat to WhatsApp).
 */
export const relayLatency = new Histogram({
  name: 'relay_latency_seconds',
  help: 'Time the BFF adds to relaying a chat message (provider time left out), by direction.',
  labelNames: ['direction'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/**
 * A campaign batch's outcomes: `accepted` → sent; `failed` (definite refusal); `retry` (transient, back to the
 * queue); `unknown` (outcome left to the status callbacks); `pause` (account-level refusal).
 */
export function recordCampaignOutcomes(batch: readonly { kind: string }[]): void {
  for (const o of batch) {
    const code = (o as { code?: unknown }).code;
    campaignDispatched.inc({ outcome: o.kind === 'accepted' ? 'sent' : o.kind });
    messageSends.inc({ kind: 'campaign', outcome: o.kind, provider_code: safeCode(code) });
  }
}

export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

type DepthSource = () => Promise<{ name: string; queued: number; active: number }[]>;
const depthSources = new Set<DepthSource>();

/** Queue depth is read from pg-boss when scraped, not polled: a worker-less instance reports none. */
export function registerQueueDepth(source: DepthSource): () => void {
  depthSources.add(source);
  return () => depthSources.delete(source);
}

/** The exposition text; refreshes queue depth first (a failing source leaves the gauge as it was). */
export async function renderMetrics(): Promise<string> {
  for (const source of depthSources) {
    try {
      for (const q of await source()) {
        queueDepth.set({ queue: q.name, state: 'queued' }, q.queued);
        queueDepth.set({ queue: q.name, state: 'active' }, q.active);
      }
    } catch {
      // The database may be briefly unreachable; /api/ready reports that.
    }
  }
  return metricsRegistry.metrics();
}

export const metricsContentType = metricsRegistry.contentType;
