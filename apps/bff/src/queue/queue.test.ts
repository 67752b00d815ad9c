import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createLogger } from '../lib/logger.ts';
import { jobDuration, renderMetrics } from '../lib/metrics.ts';
import { runWithRequestId } from '../lib/request-context.ts';
import { DB_KINDS, openTestDatabase } from '../test/test-db.ts';
import { startQueue, type Queue } from './queue.ts';

describe.each(DB_KINDS)('jobs carry the request that queued them, on %s', (kind) => {
  let database: Database;
  let queue: Queue;
  const lines: Record<string, unknown>[] = [];
  const seen: { data: Record<string, unknown> }[] = [];
  const log = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    }),
  );

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    queue = await startQueue(database, log);
    await queue.createQueue('request-id-probe');
    await queue.work<Record<string, unknown>>('request-id-probe', { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      seen.push({ data: job!.data });
      log.info({ n: job!.data.n }, 'probe job ran');
    });
  }, 60_000);
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeout: 1000 });
    await database?.close();
  });

  it('puts the request id in the job data and on every log line the job writes; measures the job', async () => {
    await runWithRequestId('probe-request-0001', () => queue.send('request-id-probe', { n: 1 }));
    await queue.send('request-id-probe', { n: 2 });
    const deadline = Date.now() + 30_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const first = seen.find((s) => s.data.n === 1);
    const second = seen.find((s) => s.data.n === 2);
    expect(first?.data).toEqual({ n: 1, requestId: 'probe-request-0001' });
    expect(second?.data).toEqual({ n: 2 });
    expect(lines.find((l) => l.msg === 'probe job ran' && l.n === 1)).toMatchObject({ requestId: 'probe-request-0001' });
    expect(lines.find((l) => l.msg === 'probe job ran' && l.n === 2)).not.toHaveProperty('requestId');
    const runs = (await jobDuration.get()).values.find(
      (v) => v.labels.queue === 'request-id-probe' && v.labels.result === 'completed' && String(v.metricName).endsWith('_count'),
    );
    expect(runs?.value).toBeGreaterThanOrEqual(2);
    expect(await renderMetrics()).toMatch(/queue_depth\{queue="request-id-probe",state="queued"\} 0/);
  });
});
