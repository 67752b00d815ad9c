import type { Logger } from '../../lib/logger.ts';
import { relayLatency } from '../../lib/metrics.ts';
import { nowMs, withProviderClock } from '../../lib/provider-time.ts';

const round = (ms: number) => Math.round(ms * 100) / 100;

export type RelayDirection = 'inbound' | 'outbound';

/**
 * Runs one relay of a message and, when it delivered the message (the relay marks the provider answer that did),
 * records what the BFF added: from the webhook's arrival to that answer, less the time spent waiting on providers
 * (LiveChat, Kaleyra, media links) on the way. Queue waits, retries and database work all count as the BFF's.
 */
export async function measureRelay(
  direction: RelayDirection,
  receivedAt: number | undefined,
  attempt: number,
  log: Logger,
  run: () => Promise<void>,
): Promise<void> {
  const startedAt = nowMs();
  await withProviderClock(async (clock) => {
    await run();
    if (!clock.marked || receivedAt === undefined) return;
    const bffMs = Math.max(0, clock.marked.at - receivedAt - clock.marked.providerMs);
    relayLatency.observe({ direction }, bffMs / 1000);
    log.info(
      {
        direction,
        bffMs: round(bffMs),
        // Of which waiting to start (the queue, the customer's earlier messages).
        waitedMs: round(Math.max(0, startedAt - receivedAt)),
        providerMs: round(clock.marked.providerMs),
        attempt,
      },
      'message relayed',
    );
  });
}
