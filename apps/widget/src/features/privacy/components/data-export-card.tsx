import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { downloadDataExport } from '../api/export-data.ts';

/**
 * L.11e: the owner downloads everything the app holds about the business (numbers, ledger, bills, message and
 * campaign metadata, opt-outs, the audit log, terms acceptances) to keep its own records or move elsewhere.
 */
export function DataExportCard() {
  const [state, setState] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({ state: 'idle' });

  async function onExport() {
    setState({ state: 'busy' });
    try {
      setState({ state: 'done', message: `Saved ${await downloadDataExport()}` });
    } catch (error) {
      setState({ state: 'error', message: errorMessage(error) });
    }
  }

  return (
    <Card title="Your data">
      <div className="wa-row wa-row--between">
        <Text size="sm" className="wa-muted">
          Everything we hold about your business, as a ZIP of JSON and CSV files: numbers, conversations ledger, bills, message and campaign
          metadata, opt-outs, the audit log and terms acceptances. We never store message text.
        </Text>
        <div className="wa-row wa-no-shrink">
          {state.message && (
            <Text
              as="span"
              size="sm"
              className={state.state === 'error' ? 'wa-error-text' : 'wa-muted'}
              role={state.state === 'error' ? 'alert' : undefined}
            >
              {state.message}
            </Text>
          )}
          <Button
            kind="secondary"
            size="compact"
            loading={state.state === 'busy'}
            onClick={() => void onExport()}
            data-testid="privacy-export"
          >
            Export all data
          </Button>
        </div>
      </div>
    </Card>
  );
}
