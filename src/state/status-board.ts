/**
 * The latest status Twilio's status callbacks reported per message. Twilio does not guarantee the order
 * of callbacks and may send one twice, so a status only ever moves forward in the lifecycle; a late
 * `sent` after `delivered` is ignored. Bounded: the oldest entries go first past the cap.
 */
import { MESSAGE_STATUSES, type WireMessageStatus } from '../protocol/wire.js';

/** How far along the lifecycle each status is (CONTRACT.md §11); final statuses share the top ranks. */
const RANK: Readonly<Record<WireMessageStatus, number>> = {
  scheduled: 0,
  accepted: 1,
  queued: 2,
  receiving: 2,
  sending: 3,
  sent: 4,
  partially_delivered: 5,
  failed: 6,
  undelivered: 6,
  delivered: 6,
  received: 6,
  canceled: 6,
  read: 7,
};

/** True for a status Twilio documents. */
export function isMessageStatus(value: string): value is WireMessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(value);
}

/**
 * Statuses nothing follows. A failure is final: a late `read` or `delivered` never turns a failed or
 * undelivered message into a success. Only `delivered` may still move on (to `read`, on WhatsApp).
 */
const TERMINAL: ReadonlySet<WireMessageStatus> = new Set(['failed', 'undelivered', 'canceled', 'received', 'read']);

/** The later of two statuses in the lifecycle; on a tie, or once `current` is terminal, the first one stays. */
export function laterStatus(current: WireMessageStatus, candidate: WireMessageStatus): WireMessageStatus {
  return !TERMINAL.has(current) && RANK[candidate] > RANK[current] ? candidate : current;
}

/** Latest callback status per message SID. */
export class StatusBoard {
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
