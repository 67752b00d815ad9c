import { findOrganization } from '../organizations/organizations.service.ts';
import type { RecipientData } from '@wa/contracts';
import type { Db, Tx } from '../../db/client.ts';
import { audit, type Actor } from '../audit/audit.ts';
import { RecipientHasher } from './recipient-hash.ts';
import { q } from './raw-sql.ts';

type Conn = Db | Tx;

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString());

/** From this many recipients on, `blockedAmong` first asks whether there is anything to find at all. */
const LARGE_LIST = 500;

/** Why nothing may be sent to a recipient beyond the ordinary opt-out (L.11b–c). */
export interface SendBlock {
  code: 'restricted' | 'erased_opted_out';
  reason: string | null;
  /** The opt-out's source (erased_opted_out) and when the block was recorded. */
  source?: string;
  at: Date;
}

/**
 * A recipient's rights (L.11a–d), for the organization's owners and admins and for operators:
 * see what is held about a number, erase it, restrict processing, record a consent withdrawal.
 */
export class RecipientRightsService {
  readonly hasher: RecipientHasher;
  constructor(
    private readonly db: Db,
    hasher: RecipientHasher,
  ) {
    this.hasher = hasher;
  }

  /** L.11a: everything held about `phone` (under the number, or under its keyed hash once erased). */
  /** Operators act on any business: the one named must exist. */
  async businessExists(organizationId: string): Promise<boolean> {
    return (await findOrganization(this.db, organizationId)) !== undefined;
  }

  async lookup(organizationId: string, phone: string, conn: Conn = this.db): Promise<RecipientData> {
    const h = this.hasher.hash(organizationId, phone);
    const keys = [phone, h];
    const p = [organizationId, keys];
    const [messages, conversations, windows, campaigns, optOuts, restrictions] = await Promise.all([
      q<any>(
        conn,
        `select id, number_id, direction, kind, template_name, category, status, created_at from messages where organization_id = $1 and recipient = any($2::text[]) order by created_at desc limit 1000`,
        p,
      ),
      q<any>(
        conn,
        `select id, number_id, category, opened_at, expires_at, status from conversations where organization_id = $1 and recipient = any($2::text[]) order by opened_at desc limit 1000`,
        p,
      ),
      q<any>(conn, `select number_id, last_inbound_at from customer_windows where organization_id = $1 and recipient = any($2::text[])`, p),
      q<any>(
        conn,
        `select r.campaign_id, c.name, r.status, r.reason, r.dispatched_at from campaign_recipients r join campaigns c on c.id = r.campaign_id where r.organization_id = $1 and r.recipient = any($2::text[]) order by c.created_at desc limit 1000`,
        p,
      ),
      q<any>(
        conn,
        `select recipient, source, reason, created_at from opt_outs where organization_id = $1 and recipient = any($2::text[]) order by created_at`,
        p,
      ),
      q<any>(
        conn,
        `select recipient, reason, created_by, created_at from recipient_restrictions where organization_id = $1 and recipient = any($2::text[]) order by created_at`,
        p,
      ),
    ]);
    const optOut = optOuts[0];
    const restriction = restrictions[0];
    const erasedRows = await q<{ n: number }>(
      conn,
      `select count(*)::int as n from messages where organization_id = $1 and recipient = $2`,
      [organizationId, h],
    );
    return {
      phone,
      erased: (erasedRows[0]?.n ?? 0) > 0 || optOuts.some((o) => o.recipient === h) || restrictions.some((r) => r.recipient === h),
      messages: messages.map((m) => ({
        id: m.id,
        numberId: m.number_id,
        direction: m.direction,
        kind: m.kind,
        templateName: m.template_name,
        category: m.category,
        status: m.status,
        createdAt: iso(m.created_at),
      })),
      conversations: conversations.map((c) => ({
        id: c.id,
        numberId: c.number_id,
        category: c.category,
        openedAt: iso(c.opened_at),
        expiresAt: iso(c.expires_at),
        status: c.status,
      })),
      customerWindows: windows.map((w) => ({ numberId: w.number_id, lastInboundAt: iso(w.last_inbound_at) })),
      campaigns: campaigns.map((c) => ({
        campaignId: c.campaign_id,
        campaignName: c.name,
        status: c.status,
        reason: c.reason,
        dispatchedAt: c.dispatched_at ? iso(c.dispatched_at) : null,
      })),
      optOut: optOut ? { source: optOut.source, reason: optOut.reason, at: iso(optOut.created_at) } : null,
      restriction: restriction ? { reason: restriction.reason, by: restriction.created_by, at: iso(restriction.created_at) } : null,
    };
  }

  /**
   * L.11b: erase. The number is replaced by its keyed hash in every table that holds it; campaign variables
   * still waiting are dropped. Rows are kept, not deleted, so the ledger, bills and counts stay as they were,
   * and an opt-out or restriction stays in force under the hash (the send checks match the hash too).
   */
  async erase(organizationId: string, phone: string, actor: Actor): Promise<Record<string, number>> {
    const h = this.hasher.hash(organizationId, phone);
    return this.db.transaction(async (tx) => {
      const counts: Record<string, number> = {};
      const run = async (name: string, text: string, params: unknown[]) => {
        const rows = await q<{ x: number }>(tx, `${text} returning 1 as x`, params);
        counts[name] = (counts[name] ?? 0) + rows.length;
      };
      const p = [organizationId, phone, h];
      await run('messages', `update messages set recipient = $3 where organization_id = $1 and recipient = $2`, p);
      await run('conversations', `update conversations set recipient = $3 where organization_id = $1 and recipient = $2`, p);
      // Keyed by (number, recipient): a window already held under the hash (an earlier erasure) wins.
      await q(
        tx,
        `delete from customer_windows w where organization_id = $1 and recipient = $2 and exists (select 1 from customer_windows x where x.number_id = w.number_id and x.recipient = $3)`,
        p,
      );
      await run('customer_windows', `update customer_windows set recipient = $3 where organization_id = $1 and recipient = $2`, p);
      // WhatsApp chats in LiveChat: the customer's identity mapping (an earlier erasure's wins) and their relayed messages.
      await q(
        tx,
        `delete from relay_identities i where organization_id = $1 and customer = $2 and exists (select 1 from relay_identities x where x.number_id = i.number_id and x.customer = $3)`,
        p,
      );
      await run('relay_identities', `update relay_identities set customer = $3 where organization_id = $1 and customer = $2`, p);
      await run('relay_inbound', `update relay_inbound set customer = $3 where organization_id = $1 and customer = $2`, p);
      await q(
        tx,
        `delete from campaign_recipients r where organization_id = $1 and recipient = $2 and exists (select 1 from campaign_recipients x where x.campaign_id = r.campaign_id and x.recipient = $3)`,
        p,
      );
      await run(
        'campaign_recipients',
        `update campaign_recipients set recipient = $3, variables = null where organization_id = $1 and recipient = $2`,
        p,
      );
      await run(
        'campaign_rejections',
        `update campaign_rejections set phone = $3 where phone = $2 and campaign_id in (select id from campaigns where organization_id = $1)`,
        p,
      );
      // Opt-outs and restrictions move under the hash: an erased number that opted out stays suppressed.
      await q(
        tx,
        `delete from opt_outs where organization_id = $1 and recipient = $2 and exists (select 1 from opt_outs x where x.organization_id = $1 and x.recipient = $3)`,
        p,
      );
      await run('opt_outs', `update opt_outs set recipient = $3 where organization_id = $1 and recipient = $2`, p);
      await q(
        tx,
        `delete from recipient_restrictions where organization_id = $1 and recipient = $2 and exists (select 1 from recipient_restrictions x where x.organization_id = $1 and x.recipient = $3)`,
        p,
      );
      await run(
        'recipient_restrictions',
        `update recipient_restrictions set recipient = $3 where organization_id = $1 and recipient = $2`,
        p,
      );
      // Ledger references and audit entries that mention the number: text replaced, amounts untouched.
      await run(
        'ledger_entries',
        `update ledger_entries set reference = replace(reference, $2, $3) where organization_id = $1 and reference like '%' || $2 || '%'`,
        p,
      );
      await run(
        'audit_events',
        `update audit_events set target_id = replace(target_id, $2, $3), metadata = replace(metadata::text, $2, $3)::jsonb where organization_id = $1 and (target_id like '%' || $2 || '%' or metadata::text like '%' || $2 || '%')`,
        p,
      );
      await audit.record(tx, {
        organizationId,
        actor,
        action: 'recipient.erased',
        target: { type: 'recipient', id: h },
        metadata: { ...counts },
      });
      return counts;
    });
  }

  /** L.11c: no further sends to this recipient, by agents or campaigns; the reason is kept. */
  async restrict(organizationId: string, phone: string, reason: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      await q(
        tx,
        `insert into recipient_restrictions (organization_id, recipient, reason, created_by) values ($1, $2, $3, $4)
         on conflict (organization_id, recipient) do update set reason = excluded.reason, created_by = excluded.created_by, created_at = now()`,
        [organizationId, phone, reason, actor.id],
      );
      await audit.record(tx, {
        organizationId,
        actor,
        action: 'recipient.restricted',
        target: { type: 'recipient', id: phone },
        metadata: { reason },
      });
    });
  }

  async unrestrict(organizationId: string, phone: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await q(
        tx,
        `delete from recipient_restrictions where organization_id = $1 and recipient = any($2::text[]) returning 1 as x`,
        [organizationId, [phone, this.hasher.hash(organizationId, phone)]],
      );
      if (rows.length)
        await audit.record(tx, { organizationId, actor, action: 'recipient.unrestricted', target: { type: 'recipient', id: phone } });
    });
  }

  /** L.11d: consent withdrawn counts as an opt-out (source `consent_withdrawn`); an earlier opt-out is kept as it is. */
  async withdrawConsent(organizationId: string, phone: string, reason: string | null, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await q(
        tx,
        `insert into opt_outs (organization_id, recipient, source, reason, created_by) values ($1, $2, 'consent_withdrawn', $3, $4) on conflict do nothing returning 1 as x`,
        [organizationId, phone, reason, actor.id],
      );
      if (rows.length)
        await audit.record(tx, {
          organizationId,
          actor,
          action: 'recipient.consent_withdrawn',
          target: { type: 'recipient', id: phone },
          metadata: reason ? { reason } : {},
        });
    });
  }

  /**
   * What the send policy (modules/sending) asks on every send path, on top of the ordinary opt-out check: a restriction (under the number or its hash), or an opt-out recorded under the hash of an erased number.
   */
  async blockedAmong(conn: Conn, organizationId: string, recipients: string[]): Promise<Map<string, SendBlock>> {
    const out = new Map<string, SendBlock>();
    if (!recipients.length) return out;
    // A large list (a campaign's check) costs one keyed hash per number; most organizations have nothing
    // restricted and nothing erased, which one cheap question settles first.
    let hashed = true;
    if (recipients.length >= LARGE_LIST) {
      const [marks] = await q<{ restricted: boolean; erased: boolean }>(
        conn,
        `select exists (select 1 from recipient_restrictions where organization_id = $1) as restricted,
                (exists (select 1 from recipient_restrictions where organization_id = $1 and left(recipient, 7) = 'erased:')
                 or exists (select 1 from opt_outs where organization_id = $1 and left(recipient, 7) = 'erased:')) as erased`,
        [organizationId],
      );
      if (!marks?.restricted && !marks?.erased) return out;
      hashed = Boolean(marks?.erased);
    }
    const byKey = new Map<string, string>();
    for (const r of recipients) {
      byKey.set(r, r);
      if (hashed) byKey.set(this.hasher.hash(organizationId, r), r);
    }
    const keys = [...byKey.keys()];
    // One round trip (campaign dispatch runs this for every batch, inside its transaction).
    const rows = await q<{ recipient: string; reason: string | null; kind: 'r' | 'o'; source: string | null; created_at: unknown }>(
      conn,
      `select recipient, reason, 'r' as kind, null as source, created_at from recipient_restrictions where organization_id = $1 and recipient = any($2::text[])
       union all
       select recipient, reason, 'o' as kind, source, created_at from opt_outs where organization_id = $1 and recipient like 'erased:%' and recipient = any($2::text[])`,
      [organizationId, keys],
    );
    for (const o of rows)
      if (o.kind === 'o')
        out.set(byKey.get(o.recipient)!, {
          code: 'erased_opted_out',
          reason: o.reason,
          source: o.source ?? 'manual',
          at: new Date(iso(o.created_at)),
        });
    for (const r of rows)
      if (r.kind === 'r') out.set(byKey.get(r.recipient)!, { code: 'restricted', reason: r.reason ?? '', at: new Date(iso(r.created_at)) });
    return out;
  }
}
