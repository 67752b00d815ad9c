import { Card } from '../../../components/card.tsx';
import { DownloadRow } from '../../../lib/download-button.tsx';
import { downloadDataExport } from '../api/export-data.ts';

/**
 * L.11e: the owner downloads everything the app holds about the business (numbers, ledger, bills, message and
 * campaign metadata, opt-outs, the audit log, terms acceptances) to keep its own records or move elsewhere.
 */
export function DataExportCard() {
  return (
    <Card title="Your data">
      <DownloadRow
        intro="Everything we hold about your business, as a ZIP of JSON and CSV files: numbers, conversations ledger, bills, message and campaign metadata, opt-outs, the audit log and terms acceptances. We never store message text."
        download={downloadDataExport}
        label="Export all data"
        testId="privacy-export"
      />
    </Card>
  );
}
