import { checkPhone, type PhoneCheck } from '@wa/contracts';
import type { CustomerProfile } from '../../../lib/livechat/types.ts';

/** Pre-chat survey questions that ask for a phone number. `\btel\b` so "Tell us more" does not count. */
const PHONE_QUESTION = /phone|whats\s?app|mobile|\btel\b|\bcell\b/i;
/** A name like "+44 20 7946 0958" or "020 7946 0958": LiveChat names visitors after whatever they typed. */
const LOOKS_LIKE_PHONE = /^\+?[\d\s().-]{7,}$/;

export interface FoundPhone {
  /** What the customer typed, or null when nothing looks like a phone number. */
  raw: string | null;
  /** checkPhone(raw, the customer's country); null when raw is null. */
  check: PhoneCheck | null;
}

/** The customer's country (ISO alpha-2) from LiveChat's geolocation, used for numbers typed without +CC. */
export function customerCountry(profile: CustomerProfile | null): string | undefined {
  const code = profile?.geolocation?.country_code;
  return code && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : undefined;
}

/**
 * Finds the customer's WhatsApp number in a LiveChat customer profile: a pre-chat survey answer to a phone
 * question first (the first valid one wins), then the visitor's name if it looks like a number.
 */
export function findCustomerPhone(profile: CustomerProfile | null): FoundPhone {
  if (!profile) return { raw: null, check: null };
  const country = customerCountry(profile);
  const candidates = (profile.chat?.preChatSurvey ?? [])
    .filter((q) => typeof q?.question === 'string' && PHONE_QUESTION.test(q.question))
    .map((q) => (typeof q.answer === 'string' ? q.answer.trim() : ''))
    .filter((a) => a.length > 0);
  const name = typeof profile.name === 'string' ? profile.name.trim() : '';
  if (LOOKS_LIKE_PHONE.test(name)) candidates.push(name);

  for (const raw of candidates) {
    const check = checkPhone(raw, country);
    if (check.ok) return { raw, check };
  }
  const first = candidates[0];
  return first ? { raw: first, check: checkPhone(first, country) } : { raw: null, check: null };
}
