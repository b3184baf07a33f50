/**
 * Each recent event as subscribers receive it, made once however many subscribers deliver it: an event in the
 * log carries only the SID, status and parties, and a thousand subscribers asking Twilio for the same message
 * at the same moment would each cost an upstream call (and the account's concurrency) for one answer. Every
 * subscriber gets the same object, so the WebSocket transport can also execute its selection once.
 */
import { laterStatus } from '../protocol/lifecycle.js';
import type { WireMessage } from '../protocol/wire.js';
import type { LoggedMessageEvent, MessageEventType } from '../state/event-log.js';
import type { MessageSnapshots } from '../state/message-snapshots.js';
import type { TwilioMessages } from '../twilio/messages.js';

/** A message event as the schema's `MessageEvent` resolves it. */
export interface DeliveredEvent {
  cursor: string;
  type: MessageEventType;
  /**
   * The message as of the event, with the event's status: a subscriber resuming with `after` sees each step as
   * it happened, not every step with the latest status. A message the gateway did not know is Twilio's answer,
   * never behind the event's status.
   */
  message: WireMessage;
  /** ISO 8601. */
  occurredAt: string;
}

/** The recent events, as delivered. */
export interface EventMessages {
  /** The event with its message; null when Twilio has no such message. The same object for every caller. */
  at(event: LoggedMessageEvent): Promise<DeliveredEvent | null>;
}

/** Messages as of an event: their status is the event's, not overlaid with the status board's latest. */
const asOfEvent = new WeakSet<WireMessage>();

/** True for a message that an event delivered (its status is the event's own). */
export function isEventMessage(message: WireMessage): boolean {
  return asOfEvent.has(message);
}

/** Events whose message is kept; a subscriber further behind than this asks Twilio again, which is correct, only slower. */
const DEFAULT_CAPACITY = 4_096;

/**
 * Events as delivered, shared by every subscription of the process: from the message the event carries, or,
 * when the gateway did not know it, from `twilio` (kept in `snapshots` for the next event about it).
 */
export function eventMessages(twilio: () => TwilioMessages, snapshots: MessageSnapshots, capacity = DEFAULT_CAPACITY): EventMessages {
  const recent = new Map<string, Promise<DeliveredEvent | null>>();
  const fetch = async (event: LoggedMessageEvent): Promise<DeliveredEvent | null> => {
    let message = event.message ? { ...event.message, status: event.status } : null;
    if (!message) {
      const fetched = await twilio().fetchMessage(event.messageSid);
      if (!fetched) return null;
      message = { ...fetched, status: fetched.status ? laterStatus(event.status, fetched.status) : event.status };
      await snapshots.put(message);
    }
    asOfEvent.add(message);
    return { cursor: event.cursor, type: event.type, message, occurredAt: new Date(event.occurredAt).toISOString() };
  };
  return {
    at(event) {
      const known = recent.get(event.cursor);
      if (known) return known;
      const pending = fetch(event);
      recent.set(event.cursor, pending);
      // A failed lookup is not kept: the next subscriber to deliver the event asks again.
      pending.catch(() => {
        if (recent.get(event.cursor) === pending) recent.delete(event.cursor);
      });
      if (recent.size > capacity) recent.delete(recent.keys().next().value!);
      return pending;
    },
  };
}
