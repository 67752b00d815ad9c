import { useState } from 'react';
import { Input, Tag, Text } from '@livechat/design-system-react-components';
import type { Campaign, RecipientStatus } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { ListState } from '../../../lib/query-state.tsx';
import { LoadMore } from '../../../lib/load-more.tsx';
import { useRecipients } from '../api/campaigns.ts';
import { RECIPIENT_STATUS, STATUS_ORDER } from '../utils/status.ts';

/** Step 8: every recipient's status, with the failure reason in plain language. */
export function RecipientsCard({ campaign }: { campaign: Campaign }) {
  const [status, setStatus] = useState<RecipientStatus | ''>('');
  const [q, setQ] = useState('');
  const version = `${campaign.status}:${Object.values(campaign.counts).join('.')}`;
  const list = useRecipients(campaign.id, { status: status || undefined, q: q.trim() || undefined, version });
  const rows = list.data?.pages.flatMap((p) => p.recipients) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
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
            }}
          />
        </div>
        <ListState
          query={list}
          count={rows.length}
          failed="Couldn't load the recipients."
          empty="No recipient matches."
          onRetry={() => void list.refetch()}
        >
          <DataTable columns={['Line', 'Customer', 'Status', 'Details', 'Updated']} testId="recipients-table">
            {rows.map((r) => (
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
          </DataTable>
        </ListState>
        {rows.length > 0 && (
          <div className="wa-row wa-row--between">
            <LoadMore query={list} shown={rows.length} noun="recipients" testId="recipients-load-more" />
            {list.hasNextPage && (
              <Text size="sm" className="wa-muted" data-testid="recipients-total">
                {total.toLocaleString('en')} in all
              </Text>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
