import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { customerWindows, numbers, optOuts, organizationLifecycle, organizations, termsAcceptances } from '../../db/schema.ts';

/**
 * The rows one send is checked against (the business, its lifecycle and terms acceptance, the number, the
 * recipient's opt-out, restriction and erased opt-out, the customer window), in one statement: the send reads
 * them under the organization's lock, so each trip saved is time no other send of the business waits.
 * `erasedKey` is the recipient's keyed hash, under which an erased number's opt-out and restriction are held.
 * Undefined when the organization does not exist.
 */
export async function readSendRows(
  tx: Tx,
  q: { organizationId: string; numberId: string; recipient: string; erasedKey: string; termsVersion: string },
) {
  const keys = sql`(${q.recipient}, ${q.erasedKey})`;
  const [row] = await tx
    .select({
      organization: { status: organizations.status, createdAt: organizations.createdAt },
      lifecycle: organizationLifecycle,
      acceptance: termsAcceptances,
      number: numbers,
      optOut: optOuts,
      restricted: sql<boolean>`exists (select 1 from recipient_restrictions r where r.organization_id = ${organizations.id} and r.recipient in ${keys})`,
      erasedOptOut: sql<boolean>`exists (select 1 from opt_outs e where e.organization_id = ${organizations.id} and e.recipient like 'erased:%' and e.recipient in ${keys})`,
      lastInboundAt: customerWindows.lastInboundAt,
    })
    .from(organizations)
    .leftJoin(organizationLifecycle, eq(organizationLifecycle.organizationId, organizations.id))
    .leftJoin(
      termsAcceptances,
      and(
        eq(termsAcceptances.organizationId, organizations.id),
        eq(termsAcceptances.installation, organizationLifecycle.installation),
        eq(termsAcceptances.version, q.termsVersion),
      ),
    )
    .leftJoin(numbers, and(eq(numbers.id, q.numberId), eq(numbers.organizationId, organizations.id), isNull(numbers.disconnectedAt)))
    .leftJoin(optOuts, and(eq(optOuts.organizationId, organizations.id), eq(optOuts.recipient, q.recipient)))
    .leftJoin(customerWindows, and(eq(customerWindows.numberId, q.numberId), eq(customerWindows.recipient, q.recipient)))
    .where(eq(organizations.id, q.organizationId))
    .limit(1);
  return row;
}
