import { useState, type ReactNode } from 'react';
import type { Template } from '@wa/contracts';
import { CampaignDetail } from './campaign-detail.tsx';
import { CampaignList } from './campaign-list.tsx';
import { NewCampaign } from './new-campaign.tsx';

/** The sending number and approved template a campaign uses, as chosen with the numbers and templates features. */
export interface TemplateChoice {
  numberId: string;
  /** E.164 of the sending number (its country is the default for national numbers). */
  number: string;
  canSend: boolean;
  template: Template;
}

export interface CampaignsScreenProps {
  /** The number and template pickers (they belong to other features; the app composes them in). */
  renderSource: (props: { value: TemplateChoice | null; onChange: (value: TemplateChoice | null) => void }) => ReactNode;
  /** The WhatsApp bubble preview of a template with values. */
  renderPreview: (template: Template, variables: string[]) => ReactNode;
  /** Opens the Billing tab (to buy conversations when the balance is short). */
  onBuyMore?: () => void;
}

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'campaign'; id: string };

/** The Campaigns tab: the list, a new campaign (file, mapping, check), and one campaign (launch, progress, report). */
export function CampaignsScreen({ renderSource, renderPreview, onBuyMore }: CampaignsScreenProps) {
  const [view, setView] = useState<View>({ kind: 'list' });
  if (view.kind === 'new') {
    return (
      <NewCampaign
        renderSource={renderSource}
        renderPreview={renderPreview}
        onCancel={() => setView({ kind: 'list' })}
        onCreated={(id) => setView({ kind: 'campaign', id })}
      />
    );
  }
  if (view.kind === 'campaign') {
    return <CampaignDetail id={view.id} onBack={() => setView({ kind: 'list' })} onBuyMore={onBuyMore} />;
  }
  return <CampaignList onNew={() => setView({ kind: 'new' })} onOpen={(id) => setView({ kind: 'campaign', id })} />;
}
