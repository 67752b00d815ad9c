import type { ChargeStatus } from '@wa/contracts';

export const BILL_STATUS: Record<ChargeStatus, { label: string; kind: 'success' | 'warning' | 'error' | 'default' | 'info' }> = {
  pending: { label: 'Awaiting approval', kind: 'default' },
  accepted: { label: 'Approved', kind: 'info' },
  processed: { label: 'Processing', kind: 'info' },
  success: { label: 'Paid', kind: 'success' },
  failed: { label: 'Failed', kind: 'error' },
  declined: { label: 'Declined', kind: 'error' },
  active: { label: 'Active', kind: 'success' },
  past_due: { label: 'Payment overdue', kind: 'warning' },
  frozen: { label: 'Frozen', kind: 'error' },
  cancelled: { label: 'Cancelled', kind: 'default' },
};
