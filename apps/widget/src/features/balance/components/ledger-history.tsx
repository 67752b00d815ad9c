import type { LedgerReason } from '@wa/contracts';
import { PagedTableCard } from '../../../components/paged-table-card.tsx';
import { formatDateTime } from '../../../lib/format-date.ts';
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
  return (
    <PagedTableCard
      title="History"
      intro="Every purchase, conversation and reservation, newest first."
      download={{ download: downloadLedgerCsv, label: 'Download CSV', testId: 'ledger-download', statusTestId: 'ledger-download-status' }}
      query={ledger}
      count={entries.length}
      failed="Couldn't load the history."
      empty="Nothing yet."
      noun="movements"
      loadMoreTestId="ledger-load-more"
      wrapClassName="wa-table-wrap wa-table-wrap--tall"
      columns={['When', 'What', { label: 'Conversations', className: 'wa-num' }]}
      tableTestId="ledger-table"
    >
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
    </PagedTableCard>
  );
}
