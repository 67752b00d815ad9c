import type { z } from 'zod';
import { ErrorCode, ProblemSchema, type FieldError, type Problem } from '@wa/contracts';
import { env } from '../config/env.ts';
import { sessionStore } from './auth/session.ts';

/** The BFF refused the request with an RFC 9457 problem. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldError[];
  readonly providerCode: string | undefined;

  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.fieldErrors = problem.errors ?? [];
    this.providerCode = problem.providerCode;
  }

  /** The message for a field path such as `variables.0`, if the BFF named that field. */
  fieldError(path: string): string | undefined {
    return this.fieldErrors.find((e) => e.path === path)?.message;
  }
}

/** The request never got an answer: offline, DNS, connection reset. Safe to retry with the same idempotency key. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(cause: unknown) {
    super("Can't reach the WhatsApp app's server. Check your connection and try again.", { cause });
  }
}

/** The server answered with something that is neither the contract's response nor a problem. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(
    readonly status: number,
    readonly issues?: unknown,
  ) {
    super(
      status >= 500
        ? 'The WhatsApp app had a problem on its side. Try again in a moment.'
        : 'The WhatsApp app sent an answer this page does not understand. Reload the page and try again.',
    );
  }
}

const SIGN_OUT_CODES: ReadonlySet<string> = new Set([ErrorCode.unauthenticated, ErrorCode.tokenExpired, ErrorCode.foreignClient]);

const SIGN_OUT_REASON: Record<string, string> = {
  [ErrorCode.tokenExpired]: 'Your LiveChat session expired. Sign in again to continue.',
  [ErrorCode.unauthenticated]: 'You were signed out. Sign in again to continue.',
  [ErrorCode.foreignClient]: 'That sign-in belongs to a different app. Sign in again from here.',
};

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Send the agent's bearer token (default). Public endpoints set false. */
  auth?: boolean;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  return `${env.VITE_API_BASE_URL}${path}${qs ? `?${qs}` : ''}`;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function localProblem(code: ErrorCode, detail: string): ApiError {
  return new ApiError({ type: 'about:blank', title: 'Unauthorized', status: 401, code, detail });
}

/**
 * Calls the BFF and parses the answer with the contract schema: a 2xx that does not match is an error too,
 * so the UI never renders a shape it was not written for. A non-2xx problem becomes an ApiError; a 401 that
 * means "no valid session" also drops the in-memory token, which brings the sign-in screen back.
 */
export async function apiRequest<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  const { method = 'GET' } = options;
  const res = await send(path, options, 'application/json, application/problem+json');
  const json = await readJson(res);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error(`Response of ${method} ${path} does not match the contract`, parsed.error.issues);
    throw new UnexpectedResponseError(res.status, parsed.error.issues);
  }
  return parsed.data;
}

/** A file the BFF serves behind the bearer token (a CSV export): its bytes and the name the server gave it. */
export async function apiDownload(
  path: string,
  options: Pick<RequestOptions, 'query' | 'signal'> = {},
): Promise<{ blob: Blob; filename: string | null }> {
  const res = await send(path, options, '*/*');
  const disposition = res.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
  return { blob: await res.blob(), filename };
}

/** The request with the agent's token; a non-2xx answer becomes the errors described at apiRequest. */
async function send(path: string, options: RequestOptions, accept: string): Promise<Response> {
  const { method = 'GET', query, body, signal, auth = true } = options;
  const headers: Record<string, string> = { Accept: accept };

  if (auth) {
    const token = sessionStore.token();
    if (!token) {
      const expired = sessionStore.get().session !== null;
      const error = localProblem(
        expired ? ErrorCode.tokenExpired : ErrorCode.unauthenticated,
        expired ? SIGN_OUT_REASON[ErrorCode.tokenExpired]! : 'Sign in with LiveChat first.',
      );
      if (expired) sessionStore.signOut(SIGN_OUT_REASON[ErrorCode.tokenExpired]!);
      throw error;
    }
    headers.Authorization = `Bearer ${token}`;
  }
  // A Blob (a file the user chose) goes out as it is, with its own type: e.g. a CSV streamed into a check.
  const raw = typeof Blob !== 'undefined' && body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = raw ? (body as Blob).type || 'application/octet-stream' : 'application/json';

  let res: Response;
  try {
    res = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : raw ? (body as Blob) : JSON.stringify(body),
      signal,
      credentials: 'omit',
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new NetworkError(cause);
  }

  if (!res.ok) {
    const problem = ProblemSchema.safeParse(await readJson(res));
    if (!problem.success) throw new UnexpectedResponseError(res.status, problem.error.issues);
    const error = new ApiError(problem.data);
    if (res.status === 401 && SIGN_OUT_CODES.has(error.code)) {
      sessionStore.signOut(SIGN_OUT_REASON[error.code] ?? SIGN_OUT_REASON[ErrorCode.unauthenticated]!);
    }
    throw error;
  }
  return res;
}

/** Words for any error this client throws, for inline messages. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail ?? error.problem.title;
  if (error instanceof NetworkError || error instanceof UnexpectedResponseError) return error.message;
  return 'Something went wrong. Try again.';
}

/** Whether repeating the request could succeed (TanStack Query's retry): never for a definite refusal. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (error instanceof ApiError) return error.status >= 500 || error.status === 429;
  if (error instanceof UnexpectedResponseError) return error.status >= 500;
  return false;
}
