import { describe, expect, it } from 'vitest';
import { campaignDispatched, messageSends, recordCampaignOutcomes, safeCode, statusClass } from './metrics.ts';

describe('metrics labels', () => {
  it('keeps short provider codes and turns anything that could be a number or free text into `other`', () => {
    expect(safeCode('131047')).toBe('131047');
    expect(safeCode('E110')).toBe('E110');
    expect(safeCode('not-sent')).toBe('not-sent');
    expect(safeCode(undefined)).toBe('none');
    expect(safeCode('')).toBe('none');
    // A phone number, with or without the plus, and free text never become label values.
    expect(safeCode('48221234567')).toBe('other');
    expect(safeCode('+48221234567')).toBe('other');
    expect(safeCode('invalid number 48 221 234 567')).toBe('other');
    expect(safeCode('x'.repeat(40))).toBe('other');
  });

  it('counts a campaign batch by outcome and provider code', async () => {
    const value = async (counter: typeof campaignDispatched | typeof messageSends, labels: Record<string, string>) =>
      (await counter.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k as keyof typeof v.labels] === x))
        ?.value ?? 0;
    const sentBefore = await value(campaignDispatched, { outcome: 'sent' });
    const failedBefore = await value(messageSends, { kind: 'campaign', outcome: 'failed', provider_code: '131026' });
    const hiddenBefore = await value(messageSends, { kind: 'campaign', outcome: 'failed', provider_code: 'other' });
    recordCampaignOutcomes([
      { kind: 'accepted' },
      { kind: 'accepted' },
      { kind: 'failed', code: '131026' } as { kind: string },
      { kind: 'failed', code: '+15551234567' } as { kind: string },
    ]);
    expect(await value(campaignDispatched, { outcome: 'sent' })).toBe(sentBefore + 2);
    expect(await value(messageSends, { kind: 'campaign', outcome: 'failed', provider_code: '131026' })).toBe(failedBefore + 1);
    expect(await value(messageSends, { kind: 'campaign', outcome: 'failed', provider_code: 'other' })).toBe(hiddenBefore + 1);
  });

  it('reduces a status to its class', () => {
    expect([200, 201, 302, 404, 429, 503].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx']);
  });
});
