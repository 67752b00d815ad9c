import { useState } from 'react';
import { Button, Card, Input, Loader, Tag, Text } from '@livechat/design-system-react-components';
import type { Campaign, RecipientStatus } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useRecipients } from '../api/campaigns.ts';
import { RECIPIENT_STATUS, STATUS_ORDER } from '../utils/status.ts';

const PAGE = 25;

/** Step 8: every recipient's status, with the failure reason in plain language. */
export function RecipientsCard({ campaign }: { campaign: Campaign }) {
  const [status, setStatus] = useState<RecipientStatus | ''>('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const version = `${campaign.status}:${Object.values(campaign.counts).join('.')}`;
  const list = useRecipients(campaign.id, { status: status || undefined, q: q.trim() || undefined, offset, version });
  const total = list.data?.total ?? 0;
  return (
    <Card title="Recipients" data-testid="recipients-card">
      <div className="wa-stack">
        <div className="wa-row">
          <select
            className="wa-select wa-campaign-filter"
            aria-label="Status"
            data-testid="recipients-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as RecipientStatus | '');
              setOffset(0);
            }}
          >
            <option value="">Every status</option>
            {STATUS_ORDER.map((s) => (
              <option key={s} value={s}>
                {RECIPIENT_STATUS[s].label} ({campaign.counts[s].toLocaleString('en')})
              </option>
            ))}
          </select>
          <Input
            inputSize="compact"
            aria-label="Find a number"
            placeholder="Find a number"
            data-testid="recipients-search"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setOffset(0);
            }}
          />
        </div>
        {list.isPending ? (
          <Loader size="small" />
        ) : list.isError ? (
          <InlineAlert kind="error" role="alert" onRetry={() => void list.refetch()}>
            Couldn't load the recipients. {errorMessage(list.error)}
          </InlineAlert>
        ) : list.data.recipients.length === 0 ? (
          <Text size="sm" className="wa-muted">
            No recipient matches.
          </Text>
        ) : (
          <table className="wa-table" data-testid="recipients-table">
            <thead>
              <tr>
                <th>Line</th>
                <th>Customer</th>
                <th>Status</th>
                <th>Details</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.data.recipients.map((r) => (
                <tr key={r.id} data-testid={`recipient-${r.recipient}`}>
                  <td>{r.line}</td>
                  <td className="wa-table__mono">{formatPhone(r.recipient)}</td>
                  <td>
                    <Tag size="small" kind={RECIPIENT_STATUS[r.status].kind}>
                      {RECIPIENT_STATUS[r.status].label}
                    </Tag>
                  </td>
                  <td className="wa-table__reason">
                    {r.reason ?? (r.attempts > 1 ? `Sent after ${r.attempts} attempts` : '')}
                    {r.retryable && <span className="wa-muted"> (can be retried)</span>}
                  </td>
                  <td className="wa-muted">{r.updatedAt ? formatDateTime(r.updatedAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {total > PAGE && (
          <div className="wa-row wa-row--between">
            <Text size="sm" className="wa-muted">
              {(offset + 1).toLocaleString('en')}–{Math.min(offset + PAGE, total).toLocaleString('en')} of {total.toLocaleString('en')}
            </Text>
            <div className="wa-row">
              <Button kind="secondary" size="compact" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                Previous
              </Button>
              <Button kind="secondary" size="compact" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
                Next
              </Button>
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}
