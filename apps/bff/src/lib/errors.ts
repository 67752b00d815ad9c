import { ErrorCode, type FieldError } from '@wa/contracts';

/** A failure the caller can act on. Domain code throws these; the one problem handler renders them. */
export class DomainError extends Error {
  constructor(
    public readonly status: number,
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
    new DomainError(400, ErrorCode.validation, 'Invalid request', detail, { errors: fieldErrors }),
  unauthenticated: (detail = 'Sign in with LiveChat to continue.', code: ErrorCode = ErrorCode.unauthenticated) =>
    new DomainError(401, code, 'Not signed in', detail),
  forbidden: (detail: string) => new DomainError(403, ErrorCode.forbidden, 'Not allowed', detail),
  notFound: (what: string) => new DomainError(404, ErrorCode.notFound, 'Not found', `${what} was not found.`),
  conflict: (detail: string, errors?: FieldError[]) =>
    new DomainError(409, ErrorCode.conflict, 'Conflict', detail, errors ? { errors } : {}),
  upstream: (service: string) =>
    new DomainError(503, ErrorCode.upstreamUnavailable, 'Service unavailable', `${service} did not answer. Try again in a moment.`),
};
