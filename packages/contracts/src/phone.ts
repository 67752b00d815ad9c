import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneCheck = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: string };

/** libphonenumber-js's parser, from whichever metadata build the caller chose (min here, max on the server). */
export type PhoneParser = typeof parsePhoneNumberFromString;

/**
 * Normalises a phone number to E.164. National numbers need `defaultCountry`
 * (ISO 3166 alpha-2); numbers written with a leading + or 00 do not.
 */
export function checkPhone(input: string, defaultCountry?: string): PhoneCheck {
  return checkPhoneWith(parsePhoneNumberFromString, input, defaultCountry);
}

/** checkPhone with a chosen parser: bulk checks on the server use `libphonenumber-js/max` (exact patterns per country). */
export function checkPhoneWith(parse: PhoneParser, input: string, defaultCountry?: string): PhoneCheck {
  const raw = input.trim();
  if (!raw) return { ok: false, reason: 'Enter a phone number' };
  // (Letters are rare: only then is the extension marker taken out and the test repeated.)
  if (/[a-z]/i.test(raw) && /[a-z]/i.test(raw.replace(/ext\.?|x/gi, ''))) return { ok: false, reason: 'A phone number has only digits' };
  const cleaned = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
  const country = defaultCountry && /^[A-Z]{2}$/i.test(defaultCountry) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  const parsed = parse(cleaned, country ? { defaultCountry: country } : undefined);
  if (!parsed) {
    return {
      ok: false,
      reason: cleaned.startsWith('+') || country ? 'Not a phone number' : 'Add the country code, e.g. +44',
    };
  }
  if (!parsed.isValid()) return { ok: false, reason: `Not a valid ${parsed.country ?? 'international'} number` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}
