/**
 * The latest status Twilio's status callbacks reported per message. Twilio does not guarantee the order
 * of callbacks and may send one twice, so a status only ever moves forward in the lifecycle; a late
 * `sent` after `delivered` is ignored, and a failure is final. Bounded: the oldest entries go first past the cap.
 */
import { laterStatus } from '../protocol/lifecycle.js';
import type { WireMessageStatus } from '../protocol/wire.js';
import type { Awaitable } from './types.js';

/** Statuses reported per message SID, only ever moving forward. */
export interface StatusBoard {
  /** Records a reported status; gives the status the board holds afterwards (the later of the two). */
  record(sid: string, status: WireMessageStatus): Awaitable<WireMessageStatus>;
  /** The latest reported status, if any callback came for this message. */
  get(sid: string): Awaitable<WireMessageStatus | undefined>;
}

/** The status board in this process's memory. */
export class MemoryStatusBoard implements StatusBoard {
  private readonly statuses = new Map<string, WireMessageStatus>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Records a reported status; returns the status the board holds afterwards. */
  record(sid: string, status: WireMessageStatus): WireMessageStatus {
    const current = this.statuses.get(sid);
    const next = current === undefined ? status : laterStatus(current, status);
    if (next !== current) {
      this.statuses.delete(sid);
      this.statuses.set(sid, next);
      if (this.statuses.size > this.maxEntries) this.statuses.delete(this.statuses.keys().next().value!);
    }
    return next;
  }

  /** The latest reported status, if any callback came for this message. */
  get(sid: string): WireMessageStatus | undefined {
    return this.statuses.get(sid);
  }
}
