import { Link, Loader, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
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
    <Card title="Account and terms">
      {account.isPending ? (
        <Loader size="small" />
      ) : account.isError ? (
        <Text className="wa-error-text" role="alert">
          Couldn't load the account. {errorMessage(account.error)}
        </Text>
      ) : (
        <dl className="wa-facts" data-testid="account-facts">
          <dt>Status</dt>
          <dd>
            <Tag kind={STATUS[account.data.status]?.kind ?? 'default'} size="small" data-testid="account-status">
              {STATUS[account.data.status]?.label ?? account.data.status}
            </Tag>
            {account.data.statusReason && <span className="wa-muted"> {account.data.statusReason}</span>}
          </dd>
          <dt>Customer since</dt>
          <dd>{formatDateTime(account.data.startedAt)}</dd>
          <dt>Terms</dt>
          <dd data-testid="terms-version">
            {account.data.terms.onVersion === null ? (
              <span className="wa-warning-text">Not accepted yet</span>
            ) : account.data.terms.onVersion === 'earlier' ? (
              <>
                Earlier version: you started before {formatTermsDate(account.data.terms.effectiveDate)}.{' '}
                {account.data.terms.earlierUrl && (
                  <Link href={account.data.terms.earlierUrl} target="_blank" rel="noopener noreferrer">
                    Read it
                  </Link>
                )}
              </>
            ) : (
              <>
                Version of {formatTermsDate(account.data.terms.effectiveDate)}
                {account.data.terms.accepted && (
                  <span className="wa-muted">
                    {' '}
                    · accepted by {account.data.terms.accepted.acceptedBy ?? 'the owner'} on{' '}
                    {formatDateTime(account.data.terms.accepted.acceptedAt)}
                  </span>
                )}{' '}
                <Link href={account.data.terms.currentUrl} target="_blank" rel="noopener noreferrer">
                  Read them
                </Link>
              </>
            )}
          </dd>
          <dt>Time zone</dt>
          <dd>{account.data.timeZone}</dd>
        </dl>
      )}
    </Card>
  );
}
