export type DirectChargeStatus = 'pending' | 'accepted' | 'declined' | 'processed' | 'success' | 'failed';
export type RecurrentChargeStatus = 'pending' | 'accepted' | 'declined' | 'active' | 'past_due' | 'frozen' | 'cancelled';

export interface DirectCharge {
  id: string;
  name: string;
  price: number;
  quantity: number;
  status: DirectChargeStatus;
  test: boolean;
  confirmationUrl: string | null;
  raw: Record<string, unknown>;
}

export interface RecurrentCharge {
  id: string;
  name: string;
  price: number;
  months: number;
  status: RecurrentChargeStatus;
  test: boolean;
  nextChargeAt: Date | null;
  cancelledAt: Date | null;
  confirmationUrl: string | null;
  raw: Record<string, unknown>;
}

/** LiveChat Billing API v3 (product livechat), called with the owner's LiveChat token. */
export interface BillingPort {
  createDirectCharge(
    token: string,
    input: { name: string; price: number; quantity: number; returnUrl: string; test: boolean },
  ): Promise<DirectCharge>;
  getDirectCharge(token: string, id: string): Promise<DirectCharge | null>;
  activateDirectCharge(token: string, id: string): Promise<DirectCharge>;
  createRecurrentCharge(
    token: string,
    input: { name: string; price: number; months: number; returnUrl: string; test: boolean; trialDays?: number },
  ): Promise<RecurrentCharge>;
  getRecurrentCharge(token: string, id: string): Promise<RecurrentCharge | null>;
  activateRecurrentCharge(token: string, id: string): Promise<RecurrentCharge>;
  cancelRecurrentCharge(token: string, id: string): Promise<RecurrentCharge>;
  /** Every direct charge of the token's organization (all pages). */
  listDirectCharges(token: string): Promise<DirectCharge[]>;
}

export class BillingError extends Error {
  constructor(
    message: string,
    public readonly status: number,
  ) {
    super(message);
  }
}
