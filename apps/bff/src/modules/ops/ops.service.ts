import { AUDIT_ACTIONS, type OpsBusiness, type OpsBusinessSummary, type OpsCreditRequest, type OpsCreditResponse } from '@wa/contracts';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema.ts';
import { errors } from '../../lib/errors.ts';
import { actors, audit } from '../audit/audit.ts';
import { listAudit } from '../audit/audit.service.ts';
import { toAuditDto } from '../audit/audit.service.ts';
import { listCharges } from '../billing/billing.service.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import { allNumbers, findAcceptance, pendingCancellations } from '../lifecycle/lifecycle.service.ts';
import type { LifecycleService } from '../lifecycle/lifecycle.service.ts';
import { startOf, termsStateOf } from '../lifecycle/terms.ts';
import { listRefunds } from '../refunds/refunds.service.ts';
import type { RefundsService } from '../refunds/refunds.service.ts';
import { businessRows } from './ops.repo.ts';

type BusinessRow = Awaited<ReturnType<typeof businessRows>>[number];

/** What the operator surface reads, and the discretionary credit (Part I). Lifecycle actions live in LifecycleService. */
export class OpsService {
  constructor(
    private readonly db: Db,
    private readonly ledger: LedgerService,
    private readonly lifecycle: LifecycleService,
    private readonly refunds: RefundsService,
  ) {}

  private async summary(row: BusinessRow): Promise<OpsBusinessSummary> {
    const installation = row.lifecycle?.installation ?? 1;
    const acceptance = (await findAcceptance(this.db, row.org.id, installation, this.lifecycle.terms.version)) ?? null;
    const startedAt = startOf(row.org.createdAt, row.lifecycle);
    const terms = termsStateOf(this.lifecycle.terms, { startedAt, installation, acceptance });
    return {
      organizationId: row.org.id,
      status: row.org.status,
      statusReason: row.lifecycle?.statusReason ?? null,
      startedAt: startedAt.toISOString(),
      termsVersion: terms.onVersion,
      balance: Number(row.balance),
      numbers: Number(row.numbers),
      pendingRefunds: Number(row.pendingRefunds),
    };
  }

  /** Account rows that differ from the sum of their entries (all businesses, or one). */
  verifyLedger(organizationId?: string) {
    return this.ledger.verify(organizationId);
  }

  async list(status?: string): Promise<OpsBusinessSummary[]> {
    const rows = await businessRows(this.db, { status });
    return Promise.all(rows.map((r) => this.summary(r)));
  }

  async business(organizationId: string): Promise<OpsBusinessSummary> {
    const [row] = await businessRows(this.db, { organizationId });
    if (!row) throw errors.notFound('The business');
    return this.summary(row);
  }

  async show(organizationId: string): Promise<OpsBusiness> {
    const [row] = await businessRows(this.db, { organizationId });
    if (!row) throw errors.notFound('The business');
    const [summary, numbers, charges, owed, refunds, events] = await Promise.all([
      this.summary(row),
      allNumbers(this.db, organizationId),
      listCharges(this.db, organizationId),
      pendingCancellations(this.db, organizationId),
      listRefunds(this.db, { organizationId }),
      listAudit(this.db, { organizationId, limit: 20 }),
    ]);
    const owedIds = new Set(owed.map((c) => c.chargeId));
    return {
      business: {
        ...summary,
        timeZone: row.lifecycle?.timeZone ?? 'UTC',
        lossCause: row.lifecycle?.lossCause ?? null,
        accessLostAt: row.lifecycle?.accessLostAt?.toISOString() ?? null,
        installation: row.lifecycle?.installation ?? 1,
      },
      numbers: numbers.map((n) => ({
        id: n.id,
        number: n.number,
        displayName: n.displayName,
        planStatus: n.planStatus,
        sendingRevoked: n.sendingRevoked,
        connectedAt: n.createdAt.toISOString(),
        disconnectedAt: n.disconnectedAt?.toISOString() ?? null,
      })),
      charges: charges
        .slice()
        .reverse()
        .map((c) => ({
          id: c.id,
          kind: c.kind,
          item: c.item,
          description: c.name,
          numberId: c.numberId,
          priceCents: c.priceCents,
          status: c.status,
          createdAt: c.createdAt.toISOString(),
          cancellationPending: owedIds.has(c.id),
        })),
      refunds: refunds.map((r) => this.refunds.toDto(r)),
      recentAudit: events.map(toAuditDto),
    };
  }

  /**
   * Part I: no refunds or credits are owed, but an operator may grant conversations at their discretion. The
   * credit goes through the ledger (reason `operator_credit`) with its reason in the audit log, once per key.
   */
  async credit(organizationId: string, operator: string, input: OpsCreditRequest): Promise<OpsCreditResponse> {
    await this.business(organizationId);
    return this.db.transaction(async (tx) => {
      await this.ledger.lockIn(tx, organizationId);
      const [org] = await tx.select({ status: organizations.status }).from(organizations).where(eq(organizations.id, organizationId));
      if (org && (org.status === 'terminated' || org.status === 'uninstalled')) {
        throw errors.conflict('This business has lost access to conversations; a credit would be lost with them.');
      }
      const { row, created } = await this.ledger.creditIn(tx, {
        organizationId,
        amount: input.conversations,
        reason: 'operator_credit',
        key: `operator-credit:${input.key}`,
        reference: `operator:${operator}`,
      });
      if (created) {
        await audit.record(tx, {
          organizationId,
          actor: actors.operator(operator),
          action: AUDIT_ACTIONS.conversationsCredited,
          target: { type: 'ledger_entry', id: row.id },
          metadata: { conversations: input.conversations, reason: input.reason },
        });
      }
      return { ledgerEntryId: row.id, created, balance: await this.ledger.balanceIn(tx, organizationId) };
    });
  }
}
