import { createHash, createHmac } from 'node:crypto';
import type { Config } from '../../config.ts';

/** Prefix of an erased number: what stands in its place in every table (L.11b). */
export const ERASED_PREFIX = 'erased:';

/**
 * The keyed hash that replaces an erased phone number: HMAC-SHA256 over (organization, number). Keyed, so
 * nobody without the key can test a guessed number against it; per organization, so erased records of two
 * businesses cannot be linked. Deterministic, so an erased number that opted out stays suppressed.
 */
export class RecipientHasher {
  private readonly key: Buffer;
  constructor(config: Pick<Config, 'PRIVACY_HASH_KEY' | 'APP_WEBHOOK_SECRET'>) {
    this.key = config.PRIVACY_HASH_KEY
      ? Buffer.from(config.PRIVACY_HASH_KEY)
      : createHash('sha256').update(`wa-privacy-recipient-hash\n${config.APP_WEBHOOK_SECRET}`).digest();
  }
  hash(organizationId: string, phone: string): string {
    return ERASED_PREFIX + createHmac('sha256', this.key).update(`${organizationId}\n${phone}`).digest('hex');
  }
}
