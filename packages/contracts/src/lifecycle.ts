import { z } from 'zod';
import { isoDate, namedObject } from './schema-builders.ts';

// ---- account status (F.2, J) and terms (version history) -------------------------------------------------------

/**
 * Where a business stands with us. `suspended` (F.2, J) is reversible; `terminated` (F.2) and `uninstalled`
 * (C.5, E: uninstall, or the LiveChat account closed or cancelled) mean access to conversations is lost.
 */
export const AccountStatusSchema = z.enum(['active', 'suspended', 'terminated', 'uninstalled']);
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/** Why a business lost access (Part E). */
export const LossCauseSchema = z.enum(['uninstalled', 'livechat_account_closed', 'livechat_account_cancelled', 'terminated']);
export type LossCause = z.infer<typeof LossCauseSchema>;

/**
 * Versions of the terms, oldest first. Customers who started before a version's effective date stay on the
 * version before it (the terms' "History of changes"); `earlier` names everything before 2024-05-09.
 */
export const TermsVersionSchema = z.string().min(1).max(40);
export const EARLIER_TERMS_VERSION = 'earlier';

export const TermsStateSchema = z.object({
  /** The version in force (TERMS_VERSION, an ISO date: its effective date). */
  currentVersion: TermsVersionSchema,
  currentUrl: z.url(),
  effectiveDate: z.iso.date(),
  /** The earlier version's page, when configured. */
  earlierUrl: z.url().nullable(),
  /** The version this business is on: the current one once accepted, `earlier` when it started before it, null while it must still accept. */
  onVersion: TermsVersionSchema.nullable(),
  /** True until the owner accepts: nothing can be bought or sent meanwhile. */
  acceptanceRequired: z.boolean(),
  accepted: z
    .object({
      version: TermsVersionSchema,
      acceptedAt: isoDate,
      accountId: z.string(),
      /** Name or e-mail of the account that accepted, as LiveChat gave them then. */
      acceptedBy: z.string().nullable(),
    })
    .nullable(),
});
export type TermsState = z.infer<typeof TermsStateSchema>;

export const AccountSchema = namedObject('Account', {
  organizationId: z.string(),
  status: AccountStatusSchema,
  /** The operator's reason, when one was given (shown to the business). */
  statusReason: z.string().nullable(),
  statusChangedAt: isoDate.nullable(),
  /** When the business started with us: its first use, or the LiveChat install date when that is earlier. */
  startedAt: isoDate,
  /** The business's time zone (IANA), used for the 14-day money-back window; recorded when the terms are accepted. */
  timeZone: z.string(),
  terms: TermsStateSchema,
  /** Whether messages can be sent and plans or packages bought right now, and if not, why (in words and as a code). */
  canSend: z.boolean(),
  canBuy: z.boolean(),
  blockedReason: z.string().nullable(),
  blockedCode: z.string().nullable(),
  /** Whether the signed-in account may accept the terms (the organization's owner). */
  canAcceptTerms: z.boolean(),
});
export type Account = z.infer<typeof AccountSchema>;

export const AcceptTermsRequestSchema = namedObject('AcceptTermsRequest', {
  /** The version the owner read; must be the one in force. */
  version: TermsVersionSchema,
  /** The owner's time zone (IANA), recorded as the business's time zone if none is set yet. */
  timeZone: z.string().min(1).max(64).optional(),
});
export type AcceptTermsRequest = z.infer<typeof AcceptTermsRequestSchema>;

/** What uninstalling (or closing the LiveChat account) would take away right now (C.5, E). */
export const LossPreviewSchema = namedObject('LossPreview', {
  remainingConversations: z.number().int().nonnegative(),
  /** Conversations running campaigns hold in reserve; forfeited too. */
  reservedConversations: z.number().int().nonnegative(),
  numbers: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      displayName: z.string(),
      /** The plan's charge that would be cancelled, if it is still running. */
      planChargeId: z.string().nullable(),
      planName: z.string().nullable(),
    }),
  ),
});
export type LossPreview = z.infer<typeof LossPreviewSchema>;
