import { contentFromComponents, countVariables, type Catalog, type NumberPlan, type Template, type WhatsAppNumber } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { errors } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { KaleyraPort } from '../../providers/kaleyra/kaleyra.port.ts';
import { currentPlanCharges } from '../billing/billing.service.ts';
import type { ChargeRow } from '../../db/rows.ts';
import { findPlan, parsePlanItem } from '../billing/catalog.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import { findNumber, listNumbers, listTemplates, replaceTemplates, type NumberRow, type TemplateRow } from './numbers.repo.ts';

/** Reads (and the writes other modules take part in) that this module offers the others. */
export { findNumber, findTemplate, listNumbers, listTemplates } from './numbers.repo.ts';

const PLAN_REASON: Record<NumberRow['planStatus'], string | null> = {
  active: null,
  pending: "This number's plan has not been paid yet.",
  past_due: "This number's plan payment is overdue, so sending is paused until it is paid.",
  frozen: "This number's plan is frozen by LiveChat billing, so sending is paused.",
  cancelled: "This number's plan was cancelled.",
  declined: "This number's plan payment was declined.",
};

/** Why this number cannot send right now, or null. Order: business first, then number, then plan. */
export function cannotSendReason(org: Pick<OrganizationRow, 'status'>, n: NumberRow): string | null {
  if (org.status === 'suspended') return 'Your WhatsApp Business account is suspended by the service operator.';
  if (org.status !== 'active') return 'Your WhatsApp Business account is no longer active.';
  if (n.sendingRevoked) return 'Sending from this number was revoked by the service operator.';
  return PLAN_REASON[n.planStatus];
}

/** The plan a number pays for, read from its current recurrent charge (`item` = `plan:<id>:<cycle>`). */
export function numberPlan(charge: ChargeRow | undefined | null, catalog?: Catalog): NumberPlan | null {
  const parsed = charge ? parsePlanItem(charge.item) : null;
  if (!charge || !parsed) return null;
  const name = (catalog && findPlan(catalog, parsed.planId)?.name) ?? parsed.planId.charAt(0).toUpperCase() + parsed.planId.slice(1);
  return {
    planId: parsed.planId,
    planName: name,
    billingCycle: parsed.cycle,
    priceCents: charge.priceCents,
    chargeId: charge.id,
    nextChargeAt: charge.nextChargeAt?.toISOString() ?? null,
  };
}

export function toNumberDto(org: Pick<OrganizationRow, 'status'>, n: NumberRow, plan: NumberPlan | null = null): WhatsAppNumber {
  const reason = cannotSendReason(org, n);
  return {
    id: n.id,
    number: n.number,
    displayName: n.displayName,
    apiVersion: n.apiVersion,
    wabaId: n.wabaId,
    planStatus: n.planStatus,
    canSend: reason === null,
    cannotSendReason: reason,
    plan,
    createdAt: n.createdAt.toISOString(),
  };
}

export function toTemplateDto(t: TemplateRow): Template {
  return {
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    header: t.header,
    body: t.body,
    footer: t.footer,
    buttons: t.buttons,
    variableCount: countVariables(t.body),
    rejectedReason: t.rejectedReason,
    ...richParts(t),
  };
}

/** What a send fills beyond the body: the header's format and the buttons with their dynamic URLs. */
function richParts(t: TemplateRow): Pick<Template, 'headerFormat' | 'richButtons'> {
  if (!t.components.length) return {};
  const c = contentFromComponents(t.components);
  return {
    headerFormat: c.headerFormat,
    richButtons: c.buttons.map((b) => ({ type: b.type, text: b.text, url: b.url, dynamic: b.dynamic })),
  };
}

export class NumbersService {
  constructor(
    private readonly db: Db,
    private readonly kaleyra: KaleyraPort,
    private readonly log: Logger,
    private readonly catalog?: Catalog,
  ) {}

  async list(org: OrganizationRow): Promise<WhatsAppNumber[]> {
    const rows = await listNumbers(this.db, org.id);
    const plans = await currentPlanCharges(
      this.db,
      rows.map((n) => n.id),
    );
    return rows.map((n) => this.toDto(org, n, plans.get(n.id)));
  }

  toDto(org: Pick<OrganizationRow, 'status'>, n: NumberRow, charge: ChargeRow | undefined | null): WhatsAppNumber {
    return toNumberDto(org, n, numberPlan(charge, this.catalog));
  }

  async get(organizationId: string, numberId: string): Promise<NumberRow> {
    const n = await findNumber(this.db, organizationId, numberId);
    if (!n) throw errors.notFound('The WhatsApp number');
    return n;
  }

  async templates(organizationId: string, numberId: string): Promise<{ templates: Template[]; syncedAt: string | null }> {
    const n = await this.get(organizationId, numberId);
    if (!n.templatesSyncedAt) return this.sync(organizationId, numberId);
    return { templates: (await listTemplates(this.db, n.id)).map(toTemplateDto), syncedAt: n.templatesSyncedAt.toISOString() };
  }

  async sync(organizationId: string, numberId: string): Promise<{ templates: Template[]; syncedAt: string | null }> {
    const n = await this.get(organizationId, numberId);
    await this.syncNumber(n);
    return this.templates(organizationId, numberId);
  }

  /** Pulls the provider's templates for one number; used by "sync now" and the periodic job. */
  async syncNumber(n: NumberRow): Promise<number> {
    let list;
    try {
      list = await this.kaleyra.listTemplates(n.apiVersion, n.wabaId);
    } catch (err) {
      this.log.warn({ numberId: n.id, err: (err as Error).message }, 'template sync failed');
      throw errors.upstream('Kaleyra');
    }
    await replaceTemplates(this.db, n.id, list, new Date());
    for (const handler of this.syncedHandlers) {
      await handler(n).catch((err: unknown) => this.log.warn({ numberId: n.id, err: (err as Error).message }, 'after-sync handler failed'));
    }
    return list.length;
  }

  private readonly syncedHandlers: ((n: NumberRow) => Promise<void>)[] = [];

  /** Runs after every successful template sync of a number (e.g. the opt-out copies of new marketing templates). */
  onSynced(handler: (n: NumberRow) => Promise<void>) {
    this.syncedHandlers.push(handler);
  }
}
