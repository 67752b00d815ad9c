import { Card, Loader, Text } from '@livechat/design-system-react-components';
import type { LedgerReason } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { useLedger } from '../api/get-ledger.ts';

const REASON: Record<LedgerReason, string> = {
  purchase: 'Package purchased',
  conversation_opened: 'Conversation opened',
  conversation_released: 'Conversation given back (message not delivered)',
  reservation: 'Reserved by a campaign',
  reservation_released: 'Campaign reservation released',
  forfeited: 'Forfeited',
  operator_credit: 'Credit from the service operator',
};

/** C.4: every movement of the balance, with its reason. */
export function LedgerHistory({ numberLabel }: { numberLabel: (numberId: string) => string | null }) {
  const ledger = useLedger();
  return (
    <Card title="History">
      {ledger.isPending ? (
        <Loader size="small" />
      ) : ledger.isError ? (
        <Text size="sm" className="wa-error-text" role="alert">
          Couldn't load the history. {errorMessage(ledger.error)}
        </Text>
      ) : ledger.data.entries.length === 0 ? (
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
              {ledger.data.entries.map((e) => {
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
        </div>
      )}
    </Card>
  );
}
