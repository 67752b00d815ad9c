import { useState } from 'react';
import { Button, Tag, Text } from '@livechat/design-system-react-components';
import type { DataDeletion } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { MutationError } from '../../../components/mutation-error.tsx';
import { QueryState } from '../../../lib/query-state.tsx';
import { useDataDeletion, useDataDeletionRequest } from '../api/business.ts';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '');

function Kept({ kept }: { kept: DataDeletion['kept'] }) {
  return (
    <ul className="wa-loss" data-testid="deletion-kept">
      {kept.map((k) => (
        <li key={k.data}>
          <strong>{k.data}</strong>: {k.why}
          {k.keptForYears ? `, kept for ${k.keptForYears} years` : ''}.
        </li>
      ))}
    </ul>
  );
}

/**
 * L.11b: the business asks for its data to be deleted once it uninstalls the app (at once if it already has),
 * and sees what the retention duty keeps.
 */
export function DataDeletionCard() {
  const query = useDataDeletion(true);
  const change = useDataDeletionRequest();
  // Once uninstalled a request deletes at once: it is confirmed first.
  const [confirming, setConfirming] = useState(false);

  return (
    <Card title={query.data?.appInstalled === false ? 'Delete our data' : 'Delete our data after uninstalling'}>
      <QueryState query={query} failed="Couldn't load it.">
        {(data) => (
          <div className="wa-stack" data-testid="data-deletion">
            {data.status === 'done' ? (
              <Text size="sm" data-testid="deletion-status">
                <Tag kind="success">Deleted</Tag> Your data was deleted on {when(data.doneAt)}.
              </Text>
            ) : data.status === 'requested' ? (
              <Text size="sm" data-testid="deletion-status">
                <Tag kind="warning">Requested</Tag> Asked on {when(data.requestedAt)}. When you uninstall the app, your numbers, templates,
                message and campaign history, opt-outs, contact data and terms acceptances are deleted.
              </Text>
            ) : data.appInstalled ? (
              <Text size="sm" data-testid="deletion-status">
                When you uninstall the app we keep your data, so a reinstall can show your history. Ask us to delete it instead: it is
                deleted as soon as you uninstall. Export it first if you want a copy.
              </Text>
            ) : (
              <Text size="sm" data-testid="deletion-status">
                The app is uninstalled, and we still hold your numbers, templates, message and campaign history, opt-outs, contact data and
                terms acceptances. You can have them deleted now. This cannot be undone.
              </Text>
            )}
            <Text size="sm" className="wa-muted">
              What the law makes us keep:
            </Text>
            <Kept kept={data.kept} />
            <div className="wa-row">
              {data.status === 'none' && !confirming && (
                <Button
                  kind="secondary"
                  size="compact"
                  loading={change.isPending}
                  onClick={() => (data.appInstalled ? change.mutate('request') : setConfirming(true))}
                  data-testid="deletion-request"
                >
                  {data.appInstalled ? 'Delete our data when we uninstall' : 'Delete our data now'}
                </Button>
              )}
              {data.status === 'none' && confirming && (
                <>
                  <Text as="span" size="sm" data-testid="deletion-confirm-text">
                    Delete it for good?
                  </Text>
                  <Button
                    kind="destructive"
                    size="compact"
                    loading={change.isPending}
                    onClick={() => change.mutate('request', { onSettled: () => setConfirming(false) })}
                    data-testid="deletion-confirm"
                  >
                    Delete now
                  </Button>
                  <Button kind="secondary" size="compact" onClick={() => setConfirming(false)}>
                    Cancel
                  </Button>
                </>
              )}
              {data.status === 'requested' && (
                <Button
                  kind="secondary"
                  size="compact"
                  loading={change.isPending}
                  onClick={() => change.mutate('withdraw')}
                  data-testid="deletion-withdraw"
                >
                  Keep our data after all
                </Button>
              )}
              <MutationError mutation={change} inline />
            </div>
          </div>
        )}
      </QueryState>
    </Card>
  );
}
