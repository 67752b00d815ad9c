import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/**
 * AES-256-GCM for the one secret we keep at rest: a LiveChat access token the billing sync needs while charges
 * are in flight. The organization id is bound as associated data, so a ciphertext copied onto another
 * organization's row does not decrypt.
 */
export class TokenVault {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the token key must be 32 bytes');
  }

  /** A vault whose key lives only in this process: what it seals does not survive a restart. */
  static ephemeral(): TokenVault {
    return new TokenVault(randomBytes(32));
  }

  seal(organizationId: string, token: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(organizationId, 'utf8'));
    const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  /** The token, or null when the ciphertext was tampered with, sealed for another organization or by another key. */
  open(organizationId: string, sealed: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 3) return null;
    try {
      const [iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      const decipher = createDecipheriv(ALGORITHM, this.key, iv);
      decipher.setAAD(Buffer.from(organizationId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
