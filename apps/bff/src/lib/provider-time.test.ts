import { describe, expect, it } from 'vitest';
import { markProviderAnswer, providerCall, timedPort, withProviderClock } from './provider-time.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('provider time', () => {
  it('counts the time with a provider call in flight once, however the calls overlap, and nothing else', async () => {
    const port = timedPort({
      slow: async (ms: number) => {
        await wait(ms);
        return ms;
      },
      plain: (x: number) => x + 1,
    });
    const clock = await withProviderClock(async (c) => {
      await wait(60); // the BFF's own work
      await Promise.all([port.slow(80), providerCall(() => wait(40))]);
      expect(port.plain(1)).toBe(2);
      await wait(60);
      return c;
    });
    expect(clock.providerMs).toBeGreaterThanOrEqual(75);
    expect(clock.providerMs).toBeLessThan(150);
    expect(clock.inFlight).toBe(0);
  });

  it('marks the answer of the last call, with the provider time up to it', async () => {
    const port = timedPort({ call: () => wait(30) });
    const clock = await withProviderClock(async (c) => {
      const start = Date.now();
      await port.call();
      markProviderAnswer();
      await port.call();
      expect(c.marked!.at - start).toBeGreaterThanOrEqual(25);
      return c;
    });
    expect(clock.marked!.providerMs).toBeGreaterThanOrEqual(25);
    expect(clock.marked!.providerMs).toBeLessThan(clock.providerMs);
  });

  it('outside a clock, calls go through untouched and a mark does nothing', async () => {
    const port = timedPort({ call: async () => 'ok', fail: async () => Promise.reject(new Error('refused')) });
    expect(await port.call()).toBe('ok');
    await expect(port.fail()).rejects.toThrow('refused');
    expect(() => markProviderAnswer()).not.toThrow();
  });
});
