import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BalanceSchema } from '@wa/contracts';
import { json, mockFetch, problem } from '../test/fetch-mock.ts';
import { apiRequest, ApiError, NetworkError, UnexpectedResponseError } from './api-client.ts';
import { sessionStore } from './auth/session.ts';

const balance = { remaining: 250, reserved: 0, lowBalanceThreshold: 20, low: false };

describe('apiRequest', () => {
  beforeEach(() => sessionStore.signIn('token-1', 3600));
  afterEach(() => {
    sessionStore.reset();
    vi.unstubAllGlobals();
  });

  it('parses a good response with the contract schema and sends the bearer token', async () => {
    const { calls } = mockFetch({ 'GET /api/balance': () => json(200, balance) });
    await expect(apiRequest('/api/balance', BalanceSchema)).resolves.toEqual(balance);
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer token-1');
  });

  it('puts the query in the URL, skipping undefined values', async () => {
    const { calls } = mockFetch({ 'GET /api/balance': () => json(200, balance) });
    await apiRequest('/api/balance', BalanceSchema, { query: { to: '+442079460958', numberId: undefined } });
    expect(calls[0]!.url.search).toBe('?to=%2B442079460958');
  });

  it('turns problem+json into an ApiError with its code, detail and field errors', async () => {
    mockFetch({
      'POST /api/messages': () =>
        problem(400, {
          code: 'validation_failed',
          detail: 'Some fields are not right.',
          errors: [{ path: 'variables.0', message: 'Fill in variable 1' }],
        }),
    });
    const error = await apiRequest('/api/messages', BalanceSchema, { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('validation_failed');
    expect(apiError.detail).toBe('Some fields are not right.');
    expect(apiError.fieldErrors).toEqual([{ path: 'variables.0', message: 'Fill in variable 1' }]);
    expect(apiError.fieldError('variables.0')).toBe('Fill in variable 1');
  });

  it('rejects a 2xx response that does not match the schema', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    mockFetch({ 'GET /api/balance': () => json(200, { remaining: 'lots' }) });
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('rejects an error response that is not a problem', async () => {
    mockFetch({ 'GET /api/balance': () => new Response('<html>Bad gateway</html>', { status: 502 }) });
    const error = await apiRequest('/api/balance', BalanceSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).status).toBe(502);
  });

  it('drops the token on a 401 token_expired and says why', async () => {
    mockFetch({ 'GET /api/balance': () => problem(401, { code: 'token_expired', detail: 'Token expired' }) });
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toMatchObject({ status: 401, code: 'token_expired' });
    expect(sessionStore.get().session).toBeNull();
    expect(sessionStore.get().signedOutReason).toMatch(/expired/i);
  });

  it('keeps the token on a 403', async () => {
    mockFetch({ 'GET /api/balance': () => problem(403, { code: 'forbidden', detail: 'Owners only' }) });
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toBeInstanceOf(ApiError);
    expect(sessionStore.get().session).not.toBeNull();
  });

  it('reports a network failure as a NetworkError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toBeInstanceOf(NetworkError);
  });

  it('does not call the BFF without a token, and not with an expired one', async () => {
    const { fetchMock } = mockFetch({ 'GET /api/balance': () => json(200, balance) });
    sessionStore.reset();
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toMatchObject({ code: 'unauthenticated' });
    sessionStore.signIn('old', 60, Date.now() - 3_600_000);
    await expect(apiRequest('/api/balance', BalanceSchema)).rejects.toMatchObject({ code: 'token_expired' });
    expect(sessionStore.get().session).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('calls public endpoints without a token', async () => {
    sessionStore.reset();
    const { calls } = mockFetch({ 'GET /api/balance': () => json(200, balance) });
    await apiRequest('/api/balance', BalanceSchema, { auth: false });
    expect(calls[0]!.headers.get('Authorization')).toBeNull();
  });
});
