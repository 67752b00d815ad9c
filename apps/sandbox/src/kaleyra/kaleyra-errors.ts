import type { Response } from 'express';
import type { KaleyraApiVersion } from '../seed.ts';

export type KaleyraErrorKind =
  'RBC001' | 'SID' | 'WA401' | 'WA400' | 'E110' | 'WAV2101' | 'WA500' | 'WA429' | 'WA503' | 'WA404' | 'TEMPLATE_LIMIT';

interface ErrorShape {
  status: number;
  v2: { code: string; message: string };
  v1: Record<string, string>;
  retryAfter?: boolean;
}

/** Status codes and bodies per API version. v2 speaks `{code, message}`, v1 speaks `{error: {<field>: <text>}}`. */
const shapes: Record<KaleyraErrorKind, ErrorShape> = {
  RBC001: { status: 401, v2: { code: 'RBC001', message: 'Invalid API key' }, v1: { 'api-key': 'invalid' } },
  SID: { status: 404, v2: { code: 'WA404', message: 'Account (SID) not found' }, v1: { sid: 'invalid SID' } },
  WA404: { status: 404, v2: { code: 'WA404', message: 'Not found' }, v1: { message: 'not found' } },
  WA401: {
    status: 403,
    v2: { code: 'WA401', message: 'Number not authorised' },
    v1: { from: 'WA401 number not authorised for this API version' },
  },
  WA400: { status: 400, v2: { code: 'WA400', message: 'Invalid payload' }, v1: { message: 'WA400 invalid payload' } },
  E110: { status: 402, v2: { code: 'E110', message: 'Insufficient balance' }, v1: { message: 'E110 insufficient balance' } },
  WAV2101: { status: 403, v2: { code: 'WAV2101', message: 'Daily limit reached' }, v1: { message: 'WAV2101 daily limit reached' } },
  WA500: { status: 500, v2: { code: 'WA500', message: 'Internal error' }, v1: { message: 'WA500 internal error' } },
  WA429: { status: 429, v2: { code: 'WA429', message: 'Too many requests' }, v1: { message: 'throttled' }, retryAfter: true },
  WA503: { status: 503, v2: { code: 'WA503', message: 'Service unavailable' }, v1: { message: 'service unavailable' } },
  TEMPLATE_LIMIT: {
    status: 429,
    v2: { code: 'WA429', message: 'Template creation limit reached (100 per WABA per hour)' },
    v1: { message: 'throttled' },
    retryAfter: true,
  },
};

export class KaleyraError extends Error {
  constructor(
    readonly kind: KaleyraErrorKind,
    /** Field → problem, for WA400. */
    readonly fields?: Record<string, string>,
    message?: string,
  ) {
    super(message ?? shapes[kind].v2.message);
  }
}

export interface KaleyraReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function errorReply(version: KaleyraApiVersion, error: KaleyraError): KaleyraReply {
  const shape = shapes[error.kind];
  const headers = shape.retryAfter ? { 'Retry-After': '1' } : undefined;
  let body: unknown;
  if (version === 'v2') {
    body = {
      code: shape.v2.code,
      message: error.message,
      ...(error.kind === 'WA400' ? { errors: error.fields ?? {} } : {}),
    };
  } else {
    body = { error: error.kind === 'WA400' && error.fields ? error.fields : shape.v1 };
  }
  return { status: shape.status, body, ...(headers ? { headers } : {}) };
}

export function sendReply(res: Response, reply: KaleyraReply): void {
  for (const [key, value] of Object.entries(reply.headers ?? {})) res.setHeader(key, value);
  res.status(reply.status).json(reply.body);
}
