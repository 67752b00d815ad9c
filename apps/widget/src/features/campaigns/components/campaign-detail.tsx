import { Button, Heading, Loader, Tag, Text } from '@livechat/design-system-react-components';
import { InlineAlert } from '../../../components/inline-alert.tsx';
import { errorMessage } from '../../../lib/api-client.ts';
import { formatPhone } from '../../../lib/format-phone.ts';
import { useCampaign, useDiscardDraft } from '../api/campaigns.ts';
import { CAMPAIGN_STATUS } from '../utils/status.ts';
import { CheckReportCard } from './check-report.tsx';
import { LaunchCard } from './launch-card.tsx';
import { ProgressCard } from './progress-card.tsx';
import { RecipientsCard } from './recipients-card.tsx';
import { TestSendCard } from './test-send.tsx';

const CATEGORY_LABEL = { marketing: 'Marketing', utility: 'Utility', authentication: 'Authentication' } as const;

/** One campaign: its check report and launch while a draft; its live progress and report once launched. */
export function CampaignDetail({ id, onBack, onBuyMore }: { id: string; onBack: () => void; onBuyMore?: (() => void) | undefined }) {
  const campaign = useCampaign(id);
  const discard = useDiscardDraft(id);
  if (campaign.isPending) return <Loader size="medium" />;
  if (campaign.isError) {
    return (
      <div className="wa-stack">
        <Button kind="link" onClick={onBack}>
          ← All campaigns
        </Button>
        <InlineAlert kind="error" role="alert" onRetry={() => void campaign.refetch()}>
          Couldn't load the campaign. {errorMessage(campaign.error)}
        </InlineAlert>
      </div>
    );
  }
  const c = campaign.data;
  const status = CAMPAIGN_STATUS[c.status];
  return (
    <div className="wa-stack" data-testid="campaign-detail">
      <div className="wa-row wa-row--between">
        <Button kind="link" onClick={onBack} data-testid="campaign-back">
          ← All campaigns
        </Button>
        {c.status === 'draft' && (
          <Button
            kind="plain"
            size="compact"
            loading={discard.isPending}
            data-testid="campaign-discard"
            onClick={() => discard.mutate(undefined, { onSuccess: onBack })}
          >
            Discard draft
          </Button>
        )}
      </div>
      <div className="wa-stack wa-stack--tight">
        <div className="wa-row">
          <Heading size="sm" as="h2" className="wa-section-title" data-testid="campaign-name-heading">
            {c.name}
          </Heading>
          <Tag kind={status.kind} data-testid="campaign-status">
            {status.label}
          </Tag>
        </div>
        <Text size="sm" className="wa-muted">
          {c.templateName} ({c.language}) ·{' '}
          <Tag size="small" kind={c.category === 'marketing' ? 'purple' : 'info'}>
            {CATEGORY_LABEL[c.category]}
          </Tag>{' '}
          · from {formatPhone(c.number)}
        </Text>
      </div>
      {c.status === 'draft' ? (
        <>
          <CheckReportCard campaign={c} />
          <div className="wa-grid wa-campaign-grid">
            <LaunchCard campaign={c} onBuyMore={onBuyMore} />
            <TestSendCard campaign={c} />
          </div>
        </>
      ) : (
        <>
          <ProgressCard campaign={c} />
          <RecipientsCard campaign={c} />
          <CheckReportCard campaign={c} collapsed />
        </>
      )}
    </div>
  );
}
