import { Tag } from '@livechat/design-system-react-components';
import type { Bill } from '@wa/contracts';
import { PagedTableCard } from '../../../components/paged-table-card.tsx';
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
      columns={['Date', 'Item', { label: 'Price', className: 'wa-num' }, 'Status', { label: 'Credited', className: 'wa-num' }]}
      tableTestId="bills-table"
    >
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
    </PagedTableCard>
  );
}
