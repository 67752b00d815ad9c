import { describe, expect, it } from 'vitest';
import { TokenVault } from './token-vault.ts';

describe('the billing sync token at rest', () => {
  const vault = TokenVault.ephemeral();
  const token = 'dal:abcdefghijklmnopqrstuvwxyz0123456789';

  it('is sealed with AES-256-GCM: unreadable, fresh each time, and opened only for its own organization', () => {
    const a = vault.seal('org-1', token);
    const b = vault.seal('org-1', token);
    expect(a).not.toContain(token);
    expect(a).not.toBe(b);
    expect(vault.open('org-1', a)).toBe(token);
    expect(vault.open('org-2', a)).toBeNull();
  });

  it('refuses tampered ciphertext and other keys', () => {
    const sealed = vault.seal('org-1', token);
    const [iv, tag, data] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(vault.open('org-1', [iv, tag, flipped.toString('base64url')].join('.'))).toBeNull();
    expect(vault.open('org-1', 'garbage')).toBeNull();
    expect(TokenVault.ephemeral().open('org-1', sealed)).toBeNull();
    expect(() => new TokenVault(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
