/**
 * The message behind each recent event, fetched from Twilio once per event however many subscribers deliver
 * it: an event carries only the SID, status and parties, and a thousand subscribers asking Twilio for the same
 * message at the same moment would each cost an upstream call (and the account's concurrency) for one answer.
 */
import { laterStatus } from '../protocol/lifecycle.js';
import type { WireMessage } from '../protocol/wire.js';
import type { LoggedMessageEvent } from '../state/event-log.js';
import type { TwilioMessages } from '../twilio/messages.js';

/** The messages of recent events. */
export interface EventMessages {
  /**
   * The message an event is about, as Twilio has it now but never behind the event's status (the status board
   * accepted that status, so it stands unless Twilio is further along); null when Twilio has no such message.
   */
  at(event: LoggedMessageEvent): Promise<WireMessage | null>;
}

/** Events whose message is kept; a subscriber further behind than this asks Twilio again, which is correct, only slower. */
const DEFAULT_CAPACITY = 4_096;

/** Message lookups shared by every subscription of the process, over `twilio`. */
export function eventMessages(twilio: () => TwilioMessages, capacity = DEFAULT_CAPACITY): EventMessages {
  const recent = new Map<string, Promise<WireMessage | null>>();
  const fetch = async (event: LoggedMessageEvent): Promise<WireMessage | null> => {
    const message = await twilio().fetchMessage(event.messageSid);
    if (!message) return null;
    return { ...message, status: message.status ? laterStatus(event.status, message.status) : event.status };
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
