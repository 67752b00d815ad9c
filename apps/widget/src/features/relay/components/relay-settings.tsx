import { useEffect, useRef, useState } from 'react';
import { Button, Loader, Switch, Tag, Text } from '@livechat/design-system-react-components';
import type { RelayAuthorizationStatus, RelayGroup, RelayNumber, RelayNumberStatus } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { Select } from '../../../components/select.tsx';
import { MutationError } from '../../../components/mutation-error.tsx';
import { env } from '../../../config/env.ts';
import { errorMessage } from '../../../lib/api-client.ts';
import {
  authorizeCodeWithPopup,
  loadAccountsSdk,
  SignInError,
  type AccountsSDKClass,
  type AuthorizationCode,
  type PopupSignIn,
} from '../../../lib/auth/accounts-popup.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useConnectLiveChat, useRelayGroups, useRelayStatus, useUpdateRelayNumber } from '../api/relay.ts';

/** What the BFF needs to act for the business in LiveChat: customer identities, chats, its bot, groups, webhooks. */
export const RELAY_SCOPES = 'customers:own chats--all:rw agents-bot--my:rw groups--all:ro webhooks.configuration:rw';

export interface AccountsSettings {
  accountsUrl: string;
  clientId: string;
}

const AUTH_STATE: Record<RelayAuthorizationStatus, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  connected: { label: 'Connected', kind: 'success' },
  not_connected: { label: 'Not connected', kind: 'default' },
  reconnect_needed: { label: 'Reconnect needed', kind: 'error' },
};

const NUMBER_STATE: Record<RelayNumberStatus, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  active: { label: 'On', kind: 'success' },
  off: { label: 'Off', kind: 'default' },
  reconnect_needed: { label: 'Waiting for reconnection', kind: 'error' },
};

/** The authorization-code popup, started synchronously from the click (browsers allow a popup only then). */
function useCodePopup(accounts: AccountsSettings | null) {
  const [Sdk, setSdk] = useState<AccountsSDKClass | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const attempt = useRef<PopupSignIn<AuthorizationCode> | null>(null);

  useEffect(() => {
    let live = true;
    loadAccountsSdk().then(
      (cls) => live && setSdk(() => cls),
      () => live && setError('The LiveChat sign-in could not load. Reload the page and try again.'),
    );
    return () => {
      live = false;
      attempt.current?.cancel();
    };
  }, []);

  function start(onCode: (code: AuthorizationCode) => void) {
    if (!accounts || !Sdk) return;
    setError(null);
    attempt.current?.cancel();
    const current = authorizeCodeWithPopup(Sdk, { ...accounts, timeoutMs: env.VITE_SIGN_IN_TIMEOUT_MS, scope: RELAY_SCOPES });
    attempt.current = current;
    setWaiting(true);
    current.result.then(
      (code) => {
        if (attempt.current !== current) return;
        attempt.current = null;
        setWaiting(false);
        onCode(code);
      },
      (e: unknown) => {
        if (attempt.current !== current) return;
        attempt.current = null;
        setWaiting(false);
        setError(e instanceof SignInError ? e.message : 'Connecting LiveChat failed. Try again.');
      },
    );
  }

  return { ready: Boolean(accounts && Sdk), waiting, error, start };
}

function ConnectionCard({ status, accounts }: { status: ReturnType<typeof useRelayStatus>['data']; accounts: AccountsSettings | null }) {
  const popup = useCodePopup(accounts);
  const connect = useConnectLiveChat();
  const authorization = status?.authorization;
  const state = AUTH_STATE[authorization?.status ?? 'not_connected'];
  const reconnect = authorization?.status === 'reconnect_needed';

  return (
    <Card title="LiveChat connection" level={3}>
      <div className="wa-stack" data-testid="relay-connection">
        <div className="wa-row wa-row--between">
          <Tag kind={state.kind} data-testid="relay-connection-status">
            {state.label}
          </Tag>
          <Button
            kind={authorization?.connected ? 'secondary' : 'primary'}
            size="compact"
            disabled={!popup.ready}
            loading={popup.waiting || connect.isPending}
            data-testid="relay-connect"
            onClick={() => popup.start((code) => connect.mutate(code))}
          >
            {reconnect ? 'Reconnect' : authorization?.connected ? 'Connect again' : 'Connect LiveChat'}
          </Button>
        </div>
        {reconnect && (
          <InlineAlert kind="error" role="alert">
            LiveChat no longer accepts this app's authorization, so customers' WhatsApp messages wait in the queue and no chat gets them.
            Reconnect to deliver them.
          </InlineAlert>
        )}
        {authorization?.connected && authorization.connectedAt && (
          <Text size="sm" className="wa-muted">
            Connected {formatDateTime(authorization.connectedAt)}
            {authorization.accountId ? ` by account ${authorization.accountId}` : ''}.
          </Text>
        )}
        {!authorization?.connected && !reconnect && (
          <Text size="sm" className="wa-muted">
            Sign in once as an owner or administrator: the app then creates a chat for each WhatsApp customer who writes, and sends agents'
            answers back on WhatsApp.
          </Text>
        )}
        {(popup.error || connect.isError) && (
          <Text size="sm" className="wa-error-text" role="alert">
            {popup.error ?? errorMessage(connect.error)}
          </Text>
        )}
      </div>
    </Card>
  );
}

function NumberRow({ number, groups, connected }: { number: RelayNumber; groups: RelayGroup[]; connected: boolean }) {
  const update = useUpdateRelayNumber();
  const [groupId, setGroupId] = useState<number | null>(number.groupId ?? groups[0]?.id ?? null);
  useEffect(() => {
    if (number.groupId !== null) setGroupId(number.groupId);
  }, [number.groupId]);
  useEffect(() => {
    if (groupId === null && groups[0]) setGroupId(groups[0].id);
  }, [groupId, groups]);
  const state = NUMBER_STATE[number.status];
  const selectId = `wa-relay-group-${number.numberId}`;
  const canTurnOn = connected && groupId !== null;

  return (
    <li className="wa-relay-number" data-testid="relay-number" data-number={number.number}>
      <div className="wa-relay-number__row">
        <div className="wa-row wa-relay-number__id">
          <div className="wa-stack wa-stack--tight">
            <Text as="span" bold>
              {number.displayName}
            </Text>
            <Text as="span" size="sm" className="wa-muted">
              {formatPhone(number.number)}
            </Text>
          </div>
          <Tag kind={state.kind} data-testid="relay-number-status">
            {state.label}
          </Tag>
        </div>
        <label className="wa-row wa-relay-number__control">
          <Switch
            size="compact"
            on={number.enabled}
            disabled={update.isPending || (!number.enabled && !canTurnOn)}
            ariaLabel={`WhatsApp chats in LiveChat for ${number.displayName}`}
            onChange={(_e, on) => update.mutate({ numberId: number.numberId, enabled: on, groupId })}
          />
          <Text as="span">WhatsApp chats in LiveChat</Text>
        </label>
        <div className="wa-row wa-relay-number__control">
          <label className="wa-relay-number__label" htmlFor={selectId}>
            LiveChat group
          </label>
          <Select
            id={selectId}
            className="wa-relay-number__group"
            data-testid="relay-group"
            options={groups.length === 0 ? [{ value: '', label: 'No groups yet' }] : groups.map((g) => ({ value: g.id, label: g.name }))}
            value={groupId ?? ''}
            disabled={groups.length === 0 || update.isPending}
            onValueChange={(value) => {
              const next = Number(value);
              setGroupId(next);
              if (number.enabled) update.mutate({ numberId: number.numberId, enabled: true, groupId: next });
            }}
          />
        </div>
      </div>
      {number.lastFailure && (
        <Text size="sm" className="wa-error-text" data-testid="relay-last-failure">
          Last failure, {formatDateTime(number.lastFailure.at)} (
          {number.lastFailure.direction === 'inbound' ? 'from WhatsApp' : 'to WhatsApp'}): {number.lastFailure.summary}
        </Text>
      )}
      <MutationError mutation={update} />
    </li>
  );
}

/**
 * "WhatsApp chats in LiveChat": owners and administrators connect LiveChat (authorization-code grant) and turn the
 * relay on per number with the group that receives its chats. Everyone else is told who can.
 */
export function RelaySettings({ canManage, accounts }: { canManage: boolean; accounts: AccountsSettings | null }) {
  const status = useRelayStatus(canManage);
  const connected = status.data?.authorization.connected ?? false;
  const groups = useRelayGroups(canManage && connected);

  if (!canManage) {
    return (
      <Text className="wa-muted" data-testid="relay-readonly-note">
        Only the owner or an administrator of your LiveChat organization can turn WhatsApp chats in LiveChat on or off. Chats from WhatsApp
        customers appear in your chat list once they do.
      </Text>
    );
  }
  if (status.isPending) return <Loader size="medium" />;
  if (status.isError) {
    return (
      <InlineAlert kind="error" role="alert" onRetry={() => void status.refetch()}>
        Couldn't load the WhatsApp chats settings. {errorMessage(status.error)}
      </InlineAlert>
    );
  }

  return (
    <div className="wa-stack" data-testid="relay-settings">
      <ConnectionCard status={status.data} accounts={accounts} />
      <Card title="Numbers" level={3} description="Each number's WhatsApp customers become chats in the group you pick.">
        {status.data.numbers.length === 0 ? (
          <Text className="wa-muted">No WhatsApp number is connected yet.</Text>
        ) : (
          <ul className="wa-relay-numbers">
            {status.data.numbers.map((n) => (
              <NumberRow key={n.numberId} number={n} groups={groups.data?.groups ?? []} connected={connected} />
            ))}
          </ul>
        )}
        {groups.isError && (
          <Text size="sm" className="wa-error-text" role="alert">
            Couldn't load the LiveChat groups. {errorMessage(groups.error)}
          </Text>
        )}
      </Card>
    </div>
  );
}
