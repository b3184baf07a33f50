/**
 * The latest status Twilio's status callbacks reported per message. Twilio does not guarantee the order
 * of callbacks and may send one twice, so a status only ever moves forward in the lifecycle; a late
 * `sent` after `delivered` is ignored, and a failure is final. Bounded: the oldest entries go first past the cap.
 */
import { laterStatus } from '../protocol/lifecycle.js';
import type { WireMessageStatus } from '../protocol/wire.js';
import type { Awaitable } from './types.js';

/** What recording a status did. */
export interface Recorded {
  /** The status held now. */
  status: WireMessageStatus;
  /** True when the report moved it (a first report, or a later status). */
  changed: boolean;
}

/** Statuses reported per message SID, only ever moving forward. */
export interface StatusBoard {
  /**
   * Records a reported status; gives the status the board holds afterwards (the later of the two) and whether it
   * moved, in one step, so that of two callbacks racing only the one that moved it publishes an event. A shared
   * store that cannot be reached throws StateUnavailableError.
   */
  record(sid: string, status: WireMessageStatus): Awaitable<Recorded>;
  /**
   * The latest reported status, if any callback came for this message. Never fails: a shared store that cannot
   * be reached knows nothing, and reads go on with Twilio's answer.
   */
  get(sid: string): Awaitable<WireMessageStatus | undefined>;
}

/** The status board in this process's memory. */
export class MemoryStatusBoard implements StatusBoard {
  private readonly statuses = new Map<string, WireMessageStatus>();

  constructor(private readonly maxEntries = 100_000) {}

  record(sid: string, status: WireMessageStatus): Recorded {
    const current = this.statuses.get(sid);
    const next = current === undefined ? status : laterStatus(current, status);
    const changed = next !== current;
    if (changed) {
      this.statuses.delete(sid);
      this.statuses.set(sid, next);
      if (this.statuses.size > this.maxEntries) this.statuses.delete(this.statuses.keys().next().value!);
    }
    return { status: next, changed };
  }

  /** The latest reported status, if any callback came for this message. */
  get(sid: string): WireMessageStatus | undefined {
    return this.statuses.get(sid);
  }
}
