import { describe, expect, it } from 'vitest';
import type { CustomerProfile } from '../../../lib/livechat/types.ts';
import { findCustomerPhone } from './extract-phone.ts';

function profile(overrides: { name?: string; countryCode?: string; survey?: { question: string; answer: string }[] }): CustomerProfile {
  return {
    id: 'customer-1',
    name: overrides.name ?? 'Jane Doe',
    email: 'jane@example.com',
    geolocation: {
      country: 'United Kingdom',
      country_code: overrides.countryCode ?? 'GB',
      region: '',
      city: 'London',
      timezone: 'Europe/London',
    },
    chat: { id: 'chat-1', groupID: '0', ...(overrides.survey ? { preChatSurvey: overrides.survey } : {}) },
    source: 'chats',
  };
}

describe('findCustomerPhone', () => {
  it('takes the answer to a phone question in the pre-chat survey', () => {
    const found = findCustomerPhone(
      profile({
        survey: [
          { question: 'Your name', answer: 'Jane' },
          { question: 'WhatsApp number', answer: '+44 20 7946 0958' },
        ],
      }),
    );
    expect(found.raw).toBe('+44 20 7946 0958');
    expect(found.check).toEqual({ ok: true, e164: '+442079460958', country: 'GB' });
  });

  it('reads a national number with the country from the geolocation', () => {
    const found = findCustomerPhone(profile({ countryCode: 'PL', survey: [{ question: 'Phone', answer: '601 234 567' }] }));
    expect(found.check).toMatchObject({ ok: true, e164: '+48601234567' });
  });

  it('matches mobile/tel questions but not "Tell us more"', () => {
    expect(findCustomerPhone(profile({ survey: [{ question: 'Mobile', answer: '07400 123456' }] })).check).toMatchObject({
      ok: true,
      e164: '+447400123456',
    });
    expect(findCustomerPhone(profile({ survey: [{ question: 'Tel.', answer: '07400 123456' }] })).check).toMatchObject({ ok: true });
    expect(findCustomerPhone(profile({ survey: [{ question: 'Tell us more', answer: '07400 123456' }] }))).toEqual({
      raw: null,
      check: null,
    });
  });

  it('falls back to a name that looks like a phone number', () => {
    expect(findCustomerPhone(profile({ name: '+1 (415) 555-2671' })).check).toMatchObject({ ok: true, e164: '+14155552671' });
  });

  it('prefers a valid candidate over an invalid one', () => {
    const found = findCustomerPhone(profile({ survey: [{ question: 'Phone', answer: '12' }], name: '+44 7400 123456' }));
    expect(found.check).toMatchObject({ ok: true, e164: '+447400123456' });
  });

  it('returns the raw answer with the reason when it is not a valid number', () => {
    const found = findCustomerPhone(profile({ countryCode: '', survey: [{ question: 'Phone number', answer: '7400 123456' }] }));
    expect(found.raw).toBe('7400 123456');
    expect(found.check).toEqual({ ok: false, reason: 'Add the country code, e.g. +44' });
  });

  it('finds nothing when there is no phone anywhere', () => {
    expect(findCustomerPhone(profile({}))).toEqual({ raw: null, check: null });
    expect(findCustomerPhone(null)).toEqual({ raw: null, check: null });
  });
});
