import { describe, expect, it } from 'vitest';
import { initialForm, validateForm } from './business-contact-card.tsx';

const filled = { companyName: 'Acme', contactName: 'Ann', email: 'ann@acme.example', phone: '', address: '', taxId: '' };

describe('business contact form', () => {
  it('L.11a: starts from what is saved, else from the LiveChat account', () => {
    expect(initialForm({ contact: null, updatedAt: null, suggested: { contactName: 'Ann Owner', email: 'ann@x.example' } })).toMatchObject({
      contactName: 'Ann Owner',
      email: 'ann@x.example',
      companyName: '',
    });
    const saved = { companyName: 'Acme', contactName: 'Bob', email: 'bob@acme.example', phone: '+48221234567', address: null, taxId: null };
    expect(
      initialForm({ contact: saved, updatedAt: '2026-11-25T10:00:00Z', suggested: { contactName: 'Ann', email: 'ann@x.example' } }),
    ).toEqual({ ...saved, address: '', taxId: '' });
  });

  it('L.11b: names every field to fix, and sends E.164 and nulls for empty optional fields', () => {
    expect(Object.keys(validateForm({ ...filled, companyName: ' ', email: 'nope', phone: '12' }).errors).sort()).toEqual([
      'companyName',
      'email',
      'phone',
    ]);
    expect(validateForm({ ...filled, phone: '+44 20 7946 0958', taxId: ' GB1 ' }).body).toEqual({
      ...filled,
      phone: '+442079460958',
      address: null,
      taxId: 'GB1',
    });
  });
});
