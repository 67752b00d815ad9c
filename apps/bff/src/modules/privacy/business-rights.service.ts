import { randomBytes } from 'node:crypto';
import type { BusinessContact, BusinessContactResponse, DataDeletion } from '@wa/contracts';
import { eq } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, Tx } from '../../db/client.ts';
import { businessContacts, businessDataDeletions, organizations } from '../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { actorLabel, actors, audit, type Actor } from '../audit/audit.ts';
import type { Identity } from '../auth/auth.service.ts';
import { lockLedgerIn } from '../ledger/ledger.service.ts';
import { forgetOrganization } from '../organizations/organization-cache.ts';
import { q } from './raw-sql.ts';

export const BUSINESS_DELETION_JOB = 'business-data-deletion';

export const BUSINESS_AUDIT = {
  contactUpdated: 'business.contact_updated',
  deletionRequested: 'business.data_deletion_requested',
  deletionWithdrawn: 'business.data_deletion_withdrawn',
  dataDeleted: 'business.data_deleted',
} as const;

/**
 * What deleting a business's data removes, in order (children before parents). Every table holding an
 * organization's rows is either here or in KEPT_TABLES; a test fails when a new table is in neither.
 */
export const DELETED_TABLES: readonly { table: string; where: string }[] = [
  { table: 'message_events', where: 'message_id in (select id from messages where organization_id = $1)' },
  { table: 'messages', where: 'organization_id = $1' },
  { table: 'conversations', where: 'organization_id = $1' },
  { table: 'customer_windows', where: 'organization_id = $1' },
  { table: 'campaign_rejections', where: 'campaign_id in (select id from campaigns where organization_id = $1)' },
  { table: 'campaign_recipients', where: 'organization_id = $1' },
  { table: 'campaigns', where: 'organization_id = $1' },
  { table: 'opt_outs', where: 'organization_id = $1' },
  { table: 'recipient_restrictions', where: 'organization_id = $1' },
  { table: 'number_opt_out_settings', where: 'organization_id = $1' },
  // WhatsApp chats in LiveChat: mappings, dedupe keys, settings and the sealed LiveChat authorization.
  { table: 'relay_chats', where: 'organization_id = $1' },
  { table: 'relay_identities', where: 'organization_id = $1' },
  { table: 'relay_inbound', where: 'organization_id = $1' },
  { table: 'relay_outbound', where: 'organization_id = $1' },
  { table: 'relay_numbers', where: 'organization_id = $1' },
  { table: 'relay_authorizations', where: 'organization_id = $1' },
  { table: 'templates', where: 'number_id in (select id from numbers where organization_id = $1)' },
  { table: 'numbers', where: 'organization_id = $1' },
  { table: 'terms_acceptances', where: 'organization_id = $1' },
  { table: 'business_contacts', where: 'organization_id = $1' },
  // Audit events other than money and lifecycle ones (those are kept below).
  {
    table: 'audit_events',
    where: `organization_id = $1 and split_part(action, '.', 1) not in ('conversations', 'refund', 'plan', 'account', 'business')`,
  },
];

/**
 * Kept after a deletion, with why. The ledger and bills are accounting records (RETENTION_ACCOUNTING_YEARS);
 * the organization row, its lifecycle and the deletion record say that it happened. The billing credential is
 * kept only while a plan cancellation is still owed to LiveChat, then removed (see `afterPlanCancellations`).
 */
export const KEPT_TABLES: Record<string, string> = {
  organizations: 'the business’s id and status (its secret is replaced)',
  organization_lifecycle: 'installation dates and why access ended',
  business_data_deletions: 'the record of this deletion',
  ledger_entries: 'accounting',
  ledger_accounts: 'accounting (the running totals of the ledger entries)',
  api_rate_limits: 'not the business’s data: a request counter per organization that expires within a minute',
  charges: 'accounting',
  refunds: 'accounting',
  plan_cancellations: 'accounting',
  audit_events: 'money and lifecycle events (accounting)',
  billing_credentials: 'only while a plan cancellation is still owed to LiveChat',
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * The business's own rights (L.11a–b): see and correct its contact data, and have its data deleted after it
 * uninstalls, except what the retention duty keeps (docs/privacy.md, "Data retention").
 */
export class BusinessRightsService {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'RETENTION_ACCOUNTING_YEARS'>,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- contact data ---------------------------------------------------------------------------------------------

  async contact(organizationId: string, identity: Pick<Identity, 'name' | 'email'>): Promise<BusinessContactResponse> {
    const [row] = await this.db.select().from(businessContacts).where(eq(businessContacts.organizationId, organizationId));
    return {
      contact: row
        ? {
            companyName: row.companyName,
            contactName: row.contactName,
            email: row.email,
            phone: row.phone,
            address: row.address,
            taxId: row.taxId,
          }
        : null,
      updatedAt: iso(row?.updatedAt),
      suggested: { contactName: identity.name, email: identity.email },
    };
  }

  async updateContact(
    organizationId: string,
    input: BusinessContact,
    actor: Actor,
    identity: Pick<Identity, 'name' | 'email'>,
  ): Promise<BusinessContactResponse> {
    await this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(businessContacts).where(eq(businessContacts.organizationId, organizationId)).for('update');
      const values = { ...input, updatedBy: actorLabel(actor), updatedAt: this.now() };
      await tx
        .insert(businessContacts)
        .values({ organizationId, ...values })
        .onConflictDoUpdate({ target: businessContacts.organizationId, set: values });
      const changed = (Object.keys(input) as (keyof BusinessContact)[]).filter((k) => (before?.[k] ?? null) !== input[k]);
      // Which fields changed, never their values (the audit log holds no contact data).
      if (changed.length)
        await audit.record(tx, {
          organizationId,
          actor,
          action: BUSINESS_AUDIT.contactUpdated,
          target: { type: 'organization', id: organizationId },
          metadata: { fields: changed },
        });
    });
    return this.contact(organizationId, identity);
  }

  // ---- deletion after uninstall ------------------------------------------------------------------------------------

  async deletion(organizationId: string, conn: Db | Tx = this.db): Promise<DataDeletion> {
    const [row] = await conn.select().from(businessDataDeletions).where(eq(businessDataDeletions.organizationId, organizationId));
    const years = this.config.RETENTION_ACCOUNTING_YEARS;
    return {
      status: row?.status ?? 'none',
      appInstalled: !(await this.lostAccess(conn, organizationId)),
      requestedAt: iso(row?.requestedAt),
      requestedBy: row?.requestedBy ?? null,
      doneAt: iso(row?.doneAt),
      deleted: row?.deleted ?? null,
      kept: [
        {
          data: 'Conversation ledger (purchases, conversations used, credits, forfeits)',
          why: 'Accounting and tax records',
          keptForYears: years,
        },
        { data: 'Bills and refunds', why: 'Accounting and tax records', keptForYears: years },
        { data: 'Money and account events of the audit log', why: 'Evidence for the accounting records', keptForYears: years },
        {
          data: 'Your business id, install and uninstall dates',
          why: 'To know the business was deleted and start any reinstall from zero',
          keptForYears: null,
        },
      ],
    };
  }

  /**
   * The business asks for its data to be deleted: at once if it no longer has access (uninstalled, closed or
   * terminated), else as soon as it uninstalls. Asking again changes nothing.
   */
  async requestDeletion(organizationId: string, actor: Actor): Promise<DataDeletion> {
    const lost = await this.db.transaction(async (tx) => {
      await lockLedgerIn(tx, organizationId);
      const [row] = await tx.select().from(businessDataDeletions).where(eq(businessDataDeletions.organizationId, organizationId));
      const values = { status: 'requested' as const, requestedBy: actorLabel(actor), requestedAt: this.now(), doneAt: null, deleted: null };
      if (!row) await tx.insert(businessDataDeletions).values({ organizationId, ...values });
      else if (row.status === 'done' && (await this.hasDataSince(tx, organizationId, row.doneAt!)))
        await tx.update(businessDataDeletions).set(values).where(eq(businessDataDeletions.organizationId, organizationId));
      else return this.lostAccess(tx, organizationId);
      await audit.record(tx, {
        organizationId,
        actor,
        action: BUSINESS_AUDIT.deletionRequested,
        target: { type: 'organization', id: organizationId },
      });
      return this.lostAccess(tx, organizationId);
    });
    if (lost) await this.deleteNow(organizationId);
    return this.deletion(organizationId);
  }

  /** Withdraws a request that has not run yet. */
  async withdrawDeletion(organizationId: string, actor: Actor): Promise<DataDeletion> {
    await this.db.transaction(async (tx) => {
      const row = await this.lockDeletion(tx, organizationId);
      if (!row || row.status !== 'requested') throw errors.conflict('There is no pending request to delete your data.');
      await tx.delete(businessDataDeletions).where(eq(businessDataDeletions.organizationId, organizationId));
      await audit.record(tx, {
        organizationId,
        actor,
        action: BUSINESS_AUDIT.deletionWithdrawn,
        target: { type: 'organization', id: organizationId },
      });
    });
    return this.deletion(organizationId);
  }

  /** For operators: the business asked (by e-mail, after uninstalling); it must no longer have access. */
  async deleteOnRequestOfLostBusiness(organizationId: string, actor: Actor): Promise<DataDeletion> {
    const [org] = await this.db.select({ status: organizations.status }).from(organizations).where(eq(organizations.id, organizationId));
    if (!org) throw errors.notFound('The business');
    if (org.status !== 'uninstalled' && org.status !== 'terminated') {
      throw errors.conflict(
        'This business still has the app installed; its data is deleted only after it uninstalls (or it can ask for that in the app).',
      );
    }
    return this.requestDeletion(organizationId, actor);
  }

  /**
   * Runs every requested deletion whose business has lost access. Called after an uninstall webhook and by the
   * periodic sweep; safe on several instances at once (each deletion locks its row).
   */
  async runDue(): Promise<number> {
    const due = await q<{ organization_id: string }>(
      this.db,
      `select d.organization_id from business_data_deletions d join organizations o on o.id = d.organization_id
        where d.status = 'requested' and o.status in ('uninstalled', 'terminated')`,
      [],
    );
    let n = 0;
    for (const { organization_id } of due) if (await this.deleteWithRetry(organization_id)) n++;
    return n;
  }

  /**
   * The deletion touches many tables while requests of the same business may still write (a kept billing
   * token, a late callback): PostgreSQL may pick it as a deadlock victim. The transaction is then simply run
   * again, a few times, before the periodic job is left to it.
   */
  private async deleteWithRetry(organizationId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deleteNow(organizationId);
      } catch (err) {
        const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  /**
   * The deletion itself, in one transaction: every table in DELETED_TABLES loses the organization's rows, the
   * webhook secret is replaced, and the billing credential goes unless a plan cancellation is still owed.
   * Returns false when there was nothing to do (not requested, already done, or the business has access).
   */
  async deleteNow(organizationId: string): Promise<boolean> {
    const counts = await this.db.transaction(async (tx) => {
      const row = await this.lockDeletion(tx, organizationId);
      if (!row || row.status !== 'requested' || !(await this.lostAccess(tx, organizationId))) return null;
      const deleted: Record<string, number> = {};
      for (const t of DELETED_TABLES) {
        const rows = await q<{ x: number }>(tx, `delete from ${t.table} where ${t.where} returning 1 as x`, [organizationId]);
        deleted[t.table] = rows.length;
      }
      deleted.billing_credentials = (await this.dropCredentialsIfSettled(tx, organizationId)) ? 1 : 0;
      await tx
        .update(organizations)
        .set({ webhookSecret: randomBytes(24).toString('base64url'), lowBalanceThreshold: null })
        .where(eq(organizations.id, organizationId));
      forgetOrganization(organizationId);
      const doneAt = this.now();
      await tx
        .update(businessDataDeletions)
        .set({ status: 'done', doneAt, deleted })
        .where(eq(businessDataDeletions.organizationId, organizationId));
      await audit.record(tx, {
        organizationId,
        actor: actors.system('data_deletion'),
        action: BUSINESS_AUDIT.dataDeleted,
        target: { type: 'organization', id: organizationId },
        metadata: { deleted },
        at: doneAt,
      });
      return deleted;
    });
    if (counts) this.log.info({ organizationId, deleted: counts }, 'business data deleted');
    return counts !== null;
  }

  /** After plan cancellations settle: a deleted business's billing credential is no longer needed. */
  async afterPlanCancellations(organizationId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ status: businessDataDeletions.status })
        .from(businessDataDeletions)
        .where(eq(businessDataDeletions.organizationId, organizationId));
      if (row?.status === 'done') await this.dropCredentialsIfSettled(tx, organizationId);
    });
  }

  /** The organization's deletion request, locked after its ledger (the order every writer of the business takes). */
  private async lockDeletion(tx: Tx, organizationId: string) {
    await lockLedgerIn(tx, organizationId);
    const [row] = await tx
      .select()
      .from(businessDataDeletions)
      .where(eq(businessDataDeletions.organizationId, organizationId))
      .for('update');
    return row;
  }

  private async dropCredentialsIfSettled(tx: Tx, organizationId: string): Promise<boolean> {
    const owed = await q<{ n: number }>(
      tx,
      `select count(*)::int as n from plan_cancellations where organization_id = $1 and status = 'pending'`,
      [organizationId],
    );
    if ((owed[0]?.n ?? 0) > 0) return false;
    return (await q(tx, `delete from billing_credentials where organization_id = $1 returning 1 as x`, [organizationId])).length > 0;
  }

  private async lostAccess(conn: Db | Tx, organizationId: string): Promise<boolean> {
    const [org] = await conn.select({ status: organizations.status }).from(organizations).where(eq(organizations.id, organizationId));
    return org?.status === 'uninstalled' || org?.status === 'terminated';
  }

  /** A business reinstalled after a deletion and gathered new data: it may ask again. */
  private async hasDataSince(tx: Tx, organizationId: string, since: Date): Promise<boolean> {
    const rows = await q<{ x: number }>(
      tx,
      `select 1 as x from numbers where organization_id = $1 and created_at > $2
       union all select 1 from messages where organization_id = $1 and created_at > $2
       union all select 1 from terms_acceptances where organization_id = $1 and accepted_at > $2 limit 1`,
      [organizationId, since],
    );
    return rows.length > 0;
  }
}
