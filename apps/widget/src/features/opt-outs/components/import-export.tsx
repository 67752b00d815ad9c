import { useRef, useState } from 'react';
import { Button, Icon, Text } from '@livechat/design-system-react-components';
import { FileDownload, FileUpload } from '@livechat/design-system-icons';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { saveFile } from '../../../lib/save-file.ts';
import { exportOptOuts, useImportOptOuts } from '../api/opt-outs.ts';
import { ReasonField } from './reason-field.tsx';

const MAX_BYTES = 1_000_000;

/**
 * CSV in and out. An import with a bad row imports nothing and lists every problem by line; the owner then
 * fixes the file, or imports the valid rows and skips the rest.
 */
export function ImportExport() {
  const importer = useImportOptOuts();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [defaultReason, setDefaultReason] = useState('');
  const [readError, setReadError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<{ state: 'idle' | 'busy' } | { state: 'error'; message: string }>({ state: 'idle' });

  const run = (csv: string, onInvalidRows: 'reject' | 'skip') =>
    importer.mutate({ csv, onInvalidRows, ...(defaultReason.trim() ? { defaultReason: defaultReason.trim() } : {}) });

  async function onFile(f: File | undefined) {
    importer.reset();
    setReadError(null);
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setReadError(`${f.name} is larger than 1 MB. Split it into smaller files.`);
      return;
    }
    const csv = await f.text();
    setFile({ name: f.name, csv });
    run(csv, 'reject');
  }

  async function onExport() {
    setExporting({ state: 'busy' });
    try {
      const r = await exportOptOuts();
      saveFile(r.blob, r.filename);
      setExporting({ state: 'idle' });
    } catch (err) {
      setExporting({ state: 'error', message: errorMessage(err) });
    }
  }

  const result = importer.data;
  return (
    <div className="wa-stack">
      <div className="wa-optouts__toolbar">
        <div className="wa-grow">
          <ReasonField
            id="wa-import-reason"
            label="Reason for imported rows without one"
            placeholder="e.g. Unsubscribed in our CRM"
            value={defaultReason}
            onChange={(e) => setDefaultReason(e.target.value)}
          />
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,text/csv,text/plain"
          hidden
          data-testid="opt-out-import-file"
          onChange={(e) => {
            void onFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <Button
          kind="secondary"
          size="compact"
          icon={<Icon source={FileUpload} />}
          loading={importer.isPending}
          onClick={() => fileInput.current?.click()}
          data-testid="opt-out-import"
        >
          Import CSV
        </Button>
        <Button
          kind="secondary"
          size="compact"
          icon={<Icon source={FileDownload} />}
          loading={exporting.state === 'busy'}
          onClick={() => void onExport()}
          data-testid="opt-out-export"
        >
          Export CSV
        </Button>
      </div>
      <Text size="sm" className="wa-muted">
        One phone number per row, with the country code (+44…), optionally followed by a reason: <code>phone,reason</code>. A header row is
        optional.
      </Text>
      {exporting.state === 'error' && (
        <InlineAlert kind="error" role="alert">
          Couldn't export the list. {exporting.message}
        </InlineAlert>
      )}
      {readError && (
        <InlineAlert kind="error" role="alert">
          {readError}
        </InlineAlert>
      )}
      {importer.isError && (
        <InlineAlert kind="error" role="alert" data-testid="opt-out-import-failed">
          Couldn't import {file?.name ?? 'the file'}. {errorMessage(importer.error)}
        </InlineAlert>
      )}
      {result && (
        <div data-testid="opt-out-import-result">
          <InlineAlert kind={result.imported ? (result.invalid.length ? 'warning' : 'success') : 'error'} role="status">
            {result.imported ? (
              <>
                Imported {file?.name}: {result.added} added{result.alreadyListed ? `, ${result.alreadyListed} already on the list` : ''}
                {result.invalid.length ? `, ${result.invalid.length} skipped` : ''}.
              </>
            ) : (
              <>
                Nothing was imported: {result.invalid.length === 1 ? '1 row has a problem' : `${result.invalid.length} rows have problems`}{' '}
                in {file?.name}. Fix the file and import it again, or skip those rows.
              </>
            )}
            {result.invalid.length > 0 && (
              <ul className="wa-csv-errors" data-testid="opt-out-import-errors">
                {result.invalid.slice(0, 200).map((e) => (
                  <li key={`${e.line}:${e.message}`}>
                    Line {e.line}: {e.message}
                  </li>
                ))}
                {result.invalid.length > 200 && <li>…and {result.invalid.length - 200} more.</li>}
              </ul>
            )}
          </InlineAlert>
          {!result.imported && file && result.rows > result.invalid.length && (
            <div className="wa-row" style={{ marginTop: 'var(--spacing-2)' }}>
              <Button
                kind="primary"
                size="compact"
                data-testid="opt-out-import-skip"
                loading={importer.isPending}
                onClick={() => run(file.csv, 'skip')}
              >
                Import the {result.rows - result.invalid.length} valid rows, skip the rest
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
