import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Heading, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { env } from '../../../config/env.ts';
import { errorMessage } from '../../../lib/api-client.ts';
import {
  loadAccountsSdk,
  signInWithPopup,
  SignInError,
  type AccountsSDKClass,
  type PopupSignIn,
} from '../../../lib/auth/accounts-popup.ts';
import { sessionStore, useSession } from '../../../lib/auth/session.ts';
import { publicConfigQueryOptions } from '../api/get-public-config.ts';

interface SignInScreenProps {
  /** One line under the title saying what signing in unlocks. */
  purpose: string;
}

export function SignInScreen({ purpose }: SignInScreenProps) {
  const { signedOutReason } = useSession();
  const config = useQuery(publicConfigQueryOptions());
  const [Sdk, setSdk] = useState<AccountsSDKClass | null>(null);
  const [sdkFailed, setSdkFailed] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = useRef<PopupSignIn | null>(null);

  useEffect(() => {
    let live = true;
    loadAccountsSdk().then(
      (cls) => live && setSdk(() => cls),
      () => live && setSdkFailed(true),
    );
    return () => {
      live = false;
      attempt.current?.cancel();
    };
  }, []);

  const ready = Boolean(config.data && Sdk);

  // Everything up to window.open must run synchronously inside this click handler.
  function onSignIn() {
    if (!config.data || !Sdk) return;
    setError(null);
    attempt.current?.cancel();
    let current: PopupSignIn;
    try {
      current = signInWithPopup(Sdk, {
        accountsUrl: config.data.accountsUrl,
        clientId: config.data.clientId,
        timeoutMs: env.VITE_SIGN_IN_TIMEOUT_MS,
      });
    } catch (e) {
      console.error('Sign-in could not start', e);
      setError('Sign-in could not start. Reload the page and try again.');
      return;
    }
    attempt.current = current;
    setWaiting(true);
    current.result.then(
      (r) => {
        if (attempt.current !== current) return;
        attempt.current = null;
        sessionStore.signIn(r.accessToken, r.expiresIn);
      },
      (e: unknown) => {
        if (attempt.current !== current) return;
        attempt.current = null;
        setWaiting(false);
        setError(e instanceof SignInError ? e.message : 'Sign-in failed. Try again.');
      },
    );
  }

  return (
    <div className="wa-sign-in" data-testid="sign-in-screen">
      <Heading size="sm" as="h1">
        WhatsApp Business
      </Heading>
      <Text size="md" className="wa-muted">
        {purpose}
      </Text>

      {signedOutReason && !error && (
        <InlineAlert kind="info" data-testid="sign-in-reason">
          {signedOutReason}
        </InlineAlert>
      )}
      {error && (
        <InlineAlert kind="error" data-testid="sign-in-error" role="alert">
          {error}
        </InlineAlert>
      )}
      {config.isError && (
        <InlineAlert kind="error" role="alert" onRetry={() => void config.refetch()}>
          Couldn't load the app's settings. {errorMessage(config.error)}
        </InlineAlert>
      )}
      {sdkFailed && (
        <InlineAlert kind="error" role="alert">
          Couldn't load LiveChat sign-in. Reload the page.
        </InlineAlert>
      )}

      <Button
        kind="primary"
        fullWidth
        loading={waiting || (!ready && !config.isError && !sdkFailed)}
        disabled={!ready || waiting}
        onClick={onSignIn}
      >
        Sign in with LiveChat
      </Button>
      {waiting && (
        <div className="wa-row wa-row--between">
          <Text size="sm" className="wa-muted">
            Finish signing in in the LiveChat window.
          </Text>
          <Button
            kind="text"
            size="compact"
            onClick={() => {
              attempt.current?.cancel();
            }}
          >
            Cancel
          </Button>
        </div>
      )}
    </div>
  );
}
