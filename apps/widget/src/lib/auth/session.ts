import { useSyncExternalStore } from 'react';

/**
 * The agent's LiveChat access token, held in memory only. The widget runs in a cross-site iframe without
 * third-party cookies or storage, so nothing survives a reload anyway, and a token that never touches storage
 * cannot leak from it.
 */
export interface Session {
  accessToken: string;
  /** Epoch ms after which the token must not be used; null when Accounts did not say. */
  expiresAt: number | null;
}

export interface SessionState {
  session: Session | null;
  /** Why the agent was signed out, in words for the sign-in screen; null after an explicit sign-in/out. */
  signedOutReason: string | null;
}

// Leave a margin so a token does not expire between our check and the BFF's.
const EXPIRY_SKEW_MS = 30_000;

let state: SessionState = { session: null, signedOutReason: null };
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

export const sessionStore = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signIn(accessToken: string, expiresInSeconds: number | undefined, now = Date.now()) {
    const expiresAt = expiresInSeconds && expiresInSeconds > 0 ? now + expiresInSeconds * 1000 - EXPIRY_SKEW_MS : null;
    set({ session: { accessToken, expiresAt }, signedOutReason: null });
  },
  signOut(reason: string | null = null) {
    if (!state.session && state.signedOutReason === reason) return;
    set({ session: null, signedOutReason: reason });
  },
  /** The token to send, or null when there is none or it has expired. */
  token(now = Date.now()): string | null {
    const s = state.session;
    if (!s) return null;
    if (s.expiresAt !== null && now >= s.expiresAt) return null;
    return s.accessToken;
  },
  /** Tests only. */
  reset() {
    set({ session: null, signedOutReason: null });
  },
};

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get);
}
