import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { randomUuid } from './uuid.ts';

describe('randomUuid', () => {
  const own = Object.getOwnPropertyDescriptor(crypto, 'randomUUID');
  afterEach(() => {
    if (own) Object.defineProperty(crypto, 'randomUUID', own);
    else delete (crypto as { randomUUID?: unknown }).randomUUID;
  });

  it('makes a v4 UUID the contract accepts', () => {
    expect(z.uuid().safeParse(randomUuid()).success).toBe(true);
  });

  it('works without crypto.randomUUID (insecure context)', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true, writable: true });
    const id = randomUuid();
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id).not.toBe(randomUuid());
  });
});
