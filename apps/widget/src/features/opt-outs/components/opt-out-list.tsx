import { useState } from 'react';
import { Button, SearchInput, Tag, Text } from '@livechat/design-system-react-components';
import type { OptOut } from '@wa/contracts';
import { DataTable } from '../../../components/data-table.tsx';
import { formatPhone } from '../../../lib/format-phone.ts';
import { ListState } from '../../../lib/query-state.tsx';
import { LoadMore } from '../../../lib/load-more.tsx';
import { useOptOuts, useRemoveOptOut } from '../api/opt-outs.ts';
import { formatDay, SOURCE_LABEL } from '../utils/source-label.ts';

const PAGE = 25;

function RemoveButton({ optOut }: { optOut: OptOut }) {
  const remove = useRemoveOptOut();
  const [confirming, setConfirming] = useState(false);
  const id = optOut.recipient;
  if (!confirming) {
    return (
      <Button kind="text" size="compact" data-testid={`opt-out-remove-${id}`} onClick={() => setConfirming(true)}>
        Remove
      </Button>
    );
  }
  return (
    <div className="wa-row" style={{ justifyContent: 'flex-end' }}>
      <Text as="span" size="sm" className="wa-muted">
        Message them again?
      </Text>
      <Button
        kind="destructive"
        size="compact"
        data-testid={`opt-out-remove-confirm-${id}`}
        loading={remove.isPending}
        onClick={() => remove.mutate(id, { onSettled: () => setConfirming(false) })}
      >
        Remove
      </Button>
      <Button kind="text" size="compact" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
    </div>
  );
}

/** The suppression list: search by any part of the number, load more, remove. */
export function OptOutList() {
  const [q, setQ] = useState('');
  const list = useOptOuts({ q, limit: PAGE });
  const rows = list.data?.pages.flatMap((p) => p.optOuts) ?? [];
  const total = list.data?.pages[0]?.total;

  return (
    <div className="wa-stack">
      <div className="wa-row wa-row--between">
        <div style={{ width: 320, maxWidth: '100%' }}>
          <SearchInput
            value={q}
            placeholder="Search by phone number"
            aria-label="Search by phone number"
            data-testid="opt-out-search"
            isLoading={list.isFetching && !list.isPending}
            onChange={(value) => setQ(value)}
          />
        </div>
        {total !== undefined && (
          <Text as="span" size="sm" className="wa-muted" data-testid="opt-outs-total">
            {total === 1 ? '1 customer' : `${total.toLocaleString('en-US')} customers`}
            {q.trim() ? ' match' : ' opted out'}
          </Text>
        )}
      </div>
      <ListState
        query={list}
        count={rows.length}
        failed="Couldn't load the list."
        empty={q.trim() ? 'No opted-out number matches.' : 'Nobody has opted out yet. Customers who reply STOP appear here.'}
        emptyTestId="opt-outs-empty"
        size="md"
      >
        <DataTable columns={['Phone number', 'How', 'Reason', 'Since', { ariaLabel: 'Actions' }]} testId="opt-out-table">
          {rows.map((o) => (
            <tr key={o.recipient} data-testid={`opt-out-row-${o.recipient}`}>
              <td className="wa-nowrap">
                <Text as="span" bold>
                  {formatPhone(o.recipient)}
                </Text>
              </td>
              <td>
                <Tag size="small" kind={o.source === 'keyword' || o.source === 'button' ? 'warning' : 'default'}>
                  {SOURCE_LABEL[o.source]}
                </Tag>
              </td>
              <td>
                <Text as="span" size="sm" className={o.reason ? '' : 'wa-muted'}>
                  {o.reason ?? '—'}
                </Text>
              </td>
              <td className="wa-nowrap">
                <Text as="span" size="sm">
                  {formatDay(o.createdAt)}
                </Text>
              </td>
              <td className="wa-table__actions">
                <RemoveButton optOut={o} />
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      {rows.length > 0 && list.hasNextPage && <LoadMore query={list} shown={rows.length} noun="customers" testId="opt-outs-load-more" />}
    </div>
  );
}
