import type { ApiVersion } from '@wa/contracts';
import { HttpTimeoutError } from '../http.ts';
import { ProviderError } from './kaleyra.port.ts';

const KNOWN_CODE = /\b(E\d{3}|WA\d{3}|WAV\d{4}|RBC\d{3})\b/;

/** Kaleyra's refusal as a ProviderError: its code (or the HTTP status's), whether a retry may help, and its message. */
export function errorFromResponse(res: Response, body: unknown, apiVersion: ApiVersion): ProviderError {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  const text = JSON.stringify(body ?? '');
  const appCode =
    body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string }).code
      : (KNOWN_CODE.exec(text)?.[1] ?? null);
  const message =
    (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : null) ?? text.slice(0, 200);

  if (res.status === 429 && appCode !== 'WAV2101')
    return new ProviderError('http429', true, 'Kaleyra throttled the request', 429, retryAfterMs);
  if (appCode === 'WA500' || res.status >= 500) {
    return new ProviderError(appCode ?? `http${res.status}`, true, message, res.status, retryAfterMs);
  }
  if (appCode) return new ProviderError(appCode, false, message, res.status);
  if (res.status === 401) return new ProviderError('RBC001', false, message, 401);
  if (res.status === 400 && apiVersion === 'v1') return new ProviderError('WA400', false, message, 400);
  return new ProviderError(`http${res.status}`, false, message, res.status);
}

export function toProviderError(err: unknown, apiVersion: ApiVersion): ProviderError {
  if (err instanceof ProviderError) return err;
  // A v2 retry carries the same ref, which Kaleyra de-duplicates; v1 has no ref, so a timed-out
  // v1 send might have gone through and is not retried automatically.
  if (err instanceof HttpTimeoutError) return new ProviderError('timeout', apiVersion === 'v2', 'Kaleyra did not answer in time');
  return new ProviderError('network', true, 'Kaleyra could not be reached');
}

/** A template call's refusal: Meta's message and its fields, kept for the owner to read (no secrets in them). */
export function templateError(res: Response, body: unknown): ProviderError {
  const e = errorFromResponse(res, body, 'v2');
  const b = body as { message?: unknown; errors?: unknown; error?: { message?: unknown; error_user_msg?: unknown } } | null;
  const parts: string[] = [];
  const metaMsg = b?.error?.error_user_msg ?? b?.error?.message ?? b?.message;
  if (typeof metaMsg === 'string') parts.push(metaMsg);
  if (b?.errors && typeof b.errors === 'object') {
    for (const [k, v] of Object.entries(b.errors as Record<string, unknown>)) if (typeof v === 'string') parts.push(`${k}: ${v}`);
  }
  return new ProviderError(e.code, e.retryable, parts.join('; ').slice(0, 600) || e.message, e.httpStatus, e.retryAfterMs);
}
