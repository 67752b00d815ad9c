/**
 * Runs calls in groups: the calls made while one group runs go together in the next one. At a trickle each
 * call is a group of its own, without waiting; under a flood one round trip serves hundreds. Each caller's
 * promise settles when its group has run; a group that fails fails every call in it.
 */
export class GroupedCalls<In, Out> {
  private queue: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Runs one group; answers one output per input, in order. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxGroup = 500,
  ) {}

  call(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const outs = await this.run(group.map((w) => w.input));
        group.forEach((w, i) => w.resolve(outs[i]!));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.running = false;
  }
}
