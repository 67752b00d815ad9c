import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountsAuthorizeData } from '@livechat/accounts-sdk';
import { signInWithPopup, SignInError, type AccountsSDKClass } from './accounts-popup.ts';

/** Mimics @livechat/accounts-sdk 2.1's popup(): requestStorageAccess first (when present), then window.open. */
function fakeSdk(behaviour: { answer?: (state: string) => Promise<AccountsAuthorizeData> }) {
  const seen: { storageAccessSeen?: boolean; options?: Record<string, unknown> } = {};
  class FakeSdk {
    constructor(readonly options: Record<string, unknown>) {
      seen.options = options;
    }
    popup() {
      return {
        authorize: () =>
          new Promise<AccountsAuthorizeData>((resolve, reject) => {
            seen.storageAccessSeen = Boolean((document as { requestStorageAccess?: unknown }).requestStorageAccess);
            const open = () => window.open('https://accounts.test/?x', 'livechat-login-popup');
            if ((document as { requestStorageAccess?: () => Promise<void> }).requestStorageAccess) {
              // In a cross-site iframe this is refused and the popup that follows is blocked; never settles.
              return;
            }
            open();
            behaviour.answer?.(String(this.options.state)).then(resolve, reject);
          }),
      };
    }
    redirect() {
      throw new Error('unused');
    }
    authorizeURL() {
      return '';
    }
  }
  return { Sdk: FakeSdk as unknown as AccountsSDKClass, seen };
}

const options = { accountsUrl: 'https://accounts.test/', clientId: 'client-1', timeoutMs: 120_000, closedGraceMs: 1000 };

describe('signInWithPopup', () => {
  const requestStorageAccess = vi.fn(() => Promise.reject(new Error('refused')));
  let popup: { closed: boolean };

  beforeEach(() => {
    vi.useFakeTimers();
    Object.defineProperty(Object.getPrototypeOf(document) as object, 'requestStorageAccess', {
      value: requestStorageAccess,
      configurable: true,
      writable: true,
    });
    popup = { closed: false };
    expect(document.requestStorageAccess).toBe(requestStorageAccess);
    vi.spyOn(window, 'open').mockImplementation(() => popup as unknown as Window);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    delete (Object.getPrototypeOf(document) as { requestStorageAccess?: unknown }).requestStorageAccess;
  });

  it('hides requestStorageAccess during authorize() so the popup opens, then restores it', async () => {
    const { Sdk, seen } = fakeSdk({ answer: (state) => Promise.resolve({ access_token: 'tok', expires_in: 3600, state }) });
    const signIn = signInWithPopup(Sdk, options);
    expect(seen.storageAccessSeen).toBe(false);
    expect(window.open).toHaveBeenCalledOnce();
    expect(document.requestStorageAccess).toBe(requestStorageAccess);
    await expect(signIn.result).resolves.toEqual({ accessToken: 'tok', expiresIn: 3600 });
    expect(seen.options).toMatchObject({ client_id: 'client-1', server_url: 'https://accounts.test', response_type: 'token' });
  });

  it('reports a blocked popup at once', async () => {
    vi.mocked(window.open).mockReturnValue(null);
    const { Sdk } = fakeSdk({ answer: () => new Promise(() => {}) });
    await expect(signInWithPopup(Sdk, options).result).rejects.toMatchObject({ kind: 'blocked' });
  });

  it('times out when the popup never answers', async () => {
    const { Sdk } = fakeSdk({ answer: () => new Promise(() => {}) });
    const result = signInWithPopup(Sdk, options).result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(await result).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/timed out/) });
  });

  it('notices the agent closing the popup', async () => {
    const { Sdk } = fakeSdk({ answer: () => new Promise(() => {}) });
    const result = signInWithPopup(Sdk, options).result.catch((e: unknown) => e);
    popup.closed = true;
    await vi.advanceTimersByTimeAsync(1600);
    expect(await result).toMatchObject({ kind: 'cancelled' });
  });

  it('turns the popup error (user said no) into a message', async () => {
    const { Sdk } = fakeSdk({ answer: () => Promise.reject({ oauth_exception: 'access_denied' }) });
    const error = await signInWithPopup(Sdk, options).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ kind: 'denied' });
  });

  it('can be cancelled by the agent', async () => {
    const { Sdk } = fakeSdk({ answer: () => new Promise(() => {}) });
    const signIn = signInWithPopup(Sdk, options);
    signIn.cancel();
    await expect(signIn.result).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
