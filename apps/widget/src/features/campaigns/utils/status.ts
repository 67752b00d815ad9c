import { describeRecipientReason, type CampaignStatus, type RecipientStatus } from '@wa/contracts';

type TagKind = 'default' | 'info' | 'warning' | 'success' | 'error' | 'purple';

export const CAMPAIGN_STATUS: Record<CampaignStatus, { label: string; kind: TagKind }> = {
  draft: { label: 'Draft', kind: 'default' },
  scheduled: { label: 'Scheduled', kind: 'info' },
  running: { label: 'Sending', kind: 'info' },
  paused: { label: 'Paused', kind: 'warning' },
  completed: { label: 'Completed', kind: 'success' },
  cancelled: { label: 'Cancelled', kind: 'default' },
};

export const RECIPIENT_STATUS: Record<RecipientStatus, { label: string; kind: TagKind }> = {
  pending: { label: 'Waiting', kind: 'default' },
  sending: { label: 'Sending', kind: 'info' },
  confirming: { label: 'Confirming', kind: 'warning' },
  sent: { label: 'Sent', kind: 'info' },
  delivered: { label: 'Delivered', kind: 'success' },
  read: { label: 'Read', kind: 'success' },
  failed: { label: 'Failed', kind: 'error' },
  skipped: { label: 'Skipped', kind: 'warning' },
  cancelled: { label: 'Cancelled', kind: 'default' },
};

/** Order of the counters in the progress card. */
export const STATUS_ORDER: RecipientStatus[] = [
  'pending',
  'sending',
  'confirming',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
];

const PAUSE_REASONS: Record<string, string> = {
  template_not_approved: 'The template is no longer approved by WhatsApp.',
  number_not_active: "The number's plan is not active, so it cannot send.",
  sending_revoked: 'Sending from this number was revoked by the service operator.',
  organization_inactive: 'Your WhatsApp Business account is not active.',
};

/** Why we paused a campaign ourselves, in words. */
export function describePause(code: string): string {
  return PAUSE_REASONS[code] ?? describeRecipientReason(code).message;
}

/** "in 3 min", "in 2 h 5 min", "in 1 day", for an ETA. */
export function fromNow(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (ms <= 30_000) return 'in a moment';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `in ${h} h ${min % 60} min`;
  const d = Math.round(h / 24);
  return `in ${d} day${d === 1 ? '' : 's'}`;
}
