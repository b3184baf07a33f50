/** A counting semaphore: at most `max` upstream requests in flight, the rest wait in arrival order. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Highest number in flight seen so far (for tests and the benchmark). */
  peak = 0;

  constructor(readonly max: number) {}

  /** Runs `task` once a slot is free, and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    // A released slot is handed straight to the next waiter, so nobody can slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }
}
