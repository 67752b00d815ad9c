import { useEffect, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { sessionStore, useSession } from '../../../lib/auth/session.ts';
import { queryKeys } from '../../../lib/query-keys.ts';
import { SignInScreen } from './sign-in-screen.tsx';

/** Shows the sign-in screen until the agent has a token, and again as soon as it is dropped or expires. */
export function AuthGate({ purpose, children }: { purpose: string; children: ReactNode }) {
  const { session } = useSession();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!session) {
      // Another agent may sign in next in this iframe: forget everything but the public config.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.publicConfig[0] });
      return;
    }
    if (session.expiresAt === null) return;
    const ms = Math.max(0, session.expiresAt - Date.now());
    // setTimeout's limit is 2^31-1 ms; LiveChat tokens last hours, so that is plenty.
    const timer = setTimeout(
      () => sessionStore.signOut('Your LiveChat session expired. Sign in again to continue.'),
      Math.min(ms, 2 ** 31 - 1),
    );
    return () => clearTimeout(timer);
  }, [session, queryClient]);

  if (!session) return <SignInScreen purpose={purpose} />;
  return <>{children}</>;
}
