import { useEffect, useState } from 'react';
import { Loader, Text } from '@livechat/design-system-react-components';
import type { WhatsAppNumber } from '@wa/contracts';
import { InlineAlert } from '../../components/inline-alert.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { QueryState } from '../../lib/query-state.tsx';
import { useMe } from '../../features/auth/api/get-me.ts';
import { useCatalog } from '../../features/catalog/api/get-catalog.ts';
import { CampaignsScreen, type TemplateChoice } from '../../features/campaigns/components/campaigns-screen.tsx';
import { useNumbers } from '../../features/numbers/api/get-numbers.ts';
import { SendingNumberField } from '../../features/numbers/components/sending-number-field.tsx';
import { useTemplates } from '../../features/templates/api/get-templates.ts';
import { TemplateField } from '../../features/templates/components/template-field.tsx';
import { TemplatePreview } from '../../features/templates/components/template-preview.tsx';
import { useOptOutInstruction } from '../../features/opt-outs/api/get-opt-out-instruction.ts';
import { templateKey } from '../../features/templates/utils/template-key.ts';
import { templateAvailability } from '../../features/templates/utils/template-status.ts';
import { templateRules } from '../details/template-rules.ts';
import './campaigns.css';

/** The number and template of a campaign, with the numbers and templates features' own fields. */
function CampaignSource({ value, onChange }: { value: TemplateChoice | null; onChange: (v: TemplateChoice | null) => void }) {
  const numbers = useNumbers();
  const catalog = useCatalog();
  const list: WhatsAppNumber[] = numbers.data ?? [];
  const [numberId, setNumberId] = useState<string | null>(value?.numberId ?? null);
  const number = list.find((n) => n.id === numberId) ?? list.find((n) => n.canSend) ?? list[0] ?? null;
  const templates = useTemplates(number?.id ?? null);
  const instruction = useOptOutInstruction(number?.id ?? null);
  const list_ = templates.data?.templates ?? [];
  // Marketing templates go out as their copy with the opt-out instruction when the number uses one (F.4).
  const rules = templateRules(list_, instruction.data);
  const [key, setKey] = useState<string | null>(value ? templateKey(value.template) : null);
  const template =
    templateAvailability(list_, rules.hidden, rules.blocked).find((a) => a.key === key && a.reason === null)?.template ?? null;

  useEffect(() => {
    const next = number && template ? { numberId: number.id, number: number.number, canSend: number.canSend, template } : null;
    if (next?.numberId !== value?.numberId || next?.template !== value?.template) onChange(next);
  }, [number, template, value, onChange]);

  if (numbers.isPending) return <Loader size="small" />;
  if (numbers.isError) {
    return (
      <InlineAlert kind="error" role="alert" onRetry={() => void numbers.refetch()}>
        Couldn't load the numbers. {errorMessage(numbers.error)}
      </InlineAlert>
    );
  }
  if (!number) return <Text className="wa-muted">Connect a WhatsApp number first (Numbers tab).</Text>;
  return (
    <div className="wa-stack">
      <SendingNumberField
        numbers={list}
        value={number.id}
        onChange={(id) => {
          setNumberId(id);
          setKey(null);
        }}
      />
      {(() => {
        // F.1: the number's plan must include campaigns (the BFF refuses otherwise); say so before the upload.
        const plan = catalog.data?.plans.find((p) => p.id === number.plan?.planId);
        if (!plan || plan.limits.campaigns) return null;
        const better = catalog.data!.plans.filter((p) => p.limits.campaigns).map((p) => p.name);
        return (
          <InlineAlert kind="warning" role="status" data-testid="campaign-plan-limit">
            The {plan.name} plan of this number does not include campaigns.
            {better.length ? ` Choose the ${better.join(' or ')} plan for it in Numbers.` : ''}
          </InlineAlert>
        );
      })()}
      <QueryState query={templates} failed="Couldn't load the templates." onRetry={() => void templates.refetch()}>
        {(data) => (
          <TemplateField
            numberId={number.id}
            templates={data.templates}
            syncedAt={data.syncedAt}
            hidden={rules.hidden}
            blocked={rules.blocked}
            value={key}
            onChange={setKey}
          />
        )}
      </QueryState>
    </div>
  );
}

/** Campaigns tab: owners and admins send a template to a CSV of customers. */
export default function CampaignsPage({ onNavigate }: { onNavigate?: (pageId: string) => void }) {
  const me = useMe();
  if (me.isPending) return <Loader size="small" />;
  if (me.data && !me.data.canManage) {
    return (
      <InlineAlert kind="info" data-testid="campaigns-managers-only">
        Only the owner or an administrator of your LiveChat organization can run campaigns.
      </InlineAlert>
    );
  }
  return (
    <CampaignsScreen
      renderSource={(props) => <CampaignSource {...props} />}
      renderPreview={(template, variables) => <TemplatePreview template={template} variables={variables} />}
      {...(onNavigate ? { onBuyMore: () => onNavigate('billing') } : {})}
    />
  );
}
