import type AccountsSDK from '@livechat/accounts-sdk';
import type { AccountsAuthorizeData, AccountsError, AccountsSDKOptions } from '@livechat/accounts-sdk';

export type AccountsSDKClass = typeof AccountsSDK;

export interface SignInResult {
  accessToken: string;
  /** Seconds, as Accounts reports them; undefined when it did not say. */
  expiresIn: number | undefined;
}

export type SignInFailure = 'blocked' | 'cancelled' | 'timeout' | 'denied' | 'failed';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly kind: SignInFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The authorization-code grant's answer; the BFF exchanges it with the client secret. */
export interface AuthorizationCode {
  code: string;
  /** What the popup was opened with; the exchange must repeat it exactly. */
  redirectUri: string;
}

export interface PopupSignIn<T = SignInResult> {
  result: Promise<T>;
  /** Stop waiting (the agent closed the window or gave up); `result` rejects with kind `cancelled`. */
  cancel(): void;
}

export interface PopupSignInOptions {
  accountsUrl: string;
  clientId: string;
  timeoutMs: number;
  /** How long after the popup reports closed to wait for its message, which may still be in flight. */
  closedGraceMs?: number;
}

let accountsSdk: Promise<AccountsSDKClass> | null = null;

/** Loads the Accounts SDK in its own chunk; call early so the click handler can use it synchronously. */
export function loadAccountsSdk(): Promise<AccountsSDKClass> {
  accountsSdk ??= import('@livechat/accounts-sdk').then((m) => m.default);
  return accountsSdk;
}

/**
 * Runs `fn` with two browser APIs adjusted, and restores them before returning:
 *
 * - `document.requestStorageAccess` reads as undefined. The SDK calls it before `window.open`; in a cross-site
 *   iframe it is refused *and* consumes the click's user activation, so the popup gets blocked and the SDK's
 *   promise never settles. We keep the token in memory, so we do not need storage access at all.
 * - `window.open` is observed, so we learn whether the popup opened (the SDK ignores a blocked popup) and can
 *   notice when the agent closes it (the SDK never does).
 *
 * The SDK calls both synchronously inside `authorize()`, so shadowing them for that call is enough.
 */
function withPopupObserved<T>(fn: () => T): { value: T; popup: Window | null | undefined } {
  const own = Object.getOwnPropertyDescriptor(document, 'requestStorageAccess');
  const originalOpen = window.open;
  let popup: Window | null | undefined;
  Object.defineProperty(document, 'requestStorageAccess', { value: undefined, configurable: true, writable: true });
  window.open = function observedOpen(this: Window, ...args: Parameters<Window['open']>) {
    popup = originalOpen.apply(this, args);
    return popup;
  } as Window['open'];
  try {
    return { value: fn(), popup };
  } finally {
    window.open = originalOpen;
    if (own) Object.defineProperty(document, 'requestStorageAccess', own);
    else delete (document as { requestStorageAccess?: unknown }).requestStorageAccess;
  }
}

function randomState(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function describeAccountsError(error: AccountsError | string | undefined): SignInError {
  const code = typeof error === 'string' ? error : (error?.oauth_exception ?? error?.identity_exception);
  if (code === 'access_denied') {
    return new SignInError('denied', 'Sign-in was cancelled, or this app is not installed for your LiveChat account.');
  }
  if (code === 'unauthorized') return new SignInError('denied', 'LiveChat did not confirm who you are. Try again.');
  const description = typeof error === 'object' ? error?.description : undefined;
  return new SignInError('failed', `Sign-in failed${description ? `: ${description}` : code ? ` (${code})` : ''}. Try again.`);
}

/**
 * "Sign in with LiveChat" in a popup. Call it synchronously from the click handler (the browser allows a
 * popup only during the click's user activation), with the SDK class already loaded.
 */
export function signInWithPopup(Sdk: AccountsSDKClass, options: PopupSignInOptions): PopupSignIn {
  return popupFlow(Sdk, options, { response_type: 'token' }, (data) => {
    if (!data.access_token) return new SignInError('failed', 'LiveChat sent no access token. Try again.');
    return { accessToken: data.access_token, expiresIn: data.expires_in || undefined };
  });
}

/**
 * LiveChat's authorization-code grant in a popup (`response_type=code`), for access the BFF keeps on its own
 * (it exchanges the code with the client secret). Same rules as `signInWithPopup`: call it from the click handler.
 */
export function authorizeCodeWithPopup(
  Sdk: AccountsSDKClass,
  options: PopupSignInOptions & { scope: string },
): PopupSignIn<AuthorizationCode> {
  // The SDK strips the query and fragment from redirect_uri; give it the bare page so we know what it sent.
  const redirectUri = `${window.location.origin}${window.location.pathname}`;
  return popupFlow(Sdk, options, { response_type: 'code', scope: options.scope, redirect_uri: redirectUri }, (data) => {
    const code = typeof data.code === 'string' ? data.code : '';
    if (!code) return new SignInError('failed', 'LiveChat sent no authorization code. Try again.');
    return { code, redirectUri };
  });
}

function popupFlow<T>(
  Sdk: AccountsSDKClass,
  options: PopupSignInOptions,
  grant: Pick<AccountsSDKOptions, 'response_type' | 'scope' | 'redirect_uri'>,
  accept: (data: AccountsAuthorizeData) => T | SignInError,
): PopupSignIn<T> {
  const { accountsUrl, clientId, timeoutMs, closedGraceMs = 1500 } = options;
  // The SDK accepts the answer only when event.origin equals server_url exactly, so no trailing slash.
  const serverUrl = accountsUrl.replace(/\/+$/, '');
  if (new URL(serverUrl).pathname !== '/') {
    console.warn(`accountsUrl ${accountsUrl} has a path; the Accounts SDK only accepts answers from a bare origin`);
  }
  const state = randomState();
  const sdk = new Sdk({ client_id: clientId, server_url: serverUrl, ...grant, state });

  let settle: { resolve: (r: T) => void; reject: (e: SignInError) => void } | null = null;
  const timers: ReturnType<typeof setTimeout>[] = [];
  let poll: ReturnType<typeof setInterval> | undefined;
  const cleanup = () => {
    timers.forEach(clearTimeout);
    if (poll) clearInterval(poll);
    settle = null;
  };

  const result = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (e: SignInError) => {
    settle?.reject(e);
    cleanup();
  };

  const { value: authorized, popup } = withPopupObserved(() => sdk.popup().authorize());

  authorized.then(
    (data: AccountsAuthorizeData) => {
      if (data.state && data.state !== state) return fail(new SignInError('failed', 'Sign-in answer did not match. Try again.'));
      const accepted = accept(data);
      if (accepted instanceof SignInError) return fail(accepted);
      settle?.resolve(accepted);
      cleanup();
    },
    (error: AccountsError | string | undefined) => fail(describeAccountsError(error)),
  );

  if (popup === null) {
    fail(new SignInError('blocked', 'Your browser blocked the sign-in window. Allow pop-ups for LiveChat and try again.'));
  } else {
    timers.push(setTimeout(() => fail(new SignInError('timeout', 'Sign-in timed out. Try again.')), timeoutMs));
    if (popup) {
      poll = setInterval(() => {
        let closed = false;
        try {
          closed = popup.closed;
        } catch {
          // A cross-origin-isolated popup may refuse access; keep relying on the timeout.
        }
        if (closed) {
          clearInterval(poll);
          poll = undefined;
          timers.push(setTimeout(() => fail(new SignInError('cancelled', 'The sign-in window was closed. Try again.')), closedGraceMs));
        }
      }, 500);
    }
  }

  return {
    result,
    cancel: () => fail(new SignInError('cancelled', 'Sign-in was cancelled.')),
  };
}
