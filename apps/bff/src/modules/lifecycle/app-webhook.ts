import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { AUDIT_ACTIONS, type LossCause } from '@wa/contracts';
import type { Db } from '../../db/client.ts';
import { organizations } from '../../db/schema.ts';
import type { Logger } from '../../lib/logger.ts';
import { actors, audit, type Actor } from '../audit/audit.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import * as repo from './lifecycle.repo.ts';
import { reinstallIn, type LossOfAccessResult } from './loss-of-access.ts';
import { organizationOf } from './organization-of.ts';

/** The app webhook as LiveChat sends it; only what we read. Unsigned, so it is confirmed before acting. */
const LifecycleWebhookSchema = z.object({
  event: z.enum(['application_installed', 'application_uninstalled']),
  organizationID: z.string().min(1).max(100),
  clientID: z.string().max(200),
  licenseID: z.union([z.number(), z.string()]).optional(),
  userID: z.string().max(100).optional(),
  date: z.string().max(64),
});

export type LifecycleWebhookResult = 'uninstalled' | 'installed' | 'reinstalled' | 'replayed' | 'ignored';

/** Webhook dates may come from a clock a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface AppWebhookDeps {
  db: Db;
  ledger: LedgerService;
  clientId: string;
  log: Logger;
  now: () => Date;
  loseAccess: (
    organizationId: string,
    cause: LossCause,
    actor: Actor,
    opts: { at: Date; metadata: Record<string, unknown> },
  ) => Promise<LossOfAccessResult>;
}

/**
 * Handles an app webhook if it is a lifecycle event; `null` for any other event. The webhook carries no
 * signature: besides its unguessable path, it is confirmed before acting — our client id, an organization we
 * serve, the license we recorded for it, a date that is neither in the future nor older than the current
 * installation. Acting is idempotent: one loss of access per installation, one reinstall per new installation.
 */
export async function handleAppWebhook(deps: AppWebhookDeps, body: unknown): Promise<LifecycleWebhookResult | null> {
  const event = typeof (body as { event?: unknown })?.event === 'string' ? (body as { event: string }).event : null;
  if (event !== 'application_installed' && event !== 'application_uninstalled') return null;
  const parsed = LifecycleWebhookSchema.safeParse(body);
  if (!parsed.success) return 'ignored';
  const hook = parsed.data;
  const at = new Date(hook.date);
  if (hook.clientID !== deps.clientId || Number.isNaN(at.getTime()) || at.getTime() > deps.now().getTime() + CLOCK_SKEW_MS) {
    deps.log.warn({ event, organizationId: hook.organizationID }, 'app webhook not confirmed; ignored');
    return 'ignored';
  }
  const licenseId = hook.licenseID === undefined ? null : String(hook.licenseID);
  const [known] = await deps.db.select().from(organizations).where(eq(organizations.id, hook.organizationID));

  if (hook.event === 'application_uninstalled') {
    if (!known) return 'ignored';
    const lifecycle = await repo.ensureLifecycle(deps.db, known.id);
    if (lifecycle.licenseId && licenseId && lifecycle.licenseId !== licenseId) return 'ignored';
    // A delivery dated before this installation began belongs to an earlier one: a replay. A reinstall we
    // heard from LiveChat starts at its event's date, so both dates come from LiveChat's clock.
    if (lifecycle.installation > 1 && at.getTime() <= lifecycle.installationStartedAt.getTime()) return 'replayed';
    const when = at.getTime() < deps.now().getTime() ? at : deps.now();
    const r = await deps.loseAccess(known.id, 'uninstalled', actors.livechat(), {
      at: when,
      metadata: { userId: hook.userID ?? null, eventDate: hook.date },
    });
    return r.changed ? 'uninstalled' : 'replayed';
  }

  // application_installed: remember the install date (the business's start, if earlier) and the license;
  // after an uninstall, start a new installation from zero.
  return deps.db.transaction(async (tx) => {
    if (!known) {
      await tx
        .insert(organizations)
        .values({ id: hook.organizationID, webhookSecret: randomBytes(24).toString('base64url') })
        .onConflictDoNothing();
    }
    await deps.ledger.lockIn(tx, hook.organizationID);
    const org = await organizationOf(tx, hook.organizationID);
    const lifecycle = await repo.ensureLifecycle(tx, org.id);
    if (lifecycle.licenseId && licenseId && lifecycle.licenseId !== licenseId) return 'ignored';
    if (org.status === 'uninstalled') {
      // An install dated before the uninstall is that earlier installation's event, delivered again.
      if (!lifecycle.accessLostAt || at.getTime() <= lifecycle.accessLostAt.getTime()) return 'replayed';
      await reinstallIn(tx, org.id, actors.livechat(), at, { userId: hook.userID ?? null, eventDate: hook.date });
      return 'reinstalled';
    }
    const values: Parameters<typeof repo.updateLifecycle>[2] = {};
    if (!lifecycle.licenseId && licenseId) values.licenseId = licenseId;
    if (!lifecycle.startedAt || at < lifecycle.startedAt) values.startedAt = at;
    if (Object.keys(values).length === 0) return 'replayed';
    await repo.updateLifecycle(tx, org.id, values);
    await audit.record(tx, {
      organizationId: org.id,
      actor: actors.livechat(),
      action: AUDIT_ACTIONS.accountInstalled,
      target: { type: 'organization', id: org.id },
      metadata: { licenseId, installedAt: at.toISOString(), userId: hook.userID ?? null },
      idempotencyKey: `installed:${org.id}:${at.toISOString()}`,
    });
    return 'installed';
  });
}
