import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { numbers } from '../../db/schema.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorCode } from '@wa/contracts';
import type { Logger } from '../../lib/logger.ts';
import type { MessagingService } from '../messaging/messaging.service.ts';
import { findOrganization } from '../organizations/organizations.service.ts';
import type { OrganizationRow } from '../../db/rows.ts';
import type { IncomingMessage, StatusUpdate } from './kaleyra-webhook.parse.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of two secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

const unauthorized = () => new DomainError(ErrorCode.webhookUnauthorized, 'Unauthorized webhook', 'Missing or wrong webhook credentials.');

/**
 * How long an organization row read to check a callback's credentials is reused. Kaleyra calls back three
 * times per message; a rotated secret or a deletion takes effect for callbacks within this time.
 */
const AUTH_CACHE_MS = 2_000;

export interface IncomingHandler {
  (org: OrganizationRow, numberId: string, message: IncomingMessage): Promise<void>;
}

/** Told of every status a callback applied (e.g. to mark a relayed chat event delivered or seen); must not throw. */
export type StatusHandler = (org: OrganizationRow, update: StatusUpdate) => Promise<void>;

/**
 * Kaleyra has no HMAC signature; its callback profiles (and v1 callback URLs) carry Basic auth.
 * Each organization has its own secret: username = organization id, password = secret.
 */
export class KaleyraWebhookService {
  private readonly incomingHandlers: IncomingHandler[] = [];
  private readonly statusHandlers: StatusHandler[] = [];
  private readonly orgCache = new Map<string, { org: OrganizationRow | undefined; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly messaging: MessagingService,
    private readonly log: Logger,
  ) {}

  onIncoming(handler: IncomingHandler) {
    this.incomingHandlers.push(handler);
  }

  onStatus(handler: StatusHandler) {
    this.statusHandlers.push(handler);
  }

  async authenticate(organizationId: string, authorization: string | undefined): Promise<OrganizationRow> {
    const match = /^Basic\s+([A-Za-z0-9+/=._-]+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthorized();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0) throw unauthorized();
    const user = decoded.slice(0, sep);
    const password = decoded.slice(sep + 1);
    const org = await this.organization(organizationId);
    // Compare even when the organization is unknown, so timing does not reveal which ids exist.
    const ok = safeEqual(password, org?.webhookSecret ?? 'no-such-organization') && safeEqual(user, organizationId);
    if (!org || !ok) throw unauthorized();
    return org;
  }

  private async organization(id: string): Promise<OrganizationRow | undefined> {
    const now = Date.now();
    const hit = this.orgCache.get(id);
    if (hit && now - hit.at < AUTH_CACHE_MS) return hit.org;
    const org = await findOrganization(this.db, id);
    // Only known organizations are kept, so random ids cannot grow the map.
    if (org) {
      if (this.orgCache.size > 10_000) this.orgCache.clear();
      this.orgCache.set(id, { org, at: now });
    }
    return org;
  }

  async applyStatuses(org: OrganizationRow, updates: StatusUpdate[]): Promise<number> {
    let applied = 0;
    for (const u of updates) {
      if (!(await this.messaging.applyCallbackStatus(org.id, u))) {
        this.log.info({ organizationId: org.id }, 'status callback for an unknown message ignored');
        continue;
      }
      applied++;
      for (const handler of this.statusHandlers) await handler(org, u);
    }
    return applied;
  }

  async receive(org: OrganizationRow, list: IncomingMessage[]): Promise<number> {
    const own = await this.db
      .select()
      .from(numbers)
      .where(and(eq(numbers.organizationId, org.id), isNull(numbers.disconnectedAt)));
    let accepted = 0;
    for (const m of list) {
      const number = (m.to && own.find((n) => n.number === m.to)) || (own.length === 1 ? own[0] : undefined);
      if (!number) {
        this.log.warn({ organizationId: org.id }, 'incoming message for a number we do not know ignored');
        continue;
      }
      await this.messaging.recordInbound(org.id, number.id, m);
      for (const handler of this.incomingHandlers) await handler(org, number.id, m);
      accepted++;
    }
    return accepted;
  }
}
