import type { Template, TemplateStatus } from '@wa/contracts';
import { templateKey } from './template-key.ts';

export const STATUS_LABEL: Record<TemplateStatus, string> = {
  approved: 'Approved',
  pending: 'In review',
  rejected: 'Rejected',
  paused: 'Paused',
  disabled: 'Disabled',
};

/** Why WhatsApp will not take this template now, in words an agent understands; null when it is approved. */
export function statusReason(t: Pick<Template, 'status' | 'rejectedReason'>): string | null {
  switch (t.status) {
    case 'approved':
      return null;
    case 'pending':
      return "Waiting for WhatsApp's review.";
    case 'rejected':
      return `Rejected by WhatsApp${t.rejectedReason ? `: ${t.rejectedReason}` : ''}. An owner can fix it and submit it again.`;
    case 'paused':
      return 'Paused by WhatsApp because customers reported or ignored it. It can be sent again once WhatsApp lifts the pause.';
    case 'disabled':
      return 'Disabled by WhatsApp after repeated pauses. It can no longer be sent.';
  }
}

export interface TemplateAvailability {
  template: Template;
  key: string;
  /** Null when it can be sent from this number now. */
  reason: string | null;
}

/**
 * Every template the agent may see for a number, sendable first: not approved ones (with WhatsApp's reason)
 * and approved ones this number cannot send yet (`blocked`, e.g. its opt-out copy is in review) come after.
 * `hidden` ones (copies made for the opt-out instruction) are not shown at all.
 */
export function templateAvailability(
  templates: readonly Template[],
  hidden: ReadonlySet<string> = new Set(),
  blocked: ReadonlyMap<string, string> = new Map(),
): TemplateAvailability[] {
  return templates
    .filter((t) => !hidden.has(templateKey(t)))
    .map((t) => ({ template: t, key: templateKey(t), reason: statusReason(t) ?? blocked.get(templateKey(t)) ?? null }))
    .sort((a, b) => Number(a.reason !== null) - Number(b.reason !== null) || a.template.name.localeCompare(b.template.name));
}
