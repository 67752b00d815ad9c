import { ErrorCode, type FieldError } from '@wa/contracts';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';

export interface SendFieldErrors {
  to?: string | undefined;
  numberId?: string | undefined;
  template?: string | undefined;
  /** By 0-based index, as in the request's `variables` array (zod paths are 0-based). */
  variables: Record<number, string>;
  /** Errors for fields the form has no place for; listed in the send error. */
  other: FieldError[];
}

/** Places the BFF's field errors next to the inputs they are about. */
export function splitFieldErrors(error: unknown): SendFieldErrors {
  const result: SendFieldErrors = { variables: {}, other: [] };
  if (!(error instanceof ApiError)) return result;
  for (const e of error.fieldErrors) {
    const variable = /^variables\.(\d+)$/.exec(e.path);
    if (variable) result.variables[Number(variable[1])] ??= e.message;
    else if (e.path === 'to') result.to ??= e.message;
    else if (e.path === 'numberId') result.numberId ??= e.message;
    else if (e.path === 'templateName' || e.path === 'language') result.template ??= e.message;
    else result.other.push(e);
  }
  return result;
}

/** Plain words when the BFF gave no detail. */
const FALLBACK: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.validation]: 'Some fields need fixing.',
  [ErrorCode.insufficientBalance]: 'No conversations left. Ask an owner to buy more in the WhatsApp app.',
  [ErrorCode.numberNotActive]: "This WhatsApp number's plan is not active.",
  [ErrorCode.sendingRevoked]: 'Sending from this number has been switched off.',
  [ErrorCode.templateNotApproved]: 'This template is not approved by WhatsApp (any more). Sync the templates.',
  [ErrorCode.templateVariables]: 'The template variables do not match the template.',
  [ErrorCode.windowClosed]: "The customer's 24-hour window is closed; only templates can be sent.",
  [ErrorCode.optedOut]: 'This customer opted out of WhatsApp messages.',
  [ErrorCode.providerError]: 'WhatsApp refused the message.',
  [ErrorCode.providerUnavailable]: "WhatsApp's provider is not answering. Try again in a moment.",
  [ErrorCode.upstreamUnavailable]: 'A service we depend on is not answering. Try again in a moment.',
  [ErrorCode.rateLimited]: 'Too many messages at once. Wait a few seconds and try again.',
  [ErrorCode.termsNotAccepted]: 'An owner must accept the terms in the WhatsApp app first.',
  [ErrorCode.suspended]: "Your organization's WhatsApp sending is suspended.",
  [ErrorCode.forbidden]: "You don't have permission to send from this number.",
};

export function describeSendError(error: unknown): string {
  if (error instanceof ApiError) return error.detail ?? FALLBACK[error.code] ?? error.problem.title;
  return errorMessage(error);
}
