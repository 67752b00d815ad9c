import { EARLIER_TERMS_VERSION, type TermsState } from '@wa/contracts';
import type { AcceptanceRow, LifecycleRow } from './lifecycle.repo.ts';

export interface TermsConfig {
  version: string;
  url: string;
  /** YYYY-MM-DD. */
  effectiveDate: string;
  earlierUrl: string | null;
}

/**
 * When the business started with us: its first use (the organization's row) or, when earlier, the LiveChat
 * install date (application_installed) or the start an operator imported for a migrated customer.
 */
export function startOf(orgCreatedAt: Date, lifecycle: Pick<LifecycleRow, 'startedAt'> | null): Date {
  const known = lifecycle?.startedAt;
  return known && known < orgCreatedAt ? known : orgCreatedAt;
}

/** Midnight UTC of the effective date: a start on that day or later is under the terms in force. */
export function effectiveInstant(terms: TermsConfig): Date {
  return new Date(`${terms.effectiveDate}T00:00:00Z`);
}

/**
 * The terms' version history applied to one business. A business that started before the version in force, in
 * its first installation, stays on the earlier version. Anyone else (a new business, or one that reinstalled:
 * a new agreement under Part B) is on the current version once the owner accepts it, and must accept it before
 * anything can be bought or sent.
 */
export function termsStateOf(
  terms: TermsConfig,
  input: { startedAt: Date; installation: number; acceptance: AcceptanceRow | null },
): TermsState {
  const accepted = input.acceptance
    ? {
        version: input.acceptance.version,
        acceptedAt: input.acceptance.acceptedAt.toISOString(),
        accountId: input.acceptance.accountId,
        acceptedBy: input.acceptance.accountName,
      }
    : null;
  const legacy = input.installation === 1 && input.startedAt < effectiveInstant(terms);
  const onVersion = accepted ? accepted.version : legacy ? EARLIER_TERMS_VERSION : null;
  return {
    currentVersion: terms.version,
    currentUrl: terms.url,
    effectiveDate: terms.effectiveDate,
    earlierUrl: terms.earlierUrl,
    onVersion,
    acceptanceRequired: onVersion === null,
    accepted,
  };
}
