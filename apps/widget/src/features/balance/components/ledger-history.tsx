import { useState } from 'react';
import { Button, Loader, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { LedgerReason } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { LoadMore } from '../../../lib/load-more.tsx';
import { downloadLedgerCsv, useLedger } from '../api/get-ledger.ts';

const REASON: Record<LedgerReason, string> = {
  purchase: 'Package purchased',
  conversation_opened: 'Conversation opened',
  conversation_released: 'Conversation given back (message not delivered)',
  reservation: 'Reserved by a campaign',
  reservation_released: 'Campaign reservation released',
  forfeited: 'Forfeited',
  operator_credit: 'Credit from the service operator',
};

/** C.4: every movement of the balance, with its reason, a page at a time; the whole history as CSV. */
export function LedgerHistory({ numberLabel }: { numberLabel: (numberId: string) => string | null }) {
  const ledger = useLedger();
  const entries = ledger.data?.pages.flatMap((p) => p.entries) ?? [];
  const [download, setDownload] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({ state: 'idle' });

  async function onDownload() {
    setDownload({ state: 'busy' });
    try {
      setDownload({ state: 'done', message: `Saved ${await downloadLedgerCsv()}` });
    } catch (error) {
      setDownload({ state: 'error', message: errorMessage(error) });
    }
  }

  return (
    <Card title="History">
      <div className="wa-stack">
        <div className="wa-row wa-row--between">
          <Text size="sm" className="wa-muted">
            Every purchase, conversation and reservation, newest first.
          </Text>
          <div className="wa-row wa-no-shrink">
            {download.message && (
              <Text
                as="span"
                size="sm"
                className={download.state === 'error' ? 'wa-error-text' : 'wa-muted'}
                data-testid="ledger-download-status"
              >
                {download.message}
              </Text>
            )}
            <Button
              kind="secondary"
              size="compact"
              loading={download.state === 'busy'}
              onClick={() => void onDownload()}
              data-testid="ledger-download"
            >
              Download CSV
            </Button>
          </div>
        </div>
        {ledger.isPending ? (
          <Loader size="small" />
        ) : ledger.isError && entries.length === 0 ? (
          <Text size="sm" className="wa-error-text" role="alert">
            Couldn't load the history. {errorMessage(ledger.error)}
          </Text>
        ) : entries.length === 0 ? (
          <Text size="sm" className="wa-muted">
            Nothing yet.
          </Text>
        ) : (
          <div className="wa-table-wrap wa-table-wrap--tall">
            <table className="wa-table" data-testid="ledger-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th className="wa-num">Conversations</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => {
                  const number = e.numberId ? numberLabel(e.numberId) : null;
                  return (
                    <tr key={e.id} data-testid="ledger-entry" data-reason={e.reason} data-delta={e.delta}>
                      <td>{formatDateTime(e.createdAt)}</td>
                      <td>
                        {REASON[e.reason]}
                        {number && <span className="wa-muted"> · {number}</span>}
                      </td>
                      <td className={`wa-num ${e.delta > 0 ? 'wa-success-text' : ''}`}>{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <LoadMore query={ledger} shown={entries.length} noun="movements" testId="ledger-load-more" />
          </div>
        )}
      </div>
    </Card>
  );
}
