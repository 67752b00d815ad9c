import { Link, Tag } from '@livechat/design-system-react-components';
import { QueryCard } from '../../../components/query-card.tsx';
import { formatDateTime } from '../../../lib/format-date.ts';
import { useAccount } from '../api/get-account.ts';
import { formatTermsDate } from './terms-date.ts';

const STATUS: Record<string, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  active: { label: 'Active', kind: 'success' },
  suspended: { label: 'Suspended', kind: 'warning' },
  terminated: { label: 'Terminated', kind: 'error' },
  uninstalled: { label: 'Uninstalled', kind: 'default' },
};

/** The business's standing and which version of the terms it is on (the terms' history of changes). */
export function TermsCard() {
  const account = useAccount();
  return (
    <QueryCard title="Account and terms" query={account} failed="Couldn't load the account.">
      {(data) => (
        <dl className="wa-facts" data-testid="account-facts">
          <dt>Status</dt>
          <dd>
            <Tag kind={STATUS[data.status]?.kind ?? 'default'} size="small" data-testid="account-status">
              {STATUS[data.status]?.label ?? data.status}
            </Tag>
            {data.statusReason && <span className="wa-muted"> {data.statusReason}</span>}
          </dd>
          <dt>Customer since</dt>
          <dd>{formatDateTime(data.startedAt)}</dd>
          <dt>Terms</dt>
          <dd data-testid="terms-version">
            {data.terms.onVersion === null ? (
              <span className="wa-warning-text">Not accepted yet</span>
            ) : data.terms.onVersion === 'earlier' ? (
              <>
                Earlier version: you started before {formatTermsDate(data.terms.effectiveDate)}.{' '}
                {data.terms.earlierUrl && (
                  <Link href={data.terms.earlierUrl} target="_blank" rel="noopener noreferrer">
                    Read it
                  </Link>
                )}
              </>
            ) : (
              <>
                Version of {formatTermsDate(data.terms.effectiveDate)}
                {data.terms.accepted && (
                  <span className="wa-muted">
                    {' '}
                    · accepted by {data.terms.accepted.acceptedBy ?? 'the owner'} on {formatDateTime(data.terms.accepted.acceptedAt)}
                  </span>
                )}{' '}
                <Link href={data.terms.currentUrl} target="_blank" rel="noopener noreferrer">
                  Read them
                </Link>
              </>
            )}
          </dd>
          <dt>Time zone</dt>
          <dd>{data.timeZone}</dd>
        </dl>
      )}
    </QueryCard>
  );
}
