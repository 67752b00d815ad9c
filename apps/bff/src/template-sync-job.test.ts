import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, registerJobs } from './jobs.ts';
import { createLogger } from './lib/logger.ts';
import { startQueue, type Queue } from './queue/queue.ts';
import { startStack, waitFor, type Stack } from './test/stack.ts';

/** Templates are synced from Kaleyra periodically (a pg-boss cron), not only on "sync now". */
describe('the periodic template sync', () => {
  let s: Stack;
  let queue: Queue;

  beforeAll(async () => {
    s = await startStack('pglite');
    const log = createLogger('silent');
    queue = await startQueue(s.database, log, { schema: 'pgboss_templates_test' });
    await registerJobs(queue, { database: s.database, services: s.services, log, config: s.config });
  });
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeout: 1_000 }).catch(() => {});
    await s?.close();
  });

  it('is scheduled with TEMPLATE_SYNC_CRON', async () => {
    const schedules = await queue.getSchedules(JOBS.syncTemplates);
    expect(schedules.map((x) => x.cron)).toEqual([s.config.TEMPLATE_SYNC_CRON]);
  });

  it('a run brings every number up to date: status changes and rejection reasons included', async () => {
    const agent = await s.token(s.orgs[0]!, 'agent');
    const number = (await s.api(agent, '/api/numbers')).body.numbers[0];
    const before = (await s.api(agent, `/api/numbers/${number.id}/templates`)).body.templates;
    expect(before.find((t: any) => t.name === 'appointment_reminder').status).toBe('approved');

    await s.sandboxControl(`/sandbox/kaleyra/templates/${number.wabaId}/appointment_reminder/status`, {
      status: 'REJECTED',
      rejected_reason: 'INVALID_FORMAT',
    });
    await queue.send(JOBS.syncTemplates, {});
    const after = await waitFor(
      async () => (await s.api(agent, `/api/numbers/${number.id}/templates`)).body.templates as any[],
      (list) => list.find((t) => t.name === 'appointment_reminder')?.status === 'rejected',
      15_000,
    );
    expect(after.find((t) => t.name === 'appointment_reminder')).toMatchObject({ status: 'rejected', rejectedReason: 'INVALID_FORMAT' });
    // Header and buttons come with the sync too.
    expect(after.find((t) => t.name === 'order_shipped')).toMatchObject({
      header: 'Order update',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Track' },
        { type: 'QUICK_REPLY', text: 'Stop' },
      ],
      variableCount: 3,
    });
    // A rejected template cannot be sent.
    const r = await s.api(agent, '/api/messages', {
      body: {
        kind: 'template',
        numberId: number.id,
        to: '+48601202020',
        templateName: 'appointment_reminder',
        language: 'en_US',
        variables: ['a', 'b'],
        clientRef: crypto.randomUUID(),
      },
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'template_not_approved' });
    expect(r.body.detail).toMatch(/INVALID_FORMAT/);
  });
});
