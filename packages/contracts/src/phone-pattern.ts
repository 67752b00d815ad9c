/** E.164: a plus, then up to 15 digits. Kept apart from phone.ts so schemas don't pull in libphonenumber. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
