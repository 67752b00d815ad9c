/**
 * Plain-language explanations of Kaleyra and WhatsApp (Meta) failure codes, written for the agent
 * who has to decide what to do next. `retryable` says whether sending the same message again later
 * can succeed without changing anything.
 */
export interface ProviderErrorInfo {
  message: string;
  retryable: boolean;
}

const TABLE: Record<string, ProviderErrorInfo> = {
  '131047': {
    message: 'More than 24 hours have passed since the customer last wrote, so WhatsApp only accepts an approved template now.',
    retryable: false,
  },
  '131049': {
    message:
      'WhatsApp held this marketing message back to protect the customer from too many marketing messages. Try again in a day or two, or use a utility template.',
    retryable: true,
  },
  '131026': {
    message: "WhatsApp could not deliver this message: the number may not use WhatsApp, or the customer's app is out of date.",
    retryable: false,
  },
  '131056': {
    message: 'Too many messages to this customer in a short time. Wait a few seconds and send again.',
    retryable: true,
  },
  '130429': {
    message: 'This WhatsApp number hit its sending speed limit. The message can be sent again in a moment.',
    retryable: true,
  },
  E110: {
    message: 'The Kaleyra account that sends these messages has run out of credit. Ask the account owner to top it up.',
    retryable: true,
  },
  WAV2101: {
    message:
      "This WhatsApp number reached its daily limit of new customers. Try again tomorrow or ask an owner to raise the number's tier.",
    retryable: true,
  },
  WA401: {
    message:
      "Kaleyra does not allow this WhatsApp number on the API version it is set up with. Ask an owner to check the number's API version.",
    retryable: false,
  },
  WA400: { message: 'Kaleyra rejected the message as malformed. Check the template and its variables.', retryable: false },
  RBC001: { message: "Kaleyra refused our credentials. An operator must check the service's API key.", retryable: false },
  WA500: { message: 'Kaleyra had an internal error. The message can be sent again.', retryable: true },
  'not-sent': {
    message: 'The message never reached WhatsApp. Nothing was delivered and the conversation was given back.',
    retryable: true,
  },
  http429: { message: 'Kaleyra is throttling our requests. The message can be sent again in a moment.', retryable: true },
  timeout: { message: 'Kaleyra did not answer in time, so the message was not sent.', retryable: true },
  interrupted: {
    message:
      'Our service stopped while handing this message to Kaleyra, so it may not have gone out. The conversation was given back; send it again if needed.',
    retryable: true,
  },
  network: { message: 'Kaleyra could not be reached, so the message was not sent.', retryable: true },
};

export const KNOWN_PROVIDER_CODES = Object.keys(TABLE);

export function describeProviderError(code: string | null | undefined): ProviderErrorInfo {
  if (!code) return { message: 'The message failed for a reason the provider did not give.', retryable: false };
  const known = TABLE[code];
  if (known) return known;
  if (/^http5\d\d$/.test(code)) return { message: 'Kaleyra had a server error. The message can be sent again.', retryable: true };
  return { message: `The provider reported error ${code}, which we do not recognise. Contact support with this code.`, retryable: false };
}
