/**
 * Cancellable background work (callbacks, webhooks, settling charges). `reset()` drops everything pending so a
 * reset sandbox never fires stale callbacks; `close()` does the same for shutdown.
 */
export class Scheduler {
  private controller = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves true after `ms`, or false as soon as the scheduler is reset/closed. */
  sleep(ms: number, signal: AbortSignal = this.signal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        },
        Math.max(0, ms),
      );
      this.timers.add(timer);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `task` in the background; errors are logged, never thrown. */
  run(task: (signal: AbortSignal) => Promise<unknown>): void {
    const signal = this.signal;
    task(signal).catch((error: unknown) => {
      if (!signal.aborted) console.error('[sandbox] background task failed:', error);
    });
  }

  reset(): void {
    this.controller.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.controller = new AbortController();
  }
}
