import { useState } from 'react';
import { Button, Loader, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { LoadMore } from '../../../lib/load-more.tsx';
import { downloadAuditCsv, useAudit } from '../api/get-audit.ts';
import { describeAction, describeActor, describeDetails } from '../utils/describe-event.ts';

/** Every money, number, permission and lifecycle event of the business, newest first; the same as CSV. */
export function AuditLogCard({ selfAccountId }: { selfAccountId?: string | undefined }) {
  const events = useAudit();
  const list = events.data?.pages.flatMap((p) => p.events) ?? [];
  const [download, setDownload] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({ state: 'idle' });

  async function onDownload() {
    setDownload({ state: 'busy' });
    try {
      setDownload({ state: 'done', message: `Saved ${await downloadAuditCsv()}` });
    } catch (error) {
      setDownload({ state: 'error', message: errorMessage(error) });
    }
  }

  return (
    <Card title="Audit log">
      <div className="wa-stack">
        <div className="wa-row wa-row--between">
          <Text size="sm" className="wa-muted">
            Who did what, and when, with money, numbers, permissions and the account.
          </Text>
          <div className="wa-row wa-no-shrink">
            {download.message && (
              <Text as="span" size="sm" className={download.state === 'error' ? 'wa-error-text' : 'wa-muted'}>
                {download.message}
              </Text>
            )}
            <Button
              kind="secondary"
              size="compact"
              loading={download.state === 'busy'}
              onClick={() => void onDownload()}
              data-testid="audit-download"
            >
              Export CSV
            </Button>
          </div>
        </div>
        {events.isPending ? (
          <Loader size="small" />
        ) : events.isError && list.length === 0 ? (
          <Text size="sm" className="wa-error-text" role="alert">
            Couldn't load the log. {errorMessage(events.error)}
          </Text>
        ) : list.length === 0 ? (
          <Text size="sm" className="wa-muted">
            Nothing recorded yet.
          </Text>
        ) : (
          <div className="wa-audit-wrap">
            <table className="wa-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>What</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td className="wa-nowrap">{formatDateTime(e.at)}</td>
                    <td>{describeActor(e, selfAccountId)}</td>
                    <td>{describeAction(e.action)}</td>
                    <td className="wa-muted">{describeDetails(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <LoadMore query={events} shown={list.length} noun="events" testId="audit-load-more" />
          </div>
        )}
      </div>
    </Card>
  );
}
