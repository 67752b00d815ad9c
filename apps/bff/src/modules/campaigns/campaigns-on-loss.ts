import type { CampaignDispatcher } from './campaign-dispatcher.ts';
import { cancelPending, listCampaigns, lockCampaign, updateCampaign } from './campaigns.repo.ts';
import { actors, audit } from '../audit/audit.ts';
import type { LossOfAccessHandler, SuspensionHandler } from '../lifecycle/lifecycle.service.ts';

const IN_FLIGHT = ['scheduled', 'running', 'paused'];

/**
 * C.5, E: when a business loses access, its campaigns in flight are cancelled in the loss's transaction — nobody
 * else is messaged — and their unused reservations go back to the balance (`reservation_released`), so the
 * forfeit that follows takes exactly what was left, reserved conversations included. Same steps as the owner's
 * "Cancel campaign".
 */
export function cancelCampaignsOnLossOfAccess(dispatcher: Pick<CampaignDispatcher, 'releaseIn'>): LossOfAccessHandler {
  return async (tx, organizationId, event) => {
    const list = (await listCampaigns(tx, organizationId, 100_000)).filter((c) => IN_FLIGHT.includes(c.status));
    // Every campaign is locked before the first release touches the ledger's account row: a dispatcher holds its
    // campaign's lock while it appends, so locking one, releasing, then waiting for the next could deadlock.
    const locked = [];
    for (const c0 of list) locked.push(await lockCampaign(tx, c0.id));
    for (const c of locked) {
      if (!c || !IN_FLIGHT.includes(c.status)) continue;
      const skipped = await cancelPending(tx, c.id);
      const released = c.reservedHeld;
      await dispatcher.releaseIn(tx, c);
      await updateCampaign(tx, c.id, { status: 'cancelled', finishedAt: event.at, wakeAt: null });
      await audit.record(tx, {
        organizationId,
        actor: actors.system('loss-of-access'),
        action: 'campaign.cancelled',
        target: { type: 'campaign', id: c.id },
        metadata: { cause: event.cause, reservationReleased: released, recipientsCancelled: skipped },
        at: event.at,
      });
    }
  };
}

/**
 * F.2, J: a suspended business sends nothing, campaigns included: running and scheduled ones are paused in the
 * suspension's transaction (the dispatcher re-checks each campaign's status before every batch). After a restore
 * the owner resumes them.
 */
export function pauseCampaignsOnSuspension(): SuspensionHandler {
  return async (tx, organizationId, event) => {
    const list = (await listCampaigns(tx, organizationId, 100_000)).filter((c) => c.status === 'running' || c.status === 'scheduled');
    for (const c0 of list) {
      const c = await lockCampaign(tx, c0.id);
      if (!c || (c.status !== 'running' && c.status !== 'scheduled')) continue;
      await updateCampaign(tx, c.id, { status: 'paused', pausedReason: 'organization_inactive' });
      await audit.record(tx, {
        organizationId,
        actor: actors.system('suspension'),
        action: 'campaign.paused',
        target: { type: 'campaign', id: c.id },
        metadata: { reason: event.reason },
        at: event.at,
      });
    }
  };
}
