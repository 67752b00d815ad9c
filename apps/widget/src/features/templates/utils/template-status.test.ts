import { describe, expect, it } from 'vitest';
import type { Template } from '@wa/contracts';
import { templateAvailability } from './template-status.ts';

const t = (name: string, status: Template['status'], extra: Partial<Template> = {}): Template => ({
  name,
  language: 'en_US',
  category: 'marketing',
  status,
  header: null,
  body: 'Hi {{1}}',
  footer: null,
  buttons: [],
  variableCount: 1,
  rejectedReason: null,
  ...extra,
});

describe('which templates an agent can send', () => {
  it('lists sendable ones first; rejected, paused and in-review ones follow with the reason', () => {
    const list = templateAvailability([
      t('zeta', 'approved'),
      t('crypto', 'rejected', { rejectedReason: 'PROMOTIONAL content not allowed' }),
      t('alpha', 'approved'),
      t('winter', 'paused'),
      t('draft', 'pending'),
      t('old', 'disabled'),
    ]);
    expect(list.map((a) => a.template.name)).toEqual(['alpha', 'zeta', 'crypto', 'draft', 'old', 'winter']);
    expect(list[2]!.reason).toMatch(/Rejected by WhatsApp: PROMOTIONAL content not allowed/);
    expect(list.find((a) => a.template.name === 'winter')!.reason).toMatch(/Paused/);
    expect(list.find((a) => a.template.name === 'draft')!.reason).toMatch(/review/);
  });

  it("hides the opt-out copies and blocks what this number cannot send yet, with the number's reason", () => {
    const list = templateAvailability(
      [t('sale', 'approved'), t('sale_optout_abc123', 'approved')],
      new Set(['sale_optout_abc123::en_US']),
      new Map([['sale::en_US', 'The copy with the opt-out line is waiting for review.']]),
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: 'sale::en_US', reason: 'The copy with the opt-out line is waiting for review.' });
  });
});
