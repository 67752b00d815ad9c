import { Tag } from '@livechat/design-system-react-components';
import { PagedTableCard } from '../../../components/paged-table-card.tsx';
import type { Bill } from '@wa/contracts';
import { formatDate } from '../../../lib/format-date.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { downloadBillsCsv, useBills } from '../api/get-bills.ts';
import { BILL_STATUS } from '../utils/bill-status.ts';

function period(b: Bill): string {
  if (b.kind === 'direct') return 'one-time';
  return b.months === 12 ? 'per year' : b.months === 1 ? 'per month' : `every ${b.months} months`;
}

/** C.3: every charge with its date, item, price and status; the same as CSV. */
export function BillsCard() {
  const bills = useBills();
  const list = bills.data?.pages.flatMap((p) => p.bills) ?? [];
  return (
    <PagedTableCard
      title="Bills"
      intro="Charges appear on your LiveChat invoice."
      download={{ download: downloadBillsCsv, label: 'Download CSV', testId: 'bills-download', statusTestId: 'bills-download-status' }}
      query={bills}
      count={list.length}
      failed="Couldn't load the bills."
      empty="No charges yet."
      noun="bills"
      loadMoreTestId="bills-load-more"
      wrapClassName="wa-table-wrap"
    >
      <table className="wa-table" data-testid="bills-table">
        <thead>
          <tr>
            <th>Date</th>
            <th>Item</th>
            <th className="wa-num">Price</th>
            <th>Status</th>
            <th className="wa-num">Credited</th>
          </tr>
        </thead>
        <tbody>
          {list.map((b) => {
            const status = BILL_STATUS[b.status];
            return (
              <tr key={b.id} data-testid={`bill-${b.id}`}>
                <td>{formatDate(b.createdAt)}</td>
                <td>
                  <div>{b.description}</div>
                  {b.number && <div className="wa-muted wa-small">{formatPhone(b.number)}</div>}
                </td>
                <td className="wa-num">
                  {formatMoney(b.priceCents * b.quantity, b.currency)} <span className="wa-muted wa-small">{period(b)}</span>
                </td>
                <td>
                  <Tag size="small" kind={status.kind}>
                    {status.label}
                  </Tag>
                </td>
                <td className="wa-num">{b.kind === 'direct' ? b.credited.toLocaleString('en-US') : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </PagedTableCard>
  );
}
