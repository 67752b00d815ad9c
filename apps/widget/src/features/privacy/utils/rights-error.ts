import { ErrorCode } from '@wa/contracts';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';

const FIELD: Record<string, string> = { phone: 'Phone number', 'query.phone': 'Phone number', reason: 'Reason' };

/**
 * A refusal of the recipient-rights API (problem+json) in words an owner understands: who may do it, what
 * was wrong with the input, or to try again; anything else as the server worded it.
 */
export function rightsErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  switch (error.code) {
    case ErrorCode.forbidden:
      return 'Only the owner or an administrator of your LiveChat organization can look up or change what is held about a customer.';
    case ErrorCode.rateLimited:
      return 'Too many requests in a short time. Wait a moment and try again.';
    case ErrorCode.validation: {
      const fields = error.fieldErrors.map((f) => `${FIELD[f.path] ?? f.path}: ${f.message.replace(/\.$/, '')}`);
      return fields.length ? `Check what you typed. ${fields.join('. ')}.` : 'Check what you typed and try again.';
    }
    default:
      return errorMessage(error);
  }
}
