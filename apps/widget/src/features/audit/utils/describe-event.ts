import type { AuditEvent } from '@wa/contracts';

const WHAT: Record<string, string> = {
  'terms.accepted': 'Terms accepted',
  'account.suspended': 'Account suspended',
  'account.restored': 'Account restored',
  'account.terminated': 'Account terminated',
  'account.uninstalled': 'App uninstalled',
  'account.livechat_closed': 'LiveChat account closed',
  'account.reinstalled': 'App installed again',
  'account.installed': 'App installed',
  'account.start_date_set': 'Start date set',
  'number.sending_revoked': 'Sending revoked',
  'number.sending_restored': 'Sending restored',
  'number.disconnected': 'Number disconnected',
  'plan.cancelled': 'Plan cancelled',
  'conversations.purchased': 'Conversations bought',
  'conversations.forfeited': 'Conversations forfeited',
  'conversations.credited': 'Conversations credited',
  'refund.requested': 'Refund requested',
  'refund.refused_ineligible': 'Refund not covered',
  'refund.approved': 'Refund approved',
  'refund.refused': 'Refund refused',
  'refund.paid': 'Refund paid',
  'campaign.cancelled': 'Campaign cancelled',
  'template.submitted': 'Template submitted for review',
  'template.status_changed': 'Template status changed',
  'template.deleted': 'Template deleted',
};

/** The action in words; unknown actions (other modules add theirs) read as they are. */
export function describeAction(action: string): string {
  return WHAT[action] ?? action;
}

export function describeActor(e: Pick<AuditEvent, 'actorType' | 'actorId'>, selfAccountId?: string): string {
  switch (e.actorType) {
    case 'operator':
      return 'Service operator';
    case 'livechat':
      return 'LiveChat';
    case 'system':
      return 'Automatic';
    case 'account':
      return e.actorId && e.actorId === selfAccountId ? 'You' : 'A member of your team';
  }
}

const KEYS: [string, (v: unknown) => string][] = [
  ['conversations', (v) => `${v} conversations`],
  ['forfeited', (v) => `${v} conversations forfeited`],
  ['number', (v) => String(v)],
  ['reason', (v) => `reason: ${v}`],
  ['condition', (v) => `condition: ${String(v).replaceAll('_', ' ')}`],
  ['amountCents', (v) => `${(Number(v) / 100).toFixed(2)}`],
  ['currency', (v) => String(v)],
  ['version', (v) => `version ${v}`],
  ['cause', (v) => String(v).replaceAll('_', ' ')],
];

/** A short line from the event's metadata. */
export function describeDetails(e: Pick<AuditEvent, 'metadata'>): string {
  const parts: string[] = [];
  for (const [key, show] of KEYS) {
    const v = e.metadata[key];
    if (v !== undefined && v !== null && v !== '') parts.push(show(v));
  }
  // "29.00 · USD" reads better as "29.00 USD".
  return parts.join(' · ').replace(/(\d\.\d{2}) · ([A-Z]{3})\b/, '$1 $2');
}
