import { Button, Heading, Loader, ProgressBar, Tag, Text } from '@livechat/design-system-react-components';
import { Card } from '../../../components/card.tsx';
import type { CampaignSummary } from '@wa/contracts';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format-date.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useCampaigns } from '../api/campaigns.ts';
import { CAMPAIGN_STATUS } from '../utils/status.ts';

function progressOf(c: CampaignSummary) {
  const { total, pending, sending } = c.counts;
  const done = total - pending - sending;
  return { done, total, percent: total ? Math.round((done / total) * 100) : 0 };
}

function when(c: CampaignSummary): string {
  if (c.status === 'scheduled' && c.scheduledAt) return `Starts ${formatDateTime(c.scheduledAt)}`;
  if (c.finishedAt) return `Finished ${formatDateTime(c.finishedAt)}`;
  if (c.launchedAt) return `Started ${formatDateTime(c.launchedAt)}`;
  return `Checked ${formatDateTime(c.createdAt)}`;
}

export function CampaignList({ onNew, onOpen }: { onNew: () => void; onOpen: (id: string) => void }) {
  const campaigns = useCampaigns();
  return (
    <div className="wa-stack">
      <div className="wa-row wa-row--between">
        <div className="wa-stack wa-stack--tight">
          <Heading size="sm" as="h2" className="wa-section-title">
            Campaigns
          </Heading>
          <Text size="sm" className="wa-muted">
            Send an approved template to up to 100,000 customers from a CSV file, paced under WhatsApp's limits.
          </Text>
        </div>
        <Button kind="primary" data-testid="campaign-new" onClick={onNew}>
          New campaign
        </Button>
      </div>
      {campaigns.isPending ? (
        <Loader size="medium" />
      ) : campaigns.isError ? (
        <InlineAlert kind="error" role="alert" onRetry={() => void campaigns.refetch()}>
          Couldn't load the campaigns. {errorMessage(campaigns.error)}
        </InlineAlert>
      ) : campaigns.data.length === 0 ? (
        <Card>
          <div className="wa-stack wa-campaign-empty" data-testid="campaigns-empty">
            <Text bold>No campaigns yet</Text>
            <Text size="sm" className="wa-muted">
              Upload a list of customers, check it, and send them an approved template. You see every recipient's status as it goes.
            </Text>
          </div>
        </Card>
      ) : (
        <ul className="wa-campaign-list" data-testid="campaign-list">
          {campaigns.data.map((c) => {
            const p = progressOf(c);
            const status = CAMPAIGN_STATUS[c.status];
            return (
              <li key={c.id}>
                <button type="button" className="wa-campaign-list__item" data-testid={`campaign-${c.id}`} onClick={() => onOpen(c.id)}>
                  <div className="wa-stack wa-stack--tight wa-grow">
                    <div className="wa-row">
                      <Text as="span" bold className="wa-ellipsis">
                        {c.name}
                      </Text>
                      <Tag size="small" kind={status.kind}>
                        {status.label}
                      </Tag>
                    </div>
                    <Text as="span" size="sm" className="wa-muted">
                      {c.templateName} · {formatPhone(c.number)} · {when(c)}
                    </Text>
                  </div>
                  <div className="wa-campaign-list__progress">
                    <Text as="span" size="sm" className="wa-muted">
                      {c.status === 'draft'
                        ? `${c.counts.total.toLocaleString('en')} recipients`
                        : `${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')}`}
                    </Text>
                    {c.status !== 'draft' && (
                      <ProgressBar percent={p.percent} size="small" status={c.status === 'completed' ? 'success' : 'normal'} />
                    )}
                  </div>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
