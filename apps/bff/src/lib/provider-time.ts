import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/**
 * Time spent waiting on providers (LiveChat, Kaleyra) within one piece of work, so what the BFF itself adds can be
 * told apart from what the providers take. Overlapping calls count once: only the time with at least one call in
 * flight is added.
 */
export interface ProviderClock {
  /** Provider time so far, ms. */
  providerMs: number;
  inFlight: number;
  busySince: number;
  /** When the last provider call answered, and the provider time up to then. */
  lastAnswerAt: number | null;
  providerMsAtLastAnswer: number;
  /** Set by `markProviderAnswer()`. */
  marked?: { at: number; providerMs: number };
}

const storage = new AsyncLocalStorage<ProviderClock>();

/** Milliseconds since the epoch, with the sub-millisecond part: comparable across processes on one clock. */
export const nowMs = () => performance.timeOrigin + performance.now();

/** Runs `fn` with a fresh clock; the clock is read while and after it runs. */
export function withProviderClock<T>(fn: (clock: ProviderClock) => Promise<T>): Promise<T> {
  const clock: ProviderClock = { providerMs: 0, inFlight: 0, busySince: 0, lastAnswerAt: null, providerMsAtLastAnswer: 0 };
  return storage.run(clock, () => fn(clock));
}

function begin(clock: ProviderClock) {
  if (clock.inFlight++ === 0) clock.busySince = nowMs();
}

function end(clock: ProviderClock) {
  const at = nowMs();
  if (--clock.inFlight === 0) clock.providerMs += at - clock.busySince;
  clock.lastAnswerAt = at;
  clock.providerMsAtLastAnswer = clock.providerMs + (clock.inFlight > 0 ? at - clock.busySince : 0);
}

/**
 * Marks the last provider answer as the point the work was done for (e.g. the call that delivered a message);
 * nothing outside a clock.
 */
export function markProviderAnswer(): void {
  const clock = storage.getStore();
  if (clock && clock.lastAnswerAt !== null) clock.marked = { at: clock.lastAnswerAt, providerMs: clock.providerMsAtLastAnswer };
}

/** Counts `fn` as provider time on the current clock (nothing outside one). */
export async function providerCall<T>(fn: () => Promise<T>): Promise<T> {
  const clock = storage.getStore();
  if (!clock) return fn();
  begin(clock);
  try {
    return await fn();
  } finally {
    end(clock);
  }
}

/** The port with every method that returns a promise counted as provider time; other methods are left alone. */
export function timedPort<T extends object>(port: T): T {
  return new Proxy(port, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const clock = storage.getStore();
        if (!clock) return (value as (...a: unknown[]) => unknown).apply(target, args);
        begin(clock);
        let out: unknown;
        try {
          out = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (err) {
          end(clock);
          throw err;
        }
        if (out instanceof Promise) return out.finally(() => end(clock));
        end(clock);
        return out;
      };
    },
  });
}
