/**
 * The last full copy of each recent message the gateway has seen (its own sends, inbound webhooks, answers to
 * its polls), so that a status callback, which carries only the SID and status, can become an event with the
 * whole message at once instead of after a Twilio round trip. Fields Twilio changes without a callback (the
 * price, `date_sent`) may lag in a snapshot; the status never does, it comes from the status board.
 */
import type { WireMessage } from '../protocol/wire.js';
import type { Awaitable } from './types.js';

/** Recent messages by SID. */
export interface MessageSnapshots {
  /** The last copy kept of message `sid`, or null. */
  get(sid: string): Awaitable<WireMessage | null>;
  /**
   * Keeps `message` (which has a SID) as the latest copy. Never fails: it runs after a send succeeded, and a
   * lost copy costs only a Twilio call later (a shared store that cannot be reached drops the copy).
   */
  put(message: WireMessage): Awaitable<void>;
}

/** Snapshots in this process's memory: the `capacity` most recently kept. */
export class MemoryMessageSnapshots implements MessageSnapshots {
  private readonly messages = new Map<string, WireMessage>();

  constructor(private readonly capacity = 10_000) {}

  get(sid: string): WireMessage | null {
    return this.messages.get(sid) ?? null;
  }

  put(message: WireMessage): void {
    if (!message.sid) return;
    // Re-inserted so that Map order is the order of last use, and the oldest goes first.
    this.messages.delete(message.sid);
    this.messages.set(message.sid, message);
    if (this.messages.size > this.capacity) this.messages.delete(this.messages.keys().next().value!);
  }
}
