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

/**
 * The lanes a request waits in. A read shared by several callers waits in each of their lanes and goes with
 * the first that is served, so that joining a read queued behind one caller's backlog costs no more than
 * making it oneself.
 */
export class Lanes {
  private readonly names: string[];
  private added: ((lane: string) => void) | null = null;

  constructor(first: string) {
    this.names = [first];
  }

  /** Another caller waits for this request too: it may go in that caller's turn as well. */
  add(lane: string): void {
    if (this.names.includes(lane)) return;
    this.names.push(lane);
    this.added?.(lane);
  }

  /** The lanes so far, and a listener for those added while it waits (null when it no longer waits). */
  watch(added: ((lane: string) => void) | null): readonly string[] {
    this.added = added;
    return this.names;
  }
}

interface Waiter {
  /** The lanes it is queued in. */
  queuedIn: string[];
  grant(): void;
  timer: NodeJS.Timeout | undefined;
}

/** After a cut, further 429s within this many ms are the same overload, not a new one. */
const CUT_SPACING_MS = 250;
/** Without a 429 for this long, whoever else was using the account has stopped: the full limit again. */
const RECOVER_MS = 30_000;

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
  async run<T>(task: () => Promise<T>, lane: string | Lanes = '', waitMs = Infinity): Promise<T> {
    if (this.active < this.current && this.lanes.size === 0) this.active++;
    else await this.wait(typeof lane === 'string' ? new Lanes(lane) : lane, waitMs);
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      this.dispatch();
    }
  }

  /** Twilio answered 429: a quarter fewer requests in flight (at most one cut per overload). */
  throttled(now = Date.now()): void {
    if (now - this.lastCut < CUT_SPACING_MS) return;
    this.lastCut = now;
    this.current = Math.max(1, Math.floor(this.current * 0.75));
    this.credit = 0;
  }

  /**
   * Twilio answered without 429: the limit grows back towards `max`, one slot per window's worth of answers, or
   * all at once when no 429 has come for a long while.
   */
  answered(now = Date.now()): void {
    if (this.current >= this.max) return;
    if (now - this.lastCut >= RECOVER_MS) {
      this.current = this.max;
      this.dispatch();
      return;
    }
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

  private wait(lanes: Lanes, waitMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        queuedIn: [],
        timer: undefined,
        grant: () => {
          clearTimeout(waiter.timer);
          lanes.watch(null);
          this.leave(waiter);
          resolve();
        },
      };
      if (Number.isFinite(waitMs)) {
        waiter.timer = setTimeout(() => {
          lanes.watch(null);
          this.leave(waiter);
          reject(new CapacityTimeoutError(`no upstream slot within ${waitMs} ms`));
        }, Math.max(0, waitMs));
      }
      const queue = (lane: string) => {
        waiter.queuedIn.push(lane);
        const waiting = this.lanes.get(lane);
        if (waiting) waiting.push(waiter);
        else this.lanes.set(lane, [waiter]);
      };
      for (const lane of lanes.watch(queue)) queue(lane);
    });
  }

  /** Takes a waiter out of every lane it is queued in. */
  private leave(waiter: Waiter): void {
    for (const lane of waiter.queuedIn) {
      const queue = this.lanes.get(lane);
      if (!queue) continue;
      const index = queue.indexOf(waiter);
      if (index >= 0) queue.splice(index, 1);
      if (queue.length === 0) this.lanes.delete(lane);
    }
    waiter.queuedIn = [];
  }

  /** Hands free slots to the lanes in turn. */
  private dispatch(): void {
    while (this.active < this.current) {
      const next = this.lanes.entries().next();
      if (next.done) return;
      const [lane, queue] = next.value;
      const waiter = queue[0]!;
      // The lane goes to the back of the turn order (granting takes the waiter out of all its lanes, this one included).
      this.lanes.delete(lane);
      this.lanes.set(lane, queue);
      this.active++;
      waiter.grant();
    }
  }
}
