import { randomUUID } from 'node:crypto';
import type { SeedAccount, SeedOrganization } from '../seed.ts';
import {
  findAccount,
  findOrganization,
  type DirectCharge,
  type DirectChargeStatus,
  type RecurrentCharge,
  type RecurrentChargeStatus,
  type SandboxContext,
} from '../state.ts';
import { sendAppWebhook } from '../webhooks/app-webhooks.ts';

export class BillingError extends Error {
  constructor(
    readonly status: 404 | 422,
    readonly type: 'not_found' | 'invalid_state',
    message: string,
  ) {
    super(message);
  }
}

export interface Buyer {
  organization: SeedOrganization;
  account: SeedAccount;
  clientId: string;
}

const COMMISSION_PERCENT = 30;

function now(): string {
  return new Date().toISOString();
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/** What a charge of either kind is created with. */
interface ChargeInput {
  name: string;
  price: number;
  return_url: string;
  test?: boolean | undefined;
  per_account?: boolean | undefined;
}

function base(buyer: Buyer, origin: string, input: ChargeInput) {
  const id = randomUUID();
  const at = now();
  return {
    id,
    buyer_organization_id: buyer.organization.id,
    buyer_license_id: buyer.organization.license_id,
    buyer_account_id: buyer.account.account_id,
    buyer_entity_id: buyer.account.account_id,
    seller_client_id: buyer.clientId,
    order_client_id: buyer.clientId,
    order_organization_id: buyer.organization.id,
    order_license_id: String(buyer.organization.license_id),
    name: input.name,
    price: input.price,
    return_url: input.return_url,
    test: input.test ?? false,
    per_account: input.per_account ?? false,
    confirmation_url: `${origin}/billing/confirm/${id}`,
    commission_percent: COMMISSION_PERCENT,
    created_at: at,
    updated_at: at,
  };
}

export function createDirectCharge(
  ctx: SandboxContext,
  buyer: Buyer,
  origin: string,
  input: ChargeInput & { quantity: number },
): DirectCharge {
  const charge: DirectCharge = { ...base(buyer, origin, input), quantity: input.quantity, status: 'pending' };
  ctx.state.directCharges.set(charge.id, charge);
  return charge;
}

export function createRecurrentCharge(
  ctx: SandboxContext,
  buyer: Buyer,
  origin: string,
  input: ChargeInput & { months: number; trial_days: number },
): RecurrentCharge {
  const charge: RecurrentCharge = {
    ...base(buyer, origin, input),
    months: input.months,
    trial_days: input.trial_days,
    trial_ends_at: null,
    current_charge_at: null,
    next_charge_at: null,
    cancelled_at: null,
    status: 'pending',
  };
  ctx.state.recurrentCharges.set(charge.id, charge);
  return charge;
}

/** `organizationId` null means "any organization" (control surface). */
export function getDirect(ctx: SandboxContext, id: string, organizationId: string | null): DirectCharge {
  const charge = ctx.state.directCharges.get(id);
  if (!charge || (organizationId !== null && charge.buyer_organization_id !== organizationId)) {
    throw new BillingError(404, 'not_found', `Direct charge ${id} not found`);
  }
  return charge;
}

export function getRecurrent(ctx: SandboxContext, id: string, organizationId: string | null): RecurrentCharge {
  const charge = ctx.state.recurrentCharges.get(id);
  if (!charge || (organizationId !== null && charge.buyer_organization_id !== organizationId)) {
    throw new BillingError(404, 'not_found', `Recurrent charge ${id} not found`);
  }
  return charge;
}

function requireStatus<S extends string>(kind: string, charge: { id: string; status: S }, action: string, allowed: readonly S[]): void {
  if (!allowed.includes(charge.status)) {
    throw new BillingError(
      422,
      'invalid_state',
      `Cannot ${action} ${kind} charge ${charge.id}: status is '${charge.status}', allowed only from ${allowed
        .map((s) => `'${s}'`)
        .join(' or ')}`,
    );
  }
}

function setStatus<S extends string>(charge: { status: S; updated_at: string }, status: S): void {
  charge.status = status;
  charge.updated_at = now();
}

function webhookParties(charge: { buyer_organization_id: string; buyer_account_id: string; seller_client_id: string }) {
  const organization = findOrganization(charge.buyer_organization_id);
  if (!organization) throw new Error(`charge of unknown organization ${charge.buyer_organization_id}`);
  const userID = findAccount(charge.buyer_account_id)?.account.account_id ?? charge.buyer_account_id;
  return { organization, userID, clientID: charge.seller_client_id };
}

// --- direct -----------------------------------------------------------------------------------------------------

/** What the owner's approval in LiveChat does. */
export function acceptDirect(ctx: SandboxContext, id: string): DirectCharge {
  const charge = getDirect(ctx, id, null);
  requireStatus('direct', charge, 'accept', ['pending'] as DirectChargeStatus[]);
  setStatus(charge, 'accepted');
  return charge;
}

export function declineDirect(ctx: SandboxContext, id: string): DirectCharge {
  const charge = getDirect(ctx, id, null);
  requireStatus('direct', charge, 'decline', ['pending'] as DirectChargeStatus[]);
  setStatus(charge, 'declined');
  return charge;
}

/** Test control: the next activation of this charge ends in `failed`. */
export function markDirectToFail(ctx: SandboxContext, id: string): DirectCharge {
  const charge = getDirect(ctx, id, null);
  requireStatus('direct', charge, 'mark as failing', ['pending', 'accepted', 'processed'] as DirectChargeStatus[]);
  ctx.state.failOnActivate.add(id);
  return charge;
}

export function activateDirect(ctx: SandboxContext, id: string, organizationId: string): DirectCharge {
  const charge = getDirect(ctx, id, organizationId);
  requireStatus('direct', charge, 'activate', ['accepted'] as DirectChargeStatus[]);
  setStatus(charge, 'processed');
  ctx.scheduler.run(async () => {
    if (!(await ctx.scheduler.sleep(ctx.config.billingSettleDelayMs))) return;
    if (charge.status !== 'processed') return;
    if (ctx.state.failOnActivate.has(id)) {
      ctx.state.failOnActivate.delete(id);
      setStatus(charge, 'failed');
      return;
    }
    setStatus(charge, 'success');
    sendAppWebhook(ctx, 'payment_collected', {
      ...webhookParties(charge),
      payload: { paymentID: charge.id, total: charge.price * charge.quantity },
    });
  });
  return charge;
}

// --- recurrent --------------------------------------------------------------------------------------------------

export function acceptRecurrent(ctx: SandboxContext, id: string, organizationId: string | null): RecurrentCharge {
  const charge = getRecurrent(ctx, id, organizationId);
  requireStatus('recurrent', charge, 'accept', ['pending'] as RecurrentChargeStatus[]);
  setStatus(charge, 'accepted');
  return charge;
}

export function declineRecurrent(ctx: SandboxContext, id: string, organizationId: string | null): RecurrentCharge {
  const charge = getRecurrent(ctx, id, organizationId);
  requireStatus('recurrent', charge, 'decline', ['pending'] as RecurrentChargeStatus[]);
  setStatus(charge, 'declined');
  return charge;
}

function startPlan(charge: RecurrentCharge): void {
  const at = new Date();
  charge.current_charge_at = at.toISOString();
  if (charge.trial_days > 0) {
    const trialEnd = new Date(at.getTime() + charge.trial_days * 86_400_000);
    charge.trial_ends_at = trialEnd.toISOString();
    charge.next_charge_at = trialEnd.toISOString();
  } else {
    charge.next_charge_at = addMonths(at, charge.months).toISOString();
  }
}

export function activateRecurrent(ctx: SandboxContext, id: string, organizationId: string): RecurrentCharge {
  const charge = getRecurrent(ctx, id, organizationId);
  requireStatus('recurrent', charge, 'activate', ['accepted'] as RecurrentChargeStatus[]);
  setStatus(charge, 'active');
  startPlan(charge);
  sendAppWebhook(ctx, 'payment_activated', { ...webhookParties(charge), payload: { paymentID: charge.id } });
  return charge;
}

const NON_FINAL_RECURRENT: readonly RecurrentChargeStatus[] = ['pending', 'accepted', 'active', 'past_due', 'frozen'];

export function cancelRecurrent(ctx: SandboxContext, id: string, organizationId: string | null): RecurrentCharge {
  const charge = getRecurrent(ctx, id, organizationId);
  requireStatus('recurrent', charge, 'cancel', NON_FINAL_RECURRENT);
  setStatus(charge, 'cancelled');
  charge.cancelled_at = charge.updated_at;
  charge.next_charge_at = null;
  sendAppWebhook(ctx, 'payment_cancelled', { ...webhookParties(charge), payload: { paymentID: charge.id } });
  return charge;
}

/** Test control: force a plan into a state, as LiveChat's billing would (failed renewal, freeze, owner cancels). */
export function forceRecurrentStatus(
  ctx: SandboxContext,
  id: string,
  status: 'active' | 'past_due' | 'frozen' | 'cancelled',
): RecurrentCharge {
  const charge = getRecurrent(ctx, id, null);
  if (status === 'cancelled') return cancelRecurrent(ctx, id, null);
  const previous = charge.status;
  setStatus(charge, status);
  if (status === 'active') {
    charge.cancelled_at = null;
    if (!charge.next_charge_at) startPlan(charge);
    if (previous !== 'active') {
      sendAppWebhook(ctx, 'payment_activated', { ...webhookParties(charge), payload: { paymentID: charge.id } });
    }
  }
  return charge;
}

/** Test control: one billing cycle of an active plan; sends payment_collected and moves next_charge_at on. */
export function collectRecurrent(ctx: SandboxContext, id: string): RecurrentCharge {
  const charge = getRecurrent(ctx, id, null);
  requireStatus('recurrent', charge, 'collect', ['active', 'past_due'] as RecurrentChargeStatus[]);
  const at = new Date();
  charge.current_charge_at = at.toISOString();
  charge.next_charge_at = addMonths(at, charge.months).toISOString();
  setStatus(charge, 'active');
  sendAppWebhook(ctx, 'payment_collected', {
    ...webhookParties(charge),
    payload: { paymentID: charge.id, total: charge.price },
  });
  return charge;
}

export function listDirect(ctx: SandboxContext, organizationId: string | null, status?: string): DirectCharge[] {
  return [...ctx.state.directCharges.values()]
    .filter((c) => organizationId === null || c.buyer_organization_id === organizationId)
    .filter((c) => !status || c.status === status)
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export function listRecurrent(ctx: SandboxContext, organizationId: string | null, status?: string): RecurrentCharge[] {
  return [...ctx.state.recurrentCharges.values()]
    .filter((c) => organizationId === null || c.buyer_organization_id === organizationId)
    .filter((c) => !status || c.status === status)
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export function findAnyCharge(
  ctx: SandboxContext,
  id: string,
): { kind: 'direct'; charge: DirectCharge } | { kind: 'recurrent'; charge: RecurrentCharge } | undefined {
  const direct = ctx.state.directCharges.get(id);
  if (direct) return { kind: 'direct', charge: direct };
  const recurrent = ctx.state.recurrentCharges.get(id);
  if (recurrent) return { kind: 'recurrent', charge: recurrent };
  return undefined;
}
