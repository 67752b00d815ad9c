import type { PlanStatus } from '@wa/contracts';

export const PLAN_STATUS: Record<PlanStatus, { label: string; kind: 'success' | 'warning' | 'error' | 'default' }> = {
  active: { label: 'Active', kind: 'success' },
  pending: { label: 'Awaiting payment', kind: 'warning' },
  past_due: { label: 'Payment overdue', kind: 'warning' },
  frozen: { label: 'Frozen', kind: 'error' },
  cancelled: { label: 'Cancelled', kind: 'default' },
  declined: { label: 'Payment declined', kind: 'error' },
};
