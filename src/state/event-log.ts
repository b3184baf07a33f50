/**
 * The log of message events (status changes, inbound messages) with live fan-out: a bounded, ordered log
 * that a subscriber can resume from by cursor, and a publish/subscribe channel for what comes next. Verified
 * webhooks write to it; subscriptions will read it.
 */
import { randomBytes } from 'node:crypto';
import type { WireMessage, WireMessageStatus } from '../protocol/wire.js';
import type { Awaitable } from './types.js';

/** What happened to a message. */
export type MessageEventType = 'STATUS_CHANGED' | 'RECEIVED';

/** An event as it is appended. */
export interface NewMessageEvent {
  type: MessageEventType;
  messageSid: string;
  status: WireMessageStatus;
  /** The message's addresses, as the webhook gave them (for filters without a Twilio call). */
  from: string | null;
  to: string | null;
  /** Epoch ms. */
  occurredAt: number;
  /** The whole message as of this event, when the gateway knew it (subscribers then need no Twilio call). */
  message?: WireMessage | null;
}

/** An event in the log: its cursor orders it among all others. */
export interface LoggedMessageEvent extends NewMessageEvent {
  /** Opaque to readers; increases with every event. */
  cursor: string;
}

/** The ordered, bounded event log with live fan-out. */
export interface EventLog {
  /** Appends an event, gives it its cursor and publishes it to every subscriber. */
  append(event: NewMessageEvent): Awaitable<LoggedMessageEvent>;
  /**
   * The events after `cursor` (all kept events for null), oldest first, at most `limit`. Null when `cursor`
   * is older than the log keeps or not one it gave: the reader missed events and must start over.
   */
  after(cursor: string | null, limit: number): Awaitable<LoggedMessageEvent[] | null>;
  /** Calls `listener` with every event appended from now on; returns the function that stops it. */
  subscribe(listener: (event: LoggedMessageEvent) => void): () => void;
}

/** The event log in this process's memory: the last `capacity` events. */
export class MemoryEventLog implements EventLog {
  private readonly events: LoggedMessageEvent[] = [];
  private readonly listeners = new Set<(event: LoggedMessageEvent) => void>();
  /** Sequence number of the next event. */
  private next = 1;
  /**
   * Names this log in its cursors (`<epoch>.<sequence>`): a cursor from another process (a restarted gateway,
   * another replica) is then recognised as not ours, CURSOR_EXPIRED, instead of being read as a position here.
   */
  private readonly epoch = randomBytes(4).toString('hex');

  constructor(private readonly capacity = 10_000) {}

  append(event: NewMessageEvent): LoggedMessageEvent {
    const logged: LoggedMessageEvent = { ...event, cursor: `${this.epoch}.${this.next++}` };
    this.events.push(logged);
    if (this.events.length > this.capacity) this.events.shift();
    for (const listener of this.listeners) listener(logged);
    return logged;
  }

  after(cursor: string | null, limit: number): LoggedMessageEvent[] | null {
    if (cursor === null) return this.events.slice(0, limit);
    const [epoch, sequence] = cursor.split('.');
    if (epoch !== this.epoch || !/^\d{1,15}$/.test(sequence ?? '') || Number(sequence) >= this.next) return null;
    const oldest = this.next - this.events.length;
    // Events after the cursor start at sequence + 1; if that one is gone, some were missed.
    if (Number(sequence) + 1 < oldest) return null;
    const start = Number(sequence) + 1 - oldest;
    return this.events.slice(start, start + limit);
  }

  subscribe(listener: (event: LoggedMessageEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
