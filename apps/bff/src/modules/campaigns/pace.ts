/**
 * A number's campaign throughput, in messages per second: the configured limit (CAMPAIGN_NUMBER_RATE_PER_SECOND,
 * Kaleyra's per-number limit), lowered to the plan's `messagesPerSecond` when the number pays for a plan (F.1).
 */
export function numberLimit(configured: number, planRate: number | undefined): number {
  return planRate === undefined ? configured : Math.min(configured, planRate);
}
