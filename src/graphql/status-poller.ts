/**
 * The fallback when status callbacks cannot arrive (no PUBLIC_URL against real Twilio, or a lost callback):
 * while someone is subscribed to an unfinished message, ask Twilio about it now and then, and publish what
 * moved exactly as a verified callback would (the status board, then one event). One poll per message however
 * many subscribers; the wait doubles while nothing changes, up to 16 times the interval.
 */
import { FINAL_STATUSES } from '../protocol/lifecycle.js';
import type { Invalidations } from '../state/invalidations.js';
import type { MessageSnapshots } from '../state/message-snapshots.js';
import type { PollLeases } from '../state/poll-leases.js';
import type { StatusEvents } from '../state/status-events.js';
import type { Logger } from '../telemetry/log.js';
import type { TwilioMessages } from '../twilio/messages.js';

/** Polls the messages someone watches. */
export interface StatusPoller {
  /** Watches `sid` until the returned function is called (by every watcher) or the message is final. */
  watch(sid: string): () => void;
  /** Stops every poll (the gateway is stopping). */
  stop(): void;
}

const MAX_BACKOFF = 16;

/** A poller asking `twilio` every `intervalMs` (and less often while nothing changes). */
export function statusPoller(options: {
  twilio: () => TwilioMessages;
  /** Where a status found and its event are recorded, together. */
  statusEvents: StatusEvents;
  snapshots: MessageSnapshots;
  leases: PollLeases;
  invalidations: Invalidations;
  intervalMs: number;
  logger: Logger;
}): StatusPoller {
  const watched = new Map<string, { watchers: number; timer: NodeJS.Timeout | null; backoff: number }>();
  const schedule = (sid: string): void => {
    const entry = watched.get(sid);
    if (!entry) return;
    entry.timer = setTimeout(() => void poll(sid), options.intervalMs * entry.backoff);
    entry.timer.unref();
  };
  const poll = async (sid: string): Promise<void> => {
    const entry = watched.get(sid);
    if (!entry) return;
    try {
      // Another replica watching the same message polled it this round; its result reaches us as an event. The
      // wait is kept, not doubled: should that replica stop watching, this one takes over at the same pace.
      if (!(await options.leases.acquire(sid, options.intervalMs * entry.backoff * 0.9))) return schedule(sid);
      const message = await options.twilio().fetchMessage(sid);
      if (!message?.status) return void watched.delete(sid);
      // A copy: the fetched answer is shared with the read cache, and an event's message is marked as one.
      const snapshot = { ...message };
      const recorded = await options.statusEvents.record({ type: 'STATUS_CHANGED', messageSid: sid, status: message.status, from: message.from, to: message.to, occurredAt: Date.now(), message: snapshot });
      if (recorded.changed) {
        options.invalidations.publish({ sid, deleted: false });
        await options.snapshots.put(snapshot);
      }
      if (FINAL_STATUSES.has(recorded.status)) return void watched.delete(sid);
      entry.backoff = recorded.changed ? 1 : Math.min(MAX_BACKOFF, entry.backoff * 2);
    } catch (error) {
      options.logger('warn', 'status_poll.failed', { messageSid: sid, message: error instanceof Error ? error.message : String(error) });
      entry.backoff = Math.min(MAX_BACKOFF, entry.backoff * 2);
    }
    schedule(sid);
  };
  return {
    stop() {
      for (const entry of watched.values()) if (entry.timer) clearTimeout(entry.timer);
      watched.clear();
    },
    watch(sid) {
      const entry = watched.get(sid);
      if (entry) entry.watchers++;
      else {
        watched.set(sid, { watchers: 1, timer: null, backoff: 1 });
        schedule(sid);
      }
      let stopped = false;
      return () => {
        const current = watched.get(sid);
        if (stopped || !current) return;
        stopped = true;
        if (--current.watchers === 0) {
          if (current.timer) clearTimeout(current.timer);
          watched.delete(sid);
        }
      };
    },
  };
}
