/**
 * The body of POST /api/messages for a one-on-one send of the seeded `login_code` template (its one variable is
 * the code), with a fresh client ref.
 */
export const loginCodeSend = (numberId: string, to: string, code = '123456') => ({
  kind: 'template',
  numberId,
  to,
  templateName: 'login_code',
  language: 'en_US',
  variables: [code],
  clientRef: crypto.randomUUID(),
});
