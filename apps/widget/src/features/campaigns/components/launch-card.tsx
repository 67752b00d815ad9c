import { useState } from 'react';
import { Button, FormField, Input, Text } from '@livechat/design-system-react-components';
import { ErrorCode, type Campaign } from '@wa/contracts';
import { Card } from '../../../components/card.tsx';
import { ChoiceControl } from '../../../components/choice-control.tsx';
import { Select } from '../../../components/select.tsx';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { ApiError, errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { useLaunch, usePlan } from '../api/campaigns.ts';
import { fromNow } from '../utils/status.ts';

/** datetime-local value for a Date, in the viewer's zone. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

const PACES = [
  { value: 'max', label: 'As fast as allowed', perSecond: undefined },
  { value: '60', label: '1 per second', perSecond: 1 },
  { value: '10', label: '10 per minute', perSecond: 10 / 60 },
] as const;

const WHEN = [
  { id: 'now', label: 'Send now' },
  { id: 'later', label: 'Schedule' },
] as const;

/** Steps 5–6: when and how fast, the conversations needed against the balance, the estimated end, and the launch. */
export function LaunchCard({ campaign, onBuyMore }: { campaign: Campaign; onBuyMore?: (() => void) | undefined }) {
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [at, setAt] = useState(() => localInput(new Date(Date.now() + 60 * 60_000)));
  const [pace, setPace] = useState<(typeof PACES)[number]['value']>('max');
  const [limit, setLimit] = useState<number | null>(null);
  const launch = useLaunch(campaign.id);
  const scheduledAt = when === 'later' && at ? new Date(at).toISOString() : undefined;
  const ratePerSecond = PACES.find((p) => p.value === pace)?.perSecond;
  const plan = usePlan(campaign.id, { scheduledAt, sendLimit: limit ?? undefined, ratePerSecond }, true);
  const p = plan.data;
  const short = !!p && p.missing > 0;
  const refusal = launch.error instanceof ApiError && launch.error.code === ErrorCode.insufficientBalance ? launch.error : null;

  return (
    <Card title="Launch" data-testid="launch-card">
      <div className="wa-stack">
        <ChoiceControl value={when} choices={WHEN} onChange={setWhen} />
        {when === 'later' && (
          <FormField labelText="Start at (your time)" labelFor="wa-campaign-at">
            <Input id="wa-campaign-at" type="datetime-local" data-testid="campaign-at" value={at} onChange={(e) => setAt(e.target.value)} />
          </FormField>
        )}
        <FormField labelText="Pace" labelFor="wa-campaign-pace">
          <Select id="wa-campaign-pace" data-testid="campaign-pace" options={PACES} value={pace} onValueChange={setPace} />
        </FormField>
        {limit !== null && (
          <div className="wa-row">
            <Text size="sm" data-testid="campaign-limit">
              Only the first <strong>{limit.toLocaleString('en')}</strong> recipients (file order).
            </Text>
            <Button kind="link" size="xcompact" onClick={() => setLimit(null)}>
              Send to everyone
            </Button>
          </div>
        )}
        {plan.isError ? (
          <InlineAlert kind="error" role="alert" onRetry={() => void plan.refetch()}>
            Couldn't work out the plan. {errorMessage(plan.error)}
          </InlineAlert>
        ) : p ? (
          <div className="wa-stack wa-stack--tight" data-testid="campaign-plan">
            <Text size="sm">
              <strong>{p.recipients.toLocaleString('en')}</strong> recipients · opens{' '}
              <strong data-testid="plan-needed">{p.needed.toLocaleString('en')}</strong> conversation{p.needed === 1 ? '' : 's'}
              {p.alreadyOpen > 0 && ` (${p.alreadyOpen.toLocaleString('en')} already open, free)`} · balance{' '}
              <strong data-testid="plan-balance">{p.balance.remaining.toLocaleString('en')}</strong>
            </Text>
            <Text size="sm" className="wa-muted" data-testid="plan-finish">
              {p.estimatedFinishAt
                ? `Estimated finish: ${formatDateTime(p.estimatedFinishAt)} (${fromNow(p.estimatedFinishAt)}), at about ${Math.round(p.ratePerSecond * 60).toLocaleString('en')} messages a minute.`
                : 'Some recipients have no allowed hours in the next two weeks.'}
            </Text>
            {p.quietHours && p.groups.length > 0 && (
              <DataTable
                columns={['Recipients in', 'Allowed hours (local)', 'Now']}
                className="wa-table--compact"
                testId="plan-quiet-hours"
              >
                {p.groups.map((g) => (
                  <tr key={g.key}>
                    <td>
                      {g.label} · {g.recipients.toLocaleString('en')}
                    </td>
                    <td>{g.hours}</td>
                    <td>
                      {g.allowedNow ? 'Allowed' : g.nextWindowAt ? `Waits until ${formatDateTime(g.nextWindowAt)}` : 'No window soon'}
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
            {short && (
              <InlineAlert kind="warning" data-testid="plan-short">
                {p.missing.toLocaleString('en')} conversation{p.missing === 1 ? ' is' : 's are'} missing. Buy more, or send to the first{' '}
                {p.affordable.toLocaleString('en')} recipients.
                <div className="wa-row wa-campaign-actions">
                  {p.affordable > 0 && (
                    <Button kind="secondary" size="compact" data-testid="plan-first-n" onClick={() => setLimit(p.affordable)}>
                      Send to the first {p.affordable.toLocaleString('en')}
                    </Button>
                  )}
                  {onBuyMore && (
                    <Button kind="plain" size="compact" onClick={onBuyMore}>
                      Buy conversations
                    </Button>
                  )}
                </div>
              </InlineAlert>
            )}
          </div>
        ) : (
          <Text size="sm" className="wa-muted">
            Working out the plan…
          </Text>
        )}
        {launch.error && (
          <InlineAlert kind="error" role="alert" data-testid="launch-error">
            {errorMessage(launch.error)}
            {refusal && onBuyMore && (
              <>
                {' '}
                <Button kind="link" size="xcompact" onClick={onBuyMore}>
                  Buy conversations
                </Button>
              </>
            )}
          </InlineAlert>
        )}
        <div className="wa-row wa-campaign-actions">
          <Button
            kind="primary"
            data-testid="campaign-launch"
            loading={launch.isPending}
            disabled={launch.isPending || (when === 'later' && !at)}
            onClick={() => launch.mutate({ scheduledAt: scheduledAt ?? null, sendLimit: limit, ratePerSecond: ratePerSecond ?? null })}
          >
            {when === 'later' ? 'Schedule' : 'Launch now'}
            {limit !== null ? ` (first ${limit.toLocaleString('en')})` : ''}
          </Button>
          <Text size="sm" className="wa-muted">
            The conversations it needs are reserved at launch; what is not used comes back at the end.
          </Text>
        </div>
      </div>
    </Card>
  );
}
