import { useState } from 'react';
import { Button, Loader, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { Bill } from '@wa/contracts';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDate } from '../../../lib/format-date.ts';
import { formatMoney } from '../../../lib/format-money.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { LoadMore } from '../../../lib/load-more.tsx';
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
  const [download, setDownload] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({ state: 'idle' });

  async function onDownload() {
    setDownload({ state: 'busy' });
    try {
      const name = await downloadBillsCsv();
      setDownload({ state: 'done', message: `Saved ${name}` });
    } catch (error) {
      setDownload({ state: 'error', message: errorMessage(error) });
    }
  }

  return (
    <Card title="Bills">
      <div className="wa-stack">
        <div className="wa-row wa-row--between">
          <Text size="sm" className="wa-muted">
            Charges appear on your LiveChat invoice.
          </Text>
          <div className="wa-row">
            {download.message && (
              <Text
                as="span"
                size="sm"
                className={download.state === 'error' ? 'wa-error-text' : 'wa-muted'}
                data-testid="bills-download-status"
              >
                {download.message}
              </Text>
            )}
            <Button
              kind="secondary"
              size="compact"
              loading={download.state === 'busy'}
              onClick={() => void onDownload()}
              data-testid="bills-download"
            >
              Download CSV
            </Button>
          </div>
        </div>
        {bills.isPending ? (
          <Loader size="small" />
        ) : bills.isError && list.length === 0 ? (
          <Text size="sm" className="wa-error-text" role="alert">
            Couldn't load the bills. {errorMessage(bills.error)}
          </Text>
        ) : list.length === 0 ? (
          <Text size="sm" className="wa-muted">
            No charges yet.
          </Text>
        ) : (
          <div className="wa-table-wrap">
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
            <LoadMore query={bills} shown={list.length} noun="bills" testId="bills-load-more" />
          </div>
        )}
      </div>
    </Card>
  );
}
