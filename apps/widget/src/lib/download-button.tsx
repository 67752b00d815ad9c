import type { ReactNode } from 'react';
import { useState } from 'react';
import { Button, Text } from '@livechat/design-system-react-components';
import { errorMessage } from './api-client.ts';

/**
 * A button that builds and saves a file (a CSV export, the data export), then says where it went or why it failed.
 * `download` resolves with the saved file's name.
 */
export function DownloadButton({
  download,
  label,
  testId,
  statusTestId,
}: {
  download: () => Promise<string>;
  label: string;
  testId: string;
  statusTestId?: string;
}) {
  const [state, setState] = useState<{ state: 'idle' | 'busy' | 'done' | 'error'; message?: string }>({ state: 'idle' });

  async function onDownload() {
    setState({ state: 'busy' });
    try {
      setState({ state: 'done', message: `Saved ${await download()}` });
    } catch (error) {
      setState({ state: 'error', message: errorMessage(error) });
    }
  }

  return (
    <div className="wa-row wa-no-shrink">
      {state.message && (
        <Text
          as="span"
          size="sm"
          className={state.state === 'error' ? 'wa-error-text' : 'wa-muted'}
          role={state.state === 'error' ? 'alert' : undefined}
          data-testid={statusTestId}
        >
          {state.message}
        </Text>
      )}
      <Button kind="secondary" size="compact" loading={state.state === 'busy'} onClick={() => void onDownload()} data-testid={testId}>
        {label}
      </Button>
    </div>
  );
}

/** A card's first row: what the list holds, and its export. */
export function DownloadRow({ intro, ...button }: { intro: ReactNode } & Parameters<typeof DownloadButton>[0]) {
  return (
    <div className="wa-row wa-row--between">
      <Text size="sm" className="wa-muted">
        {intro}
      </Text>
      <DownloadButton {...button} />
    </div>
  );
}
