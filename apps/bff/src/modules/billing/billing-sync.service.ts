import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { BillingError, type BillingPort } from '../../providers/livechat-billing/billing.port.ts';
import type { BillingService, Caller } from './billing.service.ts';
import * as repo from './billing.repo.ts';
import { packageForRemoteCharge, packageItem } from './catalog.ts';
import type { TokenVault } from './token-vault.ts';

/** The app webhook as LiveChat sends it; only what we read. Unsigned: a hint, never a fact. */
const AppWebhookSchema = z.object({
  event: z.string().max(100),
  organizationID: z.string().max(100).optional(),
  payload: z.looseObject({ paymentID: z.string().max(100).optional() }).nullish(),
});

export const PAYMENT_EVENTS = ['payment_activated', 'payment_collected', 'payment_cancelled'] as const;

export type WebhookResult = 'settled' | 'synced' | 'noted' | 'ignored';

const REMEMBER_EVERY_MS = 60_000;

/**
 * Keeps charges in step with LiveChat when nobody is looking: the background sync, the app webhooks, and the one
 * LiveChat token they need. The Billing API accepts only a user's token and webhooks carry none, so the latest
 * owner's or admin's token is kept per organization, sealed with AES-256-GCM, only while the organization has
 * charges to watch (unsettled purchases, running plans) and never past its own expiry. Once nothing is left to
 * watch, or LiveChat refuses the token, it is deleted; the next owner or admin request stores a fresh one.
 */
export class BillingSyncService {
  private readonly lastRemembered = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly billing: BillingService,
    private readonly port: BillingPort,
    private readonly vault: TokenVault,
    private readonly options: { clientId: string; testCharges: boolean },
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Keeps the caller's token for the sync. `force` when the caller just created or confirmed a charge; otherwise
   * at most once a minute per organization, and only when there is something to watch.
   */
  async remember(caller: Caller, force = false): Promise<void> {
    if (!caller.tokenExpiresAt || caller.tokenExpiresAt <= this.now().getTime()) return;
    const at = this.now().getTime();
    if (!force) {
      const last = this.lastRemembered.get(caller.organizationId);
      if (last !== undefined && at - last < REMEMBER_EVERY_MS) return;
      this.lastRemembered.set(caller.organizationId, at);
      if ((await this.billing.watchedCharges(caller.organizationId)).length === 0) return;
    }
    await repo.upsertCredential(this.db, {
      organizationId: caller.organizationId,
      accountId: caller.accountId,
      tokenCiphertext: this.vault.seal(caller.organizationId, caller.token),
      expiresAt: new Date(caller.tokenExpiresAt),
    });
  }

  /** The kept token of an organization, or null (none, expired, or sealed by another key). */
  keptToken(organizationId: string): Promise<{ token: string; sealed: string } | null> {
    return repo.openKeptToken(this.db, this.vault, organizationId, this.now());
  }

  /**
   * One pass of the background sync over every organization we hold a token for: adopt package charges nobody
   * told us about, settle every watched charge (activate, credit, mirror plans, cancel stale ones), then drop
   * tokens that are no longer needed.
   */
  async sweep(): Promise<{ organizations: number; settled: number; adopted: number; dropped: number }> {
    const stats = { organizations: 0, settled: 0, adopted: 0, dropped: await repo.deleteExpiredCredentials(this.db, this.now()) };
    for (const cred of await repo.listCredentials(this.db)) {
      const org = cred.organizationId;
      const token = this.vault.open(org, cred.tokenCiphertext);
      if (!token) {
        await repo.deleteCredential(this.db, org, cred.tokenCiphertext);
        stats.dropped++;
        continue;
      }
      stats.organizations++;
      try {
        const r = await this.syncOrganization(org, token);
        stats.settled += r.settled;
        stats.adopted += r.adopted;
      } catch (err) {
        if (err instanceof BillingError && err.status === 401) {
          await repo.deleteCredential(this.db, org, cred.tokenCiphertext);
          stats.dropped++;
          continue;
        }
        this.log.warn({ organizationId: org, err: (err as Error).message }, 'billing sync of an organization failed');
        continue;
      }
      if ((await this.billing.watchedCharges(org)).length === 0) {
        await repo.deleteCredential(this.db, org, cred.tokenCiphertext);
        this.lastRemembered.delete(org);
        stats.dropped++;
      }
    }
    if (stats.organizations || stats.dropped) this.log.info(stats, 'billing sync');
    return stats;
  }

  /** Settles every watched charge of one organization. A refused token (401) stops the pass and is rethrown. */
  async syncOrganization(organizationId: string, token: string): Promise<{ settled: number; adopted: number }> {
    const adopted = await this.adoptUnknownPackages(organizationId, token);
    let settled = 0;
    for (const charge of await this.billing.watchedCharges(organizationId)) {
      try {
        await this.billing.refresh(charge, token);
        settled++;
      } catch (err) {
        if (err instanceof BillingError && err.status === 401) throw err;
        this.log.warn({ chargeId: charge.id, err: (err as Error).message }, 'charge sync failed');
      }
    }
    return { settled, adopted };
  }

  /**
   * Package charges in LiveChat that we hold no record of (we crashed between creating one and saving it) are
   * recognised by the exact name and price our catalog gives them, and taken in, so that a paid one is credited.
   */
  private async adoptUnknownPackages(organizationId: string, token: string): Promise<number> {
    const remote = await this.port.listDirectCharges(token);
    if (remote.length === 0) return 0;
    const known = new Set((await repo.listChargeIds(this.db, organizationId)).map((c) => c.id));
    let adopted = 0;
    for (const r of remote) {
      if (known.has(r.id) || r.test !== this.options.testCharges) continue;
      const seller = r.raw.seller_client_id;
      if (typeof seller === 'string' && seller !== this.options.clientId) continue;
      const pkg = packageForRemoteCharge(this.billing.catalog, r);
      if (!pkg) continue;
      await repo.insertCharge(this.db, {
        id: r.id,
        organizationId,
        kind: 'direct',
        item: packageItem(pkg),
        name: r.name,
        priceCents: pkg.price,
        quantity: 1,
        conversations: pkg.conversations,
        status: 'pending',
        createdBy: 'sync',
        ...(typeof r.raw.created_at === 'string' ? { createdAt: new Date(r.raw.created_at) } : {}),
      });
      this.log.info({ organizationId, chargeId: r.id }, 'adopted a package charge nobody told us about');
      adopted++;
    }
    return adopted;
  }

  /**
   * A LiveChat app webhook: for payment events, re-fetch the named charge with the organization's kept token and
   * settle it. Without a token it is only noted: the next owner request or sync pass will see the same charge.
   */
  async onAppWebhook(body: unknown): Promise<WebhookResult> {
    const parsed = AppWebhookSchema.safeParse(body);
    if (!parsed.success) return 'ignored';
    const { event, organizationID, payload } = parsed.data;
    if (!(PAYMENT_EVENTS as readonly string[]).includes(event) || !organizationID) return 'ignored';
    const chargeId = payload?.paymentID;
    const charge = chargeId ? await repo.findCharge(this.db, chargeId) : undefined;
    if (charge && charge.organizationId !== organizationID) return 'ignored';
    const kept = await this.keptToken(organizationID);
    if (!kept) return 'noted';
    try {
      if (charge) {
        await this.billing.refresh(charge, kept.token);
        return 'settled';
      }
      await this.syncOrganization(organizationID, kept.token);
      return 'synced';
    } catch (err) {
      if (err instanceof BillingError && err.status === 401) {
        await repo.deleteCredential(this.db, organizationID, kept.sealed);
        return 'noted';
      }
      throw err;
    }
  }
}
