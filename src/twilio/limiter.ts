/**
 * The account's upstream capacity, shared fairly: at most `limit` requests in flight; the rest wait in one
 * queue per lane (a caller), and a freed slot goes to the next lane in turn, so one caller's burst queues
 * behind itself instead of in front of everyone. Waits are bounded. The limit backs off when Twilio answers
 * 429 (another replica or program is using the same account) and creeps back up as answers come.
 */

/** No slot came free within the time a request may wait for one. Nothing was sent. */
export class CapacityTimeoutError extends Error {
  override name = 'CapacityTimeoutError';
}

interface Waiter {
  lane: string;
  grant(): void;
  timer: NodeJS.Timeout | undefined;
}

/** After a cut, further 429s within this many ms are the same overload, not a new one. */
const CUT_SPACING_MS = 250;

export class Limiter {
  private active = 0;
  /** Lanes with requests waiting, in turn order: the lane served goes to the back. */
  private readonly lanes = new Map<string, Waiter[]>();
  /** The limit now: `max`, or less after Twilio said 429. */
  private current: number;
  /** Answers since the limit last grew (it grows by one per `current` answers: one per round of the window). */
  private credit = 0;
  private lastCut = 0;
  /** Highest number in flight seen so far (for tests and the benchmark). */
  peak = 0;

  constructor(readonly max: number) {
    this.current = max;
  }

  /**
   * Runs `task` once `lane` has a slot, and frees the slot when it settles. Rejects with
   * {@link CapacityTimeoutError} if no slot comes within `waitMs`; `task` then never runs.
   */
  async run<T>(task: () => Promise<T>, lane = '', waitMs = Infinity): Promise<T> {
    if (this.active < this.current && this.lanes.size === 0) this.active++;
    else await this.wait(lane, waitMs);
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.dispatch();
    }
  }

  /** Twilio answered 429: fewer requests in flight for a while (at most one cut per overload). */
  throttled(now = Date.now()): void {
    if (now - this.lastCut < CUT_SPACING_MS) return;
    this.lastCut = now;
    this.current = Math.max(1, Math.floor(Math.min(this.current, this.active) * 0.75));
    this.credit = 0;
  }

  /** Twilio answered without 429: the limit grows back towards `max`, one slot per window's worth of answers. */
  answered(): void {
    if (this.current >= this.max) return;
    if (++this.credit >= this.current) {
      this.credit = 0;
      this.current++;
      this.dispatch();
    }
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** The limit in force now (below `max` after 429s). */
  get limit(): number {
    return this.current;
  }

  private wait(lane: string, waitMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        lane,
        timer: undefined,
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
      };
      if (Number.isFinite(waitMs)) {
        waiter.timer = setTimeout(() => {
          this.leave(waiter);
          reject(new CapacityTimeoutError(`no upstream slot within ${waitMs} ms`));
        }, Math.max(0, waitMs));
      }
      const queue = this.lanes.get(lane);
      if (queue) queue.push(waiter);
      else this.lanes.set(lane, [waiter]);
    });
  }

  private leave(waiter: Waiter): void {
    const queue = this.lanes.get(waiter.lane);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.lanes.delete(waiter.lane);
  }

  /** Hands free slots to the lanes in turn. */
  private dispatch(): void {
    while (this.active < this.current) {
      const next = this.lanes.entries().next();
      if (next.done) return;
      const [lane, queue] = next.value;
      const waiter = queue.shift()!;
      // The lane goes to the back of the turn order, or leaves it when it has nobody left waiting.
      this.lanes.delete(lane);
      if (queue.length > 0) this.lanes.set(lane, queue);
      this.active++;
      waiter.grant();
    }
  }
}
