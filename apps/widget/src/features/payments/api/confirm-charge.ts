import { ConfirmChargeResponseSchema } from '@wa/contracts';
import { apiRequest } from '../../../lib/api-client.ts';

/** Asks the BFF to verify a charge with LiveChat's Billing API (activate, credit once); safe to repeat. */
export function confirmCharge(chargeId: string) {
  return apiRequest(`/api/billing/charges/${encodeURIComponent(chargeId)}/confirm`, ConfirmChargeResponseSchema, { method: 'POST' });
}
