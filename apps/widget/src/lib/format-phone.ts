import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** +442079460958 → +44 20 7946 0958; anything unparsable is shown as given. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
