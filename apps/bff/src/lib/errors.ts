import { ErrorCode, type FieldError } from '@wa/contracts';

/**
 * The HTTP status of every error code, in one place. Domain code says what went wrong (the code); only the
 * problem handler decides how HTTP says it. A new code does not compile until it has a row here.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.validation]: 400,
  [ErrorCode.unauthenticated]: 401,
  [ErrorCode.tokenExpired]: 401,
  [ErrorCode.foreignClient]: 401,
  [ErrorCode.webhookUnauthorized]: 401,
  [ErrorCode.insufficientBalance]: 402,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.termsNotAccepted]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.numberNotActive]: 409,
  [ErrorCode.sendingRevoked]: 409,
  [ErrorCode.windowClosed]: 409,
  [ErrorCode.optedOut]: 409,
  [ErrorCode.recipientRestricted]: 409,
  [ErrorCode.suspended]: 409,
  [ErrorCode.accountClosed]: 409,
  [ErrorCode.campaignState]: 409,
  [ErrorCode.planLimit]: 409,
  [ErrorCode.chargeNotPayable]: 409,
  [ErrorCode.planCancellationFailed]: 409,
  [ErrorCode.fileTooLarge]: 413,
  [ErrorCode.unsupportedMediaType]: 415,
  [ErrorCode.templateNotApproved]: 422,
  [ErrorCode.templateVariables]: 422,
  [ErrorCode.csvInvalid]: 422,
  [ErrorCode.refundNotEligible]: 422,
  [ErrorCode.rateLimited]: 429,
  [ErrorCode.internal]: 500,
  [ErrorCode.providerError]: 502,
  [ErrorCode.upstreamRefused]: 502,
  [ErrorCode.providerUnavailable]: 503,
  [ErrorCode.upstreamUnavailable]: 503,
};

export const statusOf = (code: ErrorCode): number => HTTP_STATUS[code];

/** A failure the caller can act on. Domain code throws these; the one problem handler renders them. */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly title: string,
    public readonly detail?: string,
    public readonly extra: { errors?: FieldError[]; providerCode?: string } = {},
  ) {
    super(detail ?? title);
  }
}

export const errors = {
  validation: (fieldErrors: FieldError[], detail = 'Some fields are not valid.') =>
    new DomainError(ErrorCode.validation, 'Invalid request', detail, { errors: fieldErrors }),
  unauthenticated: (detail = 'Sign in with LiveChat to continue.', code: ErrorCode = ErrorCode.unauthenticated) =>
    new DomainError(code, 'Not signed in', detail),
  forbidden: (detail: string) => new DomainError(ErrorCode.forbidden, 'Not allowed', detail),
  notFound: (what: string) => new DomainError(ErrorCode.notFound, 'Not found', `${what} was not found.`),
  conflict: (detail: string, errors?: FieldError[]) => new DomainError(ErrorCode.conflict, 'Conflict', detail, errors ? { errors } : {}),
  upstream: (service: string) =>
    new DomainError(ErrorCode.upstreamUnavailable, 'Service unavailable', `${service} did not answer. Try again in a moment.`),
};
