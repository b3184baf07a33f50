/**
 * The order of a message's statuses (Twilio's lifecycle): which status comes after which, and which are
 * final. Used to keep a status from ever moving backwards, whatever order Twilio's callbacks arrive in.
 */
import { MESSAGE_STATUSES, type WireMessageStatus } from './wire.js';

/** How far along the lifecycle each status is; final statuses share the top ranks. */
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

/** How far along the lifecycle a status is (a shared store compares ranks where it cannot run this module). */
export function statusRank(status: WireMessageStatus): number {
  return RANK[status];
}

/** True for a status after which nothing is recorded. */
export function isTerminal(status: WireMessageStatus): boolean {
  return TERMINAL.has(status);
}

/** The later of two statuses in the lifecycle; on a tie, or once `current` is terminal, the first one stays. */
export function laterStatus(current: WireMessageStatus, candidate: WireMessageStatus): WireMessageStatus {
  return !TERMINAL.has(current) && RANK[candidate] > RANK[current] ? candidate : current;
}


/** Statuses after which a message does not change any more (a delivered WhatsApp message may still be read). */
export const FINAL_STATUSES: ReadonlySet<WireMessageStatus> = new Set(['delivered', 'undelivered', 'failed', 'received', 'read', 'canceled']);
