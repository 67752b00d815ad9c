import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import type { Campaign, RejectionKind } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { downloadRejected } from '../api/campaigns.ts';

const KIND_LABEL: Record<RejectionKind, string> = {
  invalid: 'Invalid',
  duplicate: 'Duplicate',
  opted_out: 'Opted out',
  restricted: 'Restricted',
  missing_variables: 'Missing value',
};

function Stat({
  label,
  value,
  tone,
  testId,
  hint,
}: {
  label: string;
  value: number;
  tone?: 'good' | 'bad' | 'warn';
  testId: string;
  hint?: string;
}) {
  return (
    <div className={`wa-stat${tone ? ` wa-stat--${tone}` : ''}`} data-testid={testId}>
      <span className="wa-stat__value">{value.toLocaleString('en')}</span>
      <span className="wa-stat__label">{label}</span>
      {hint && <span className="wa-stat__hint">{hint}</span>}
    </div>
  );
}

/** Step 3: what the check found, before anything is sent. */
export function CheckReportCard({ campaign, collapsed = false }: { campaign: Campaign; collapsed?: boolean }) {
  const r = campaign.report;
  const [open, setOpen] = useState(!collapsed);
  const [download, setDownload] = useState<{ state: 'idle' | 'busy' | 'error'; message?: string }>({ state: 'idle' });
  const rejectedTotal = r.invalid + r.duplicates + r.optedOut + r.restricted + r.missingVariables;

  const save = async () => {
    setDownload({ state: 'busy' });
    try {
      await downloadRejected(campaign.id);
      setDownload({ state: 'idle' });
    } catch (err) {
      setDownload({ state: 'error', message: errorMessage(err) });
    }
  };

  return (
    <Card title="Check report" data-testid="check-report">
      <div className="wa-stack">
        <div className="wa-stats">
          <Stat label="can be messaged" value={r.valid} tone="good" testId="report-valid" />
          <Stat label="invalid numbers" value={r.invalid} tone={r.invalid ? 'bad' : undefined} testId="report-invalid" />
          <Stat label="duplicates" value={r.duplicates} tone={r.duplicates ? 'warn' : undefined} testId="report-duplicates" />
          <Stat label="opted out" value={r.optedOut} tone={r.optedOut ? 'warn' : undefined} testId="report-opted-out" />
          {r.restricted > 0 && (
            <Stat label="restricted" value={r.restricted} tone="warn" testId="report-restricted" hint="at the customer's request" />
          )}
          <Stat label="missing values" value={r.missingVariables} tone={r.missingVariables ? 'bad' : undefined} testId="report-missing" />
          <Stat label="already open (free)" value={r.alreadyOpen} testId="report-open" />
        </div>
        <Text size="sm" data-testid="report-conversations">
          This campaign opens <strong>{r.needed.toLocaleString('en')}</strong> conversation{r.needed === 1 ? '' : 's'}; the balance was{' '}
          <strong>{r.balance.toLocaleString('en')}</strong> when checked.
          {r.missing > 0 && <span className="wa-error-text"> {r.missing.toLocaleString('en')} missing.</span>}{' '}
          <span className="wa-muted">({r.rows.toLocaleString('en')} rows read.)</span>
        </Text>
        {rejectedTotal > 0 && (
          <div className="wa-stack wa-stack--tight">
            <div className="wa-row wa-row--between">
              <Button kind="link" size="compact" onClick={() => setOpen((o) => !o)} data-testid="report-toggle">
                {open ? 'Hide' : 'Show'} the {rejectedTotal.toLocaleString('en')} rows left out
              </Button>
              <Button
                kind="secondary"
                size="compact"
                loading={download.state === 'busy'}
                data-testid="download-rejected"
                onClick={() => void save()}
              >
                Download rejected rows (CSV)
              </Button>
            </div>
            {open && (
              <DataTable columns={['Line', 'Phone', 'Problem', 'Why']} testId="rejected-rows">
                {r.rejected.slice(0, 20).map((row) => (
                  <tr key={row.line} data-testid={`rejected-line-${row.line}`}>
                    <td>{row.line}</td>
                    <td className="wa-table__mono">{row.phone || '—'}</td>
                    <td>{KIND_LABEL[row.kind]}</td>
                    <td>{row.reason}</td>
                  </tr>
                ))}
              </DataTable>
            )}
            {open && rejectedTotal > 20 && (
              <Text size="sm" className="wa-muted">
                The first 20 are shown; the CSV has all of them.
              </Text>
            )}
            {download.state === 'error' && (
              <InlineAlert kind="error" role="alert">
                Couldn't download the rows. {download.message}
              </InlineAlert>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
