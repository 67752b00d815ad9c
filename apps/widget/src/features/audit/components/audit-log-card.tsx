import { PagedTableCard } from '../../../components/paged-table-card.tsx';
import { formatDateTime } from '../../../lib/format-date.ts';
import { downloadAuditCsv, useAudit } from '../api/get-audit.ts';
import { describeAction, describeActor, describeDetails } from '../utils/describe-event.ts';

/** Every money, number, permission and lifecycle event of the business, newest first; the same as CSV. */
export function AuditLogCard({ selfAccountId }: { selfAccountId?: string | undefined }) {
  const events = useAudit();
  const list = events.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <PagedTableCard
      title="Audit log"
      intro="Who did what, and when, with money, numbers, permissions and the account."
      download={{ download: downloadAuditCsv, label: 'Export CSV', testId: 'audit-download' }}
      query={events}
      count={list.length}
      failed="Couldn't load the log."
      empty="Nothing recorded yet."
      noun="events"
      loadMoreTestId="audit-load-more"
      wrapClassName="wa-audit-wrap"
      columns={['When', 'Who', 'What', 'Details']}
      tableTestId="audit-table"
    >
      {list.map((e) => (
        <tr key={e.id} data-testid="audit-row" data-action={e.action}>
          <td className="wa-nowrap">{formatDateTime(e.at)}</td>
          <td>{describeActor(e, selfAccountId)}</td>
          <td>{describeAction(e.action)}</td>
          <td className="wa-muted">{describeDetails(e)}</td>
        </tr>
      ))}
    </PagedTableCard>
  );
}
