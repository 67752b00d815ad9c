import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { startQueue, type Queue } from '../../queue/queue.ts';
import { registerJobs } from '../../jobs.ts';
import { DB_KINDS } from '../../test/test-db.ts';
import { startStack, waitFor, type Stack } from '../../test/stack.ts';
import { fillOrg } from '../../test/privacy-test-kit.ts';
import { RETENTION_JOB } from './retention.service.ts';

const DAY = 86_400_000;

describe.each(DB_KINDS)('retention on %s', (kind) => {
  let s: Stack;
  let orgId: string;
  beforeAll(async () => {
    s = await startStack(kind);
    orgId = s.orgs[0]!.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('G: the scheduled purge deletes message and campaign metadata past RETENTION_METADATA_MONTHS and keeps ledger and charges for the accounting period', async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const old = await fillOrg(s.database, orgId, 'OLD1', '+15550003333');
    const recent = await fillOrg(s.database, orgId, 'NEW1', '+15550004444');
    const q = (text: string, params: unknown[]) => s.database.query(text, params);
    // 14 months ago (past the default 13), except `recent`.
    await q(`update messages set created_at = $2 where id = $1`, [old.messageId, ago(430)]);
    await q(`update conversations set opened_at = $3, expires_at = $2 where recipient = $1`, ['+15550003333', ago(429), ago(430)]);
    await q(`update customer_windows set last_inbound_at = $2 where recipient = $1`, ['+15550003333', ago(430)]);
    await q(`update campaigns set status = 'completed', finished_at = $2 where id = $1`, [old.campaignId, ago(430)]);
    // A running campaign's old metadata is not pulled from under it.
    await q(`update campaigns set status = 'running', updated_at = $2 where id = $1`, [recent.campaignId, ago(430)]);
    // Ledger and charges: 2 years old (kept), 7 years old (charges past the accounting period go).
    await q(`update ledger_entries set created_at = $2 where idempotency_key = $1`, ['key-OLD1', ago(7 * 366)]);
    await q(`update charges set created_at = $2, updated_at = $2 where id = $1`, ['charge-OLD1', ago(7 * 366)]);
    await q(`update charges set created_at = $2, updated_at = $2 where id = $1`, ['charge-NEW1', ago(2 * 366)]);
    const ledgerBefore = await q(`select id, delta from ledger_entries where organization_id = $1 order by id`, [orgId]);

    // Through the pg-boss job, as scheduled.
    const log = createLogger('silent');
    const queue: Queue = await startQueue(s.database, log, { schema: `pgboss_retention_${kind}` });
    try {
      await registerJobs(queue, { database: s.database, services: s.services, log, config: s.config });
      expect((await queue.getSchedules(RETENTION_JOB)).map((x) => x.cron)).toEqual([s.config.RETENTION_CRON]);
      await queue.send(RETENTION_JOB, {});
      await waitFor(
        () => q(`select 1 from messages where id = $1`, [old.messageId]),
        (r) => r.length === 0,
        15_000,
      );
    } finally {
      await queue.stop({ graceful: false, timeout: 1_000 }).catch(() => {});
    }

    const has = async (sql: string, p: unknown[]) => (await q(sql, p)).length;
    expect(await has(`select 1 from messages where id = $1`, [old.messageId])).toBe(0);
    expect(await has(`select 1 from message_events where message_id = $1`, [old.messageId])).toBe(0);
    expect(await has(`select 1 from conversations where recipient = $1`, ['+15550003333'])).toBe(0);
    expect(await has(`select 1 from customer_windows where recipient = $1`, ['+15550003333'])).toBe(0);
    expect(await has(`select 1 from campaigns where id = $1`, [old.campaignId])).toBe(0);
    expect(await has(`select 1 from campaign_recipients where campaign_id = $1`, [old.campaignId])).toBe(0);
    expect(await has(`select 1 from campaign_rejections where campaign_id = $1`, [old.campaignId])).toBe(0);
    // Recent metadata and running campaigns stay.
    expect(await has(`select 1 from messages where id = $1`, [recent.messageId])).toBe(1);
    expect(await has(`select 1 from message_events where message_id = $1`, [recent.messageId])).toBe(1);
    expect(await has(`select 1 from conversations where recipient = $1`, ['+15550004444'])).toBe(1);
    expect(await has(`select 1 from campaigns where id = $1`, [recent.campaignId])).toBe(1);
    // Ledger untouched (it is the balance); charges kept for the accounting period, final ones purged after it.
    expect(await q(`select id, delta from ledger_entries where organization_id = $1 order by id`, [orgId])).toEqual(ledgerBefore);
    expect(await has(`select 1 from charges where id = $1`, ['charge-NEW1'])).toBe(1);
    expect(await has(`select 1 from charges where id = $1`, ['charge-OLD1'])).toBe(0);
  });

  it('G: the periods are configurable', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    const { metadata, accounting } = s.services.privacy.retention.cutoffs(now);
    expect(metadata.toISOString()).toBe('2025-10-25T00:00:00.000Z');
    expect(accounting.toISOString()).toBe('2020-11-25T00:00:00.000Z');
  });
});
