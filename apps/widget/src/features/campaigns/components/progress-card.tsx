import { useState } from 'react';
import { Button, Input, ProgressBar, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { Campaign } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { downloadReport, useCancel, usePause, useResume, useRetryFailed } from '../api/campaigns.ts';
import { describePause, fromNow, RECIPIENT_STATUS, STATUS_ORDER } from '../utils/status.ts';

/** Step 8: live progress, with pause, resume, cancel, the report and "Retry failed". */
export function ProgressCard({ campaign: c }: { campaign: Campaign }) {
  const pause = usePause(c.id);
  const resume = useResume(c.id);
  const cancel = useCancel(c.id);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [retryOpen, setRetryOpen] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const { total, pending, sending } = c.counts;
  const done = total - pending - sending;
  const percent = total ? Math.round((done / total) * 100) : 0;
  const active = c.status === 'running' || c.status === 'scheduled' || c.status === 'paused';
  const actionError = pause.error ?? resume.error ?? cancel.error;

  return (
    <Card title="Progress" data-testid="progress-card">
      <div className="wa-stack">
        <div className="wa-stack wa-stack--tight">
          <div className="wa-row wa-row--between">
            <Text bold data-testid="progress-text">
              {done.toLocaleString('en')} of {total.toLocaleString('en')} handled ({percent}%)
            </Text>
            <Text size="sm" className="wa-muted" data-testid="progress-rate">
              {c.status === 'running' ? `${c.ratePerSecondNow.toLocaleString('en')} messages/s` : ''}
              {c.estimatedFinishAt && c.status !== 'paused'
                ? ` · ends ${fromNow(c.estimatedFinishAt)} (${formatDateTime(c.estimatedFinishAt)})`
                : ''}
            </Text>
          </div>
          <ProgressBar
            percent={percent}
            status={c.status === 'completed' ? 'success' : c.status === 'cancelled' ? 'error' : 'normal'}
            data-testid="progress-bar"
          />
        </div>
        <div className="wa-status-counts" data-testid="status-counts">
          {STATUS_ORDER.filter((s) => c.counts[s] > 0 || s === 'read' || s === 'failed').map((s) => (
            <Tag key={s} kind={c.counts[s] > 0 ? RECIPIENT_STATUS[s].kind : 'default'} data-testid={`count-${s}`}>
              {RECIPIENT_STATUS[s].label}: {c.counts[s].toLocaleString('en')}
            </Tag>
          ))}
        </div>
        {c.status === 'scheduled' && c.scheduledAt && (
          <Text size="sm">
            Starts {formatDateTime(c.scheduledAt)} ({fromNow(c.scheduledAt)}).
          </Text>
        )}
        {c.waitingForQuietHours > 0 && c.status === 'running' && (
          <Text size="sm" className="wa-muted" data-testid="quiet-hours-waiting">
            {c.waitingForQuietHours.toLocaleString('en')} customers are outside their allowed hours and wait for their next window.
          </Text>
        )}
        {c.status === 'paused' && (
          <InlineAlert kind="warning" data-testid="paused-note">
            {c.pausedReason
              ? `Paused automatically: ${describePause(c.pausedReason)} Resume when it is sorted out.`
              : 'Paused. Nobody else is messaged until you resume.'}
          </InlineAlert>
        )}
        {active && c.reserved > 0 && (
          <Text size="sm" className="wa-muted" data-testid="reserved-note">
            {c.reserved.toLocaleString('en')} conversation{c.reserved === 1 ? ' is' : 's are'} reserved for this campaign.
          </Text>
        )}
        {actionError && (
          <InlineAlert kind="error" role="alert">
            {errorMessage(actionError)}
          </InlineAlert>
        )}
        {confirmCancel ? (
          <InlineAlert kind="warning" data-testid="cancel-confirm">
            Cancel the campaign? Nobody else will be messaged, and the {c.reserved.toLocaleString('en')} reserved conversations go back to
            the balance.
            <div className="wa-row wa-campaign-actions">
              <Button
                kind="destructive"
                size="compact"
                data-testid="cancel-yes"
                loading={cancel.isPending}
                onClick={() => cancel.mutate(undefined, { onSuccess: () => setConfirmCancel(false) })}
              >
                Cancel the campaign
              </Button>
              <Button kind="secondary" size="compact" onClick={() => setConfirmCancel(false)}>
                Keep sending
              </Button>
            </div>
          </InlineAlert>
        ) : (
          <div className="wa-row wa-campaign-actions">
            {(c.status === 'running' || c.status === 'scheduled') && (
              <Button kind="secondary" data-testid="campaign-pause" loading={pause.isPending} onClick={() => pause.mutate(undefined)}>
                Pause
              </Button>
            )}
            {c.status === 'paused' && (
              <Button kind="primary" data-testid="campaign-resume" loading={resume.isPending} onClick={() => resume.mutate(undefined)}>
                Resume
              </Button>
            )}
            {active && (
              <Button kind="plain" data-testid="campaign-cancel" onClick={() => setConfirmCancel(true)}>
                Cancel campaign
              </Button>
            )}
            <Button
              kind="secondary"
              data-testid="campaign-export"
              onClick={() => {
                setExportError(null);
                downloadReport(c.id).catch((err: unknown) => setExportError(errorMessage(err)));
              }}
            >
              Export report (CSV)
            </Button>
            {c.retryable > 0 && c.status !== 'cancelled' && (
              <Button kind="secondary" data-testid="campaign-retry" onClick={() => setRetryOpen((o) => !o)}>
                Retry failed ({c.retryable.toLocaleString('en')})
              </Button>
            )}
          </div>
        )}
        {exportError && (
          <InlineAlert kind="error" role="alert">
            Couldn't export the report. {exportError}
          </InlineAlert>
        )}
        {retryOpen && c.retryable > 0 && <RetryFailed campaign={c} onDone={() => setRetryOpen(false)} />}
      </div>
    </Card>
  );
}

/**
 * "Retry failed": only failures worth retrying go again, each as a new message. The values of a sent message
 * were erased (Part G), so a template with variables needs the same file again.
 */
function RetryFailed({ campaign: c, onDone }: { campaign: Campaign; onDone: () => void }) {
  const retry = useRetryFailed(c.id);
  const [file, setFile] = useState<File | null>(null);
  const [fallbacks, setFallbacks] = useState<string[]>([]);
  const needsFile = c.variableCount > 0;
  return (
    <div className="wa-campaign-retry" data-testid="retry-panel">
      <Text size="sm">
        {c.retryable.toLocaleString('en')} failed message{c.retryable === 1 ? '' : 's'} can be sent again (failures that will not change,
        like a number without WhatsApp, are left out).
        {needsFile && ' Their personal values were erased after sending, as we keep no message content: choose the same CSV file again.'}
      </Text>
      {needsFile && (
        <div className="wa-stack wa-stack--tight">
          <label className="wa-file-pick">
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              data-testid="retry-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            <Text as="span" bold>
              {file ? file.name : 'Choose the CSV file…'}
            </Text>
          </label>
          {Array.from({ length: c.variableCount }, (_, i) => (
            <Input
              key={i}
              inputSize="compact"
              aria-label={`Fallback for {{${i + 1}}}`}
              placeholder={`Fallback for {{${i + 1}}} (optional)`}
              value={fallbacks[i] ?? ''}
              onChange={(e) => setFallbacks((f) => Object.assign([...f], { [i]: e.target.value }))}
            />
          ))}
        </div>
      )}
      {retry.isError && (
        <InlineAlert kind="error" role="alert">
          {errorMessage(retry.error)}
        </InlineAlert>
      )}
      <div className="wa-row wa-campaign-actions">
        <Button
          kind="primary"
          size="compact"
          data-testid="retry-confirm"
          disabled={(needsFile && !file) || retry.isPending}
          loading={retry.isPending}
          onClick={() =>
            retry.mutate({ file, fallbacks: Array.from({ length: c.variableCount }, (_, i) => fallbacks[i] ?? '') }, { onSuccess: onDone })
          }
        >
          Retry {c.retryable.toLocaleString('en')}
        </Button>
        <Button kind="plain" size="compact" onClick={onDone}>
          Not now
        </Button>
      </div>
    </div>
  );
}
