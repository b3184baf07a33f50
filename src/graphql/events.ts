/**
 * The streams behind the subscriptions, read from the event log: a message's status steps, and message
 * events resumable by cursor. Each stream subscribes to the log before it reads what it missed, so nothing
 * falls between the two, and drops what it already gave.
 */
import { FINAL_STATUSES, laterStatus } from '../protocol/lifecycle.js';
import { MESSAGE_SID, type WireMessage } from '../protocol/wire.js';
import type { EventLog, LoggedMessageEvent, MessageEventType } from '../state/event-log.js';
import type { GatewayContext } from './context.js';
import type { DeliveredEvent } from './event-messages.js';
import { badUserInput, ErrorCode, gatewayError } from './errors.js';

/** Which events a subscriber wants. */
export interface EventFilter {
  types?: readonly MessageEventType[] | null;
  to?: string | null;
  from?: string | null;
}

/** Events a slow subscriber may have waiting before its stream is ended (it can resume by cursor). */
export const MAX_QUEUED_EVENTS = 1_000;
/** Missed events given at most on a resume; the log keeps no more than its capacity anyway. */
const MAX_BACKLOG = 10_000;
/**
 * Missed events are read this many at a time, each page once the subscriber has taken the last: a hundred
 * resumes from an old cursor must not each pull the whole log into memory (Redis's and ours) at once.
 */
const BACKLOG_PAGE = 200;

/**
 * The live events of the log, as an async iterator that unsubscribes when it is returned (graphql-js returns
 * it when the client completes), and ends with an error when the subscriber falls too far behind.
 */
function liveEvents(log: EventLog): AsyncIterableIterator<LoggedMessageEvent> {
  const queue: LoggedMessageEvent[] = [];
  let waiting: ((result: IteratorResult<LoggedMessageEvent>) => void) | null = null;
  let failed: Error | null = null;
  let done = false;
  const stop = log.subscribe((event) => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: event, done: false });
    } else if (queue.length < MAX_QUEUED_EVENTS) queue.push(event);
    else {
      failed = gatewayError(ErrorCode.RateLimited, 'This subscription fell too far behind; resubscribe with `after` to resume.');
      done = true;
      stop();
    }
  });
  const finish = (): Promise<IteratorResult<LoggedMessageEvent>> => {
    if (!done) stop();
    done = true;
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (failed) return Promise.reject(failed);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function matches(event: LoggedMessageEvent, filter: EventFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.types && !filter.types.includes(event.type)) return false;
  if (filter.to && event.to !== filter.to) return false;
  if (filter.from && event.from !== filter.from) return false;
  return true;
}

/**
 * A stream that ends when its consumer returns it, even while it waits for the next event: an async generator
 * asked to return while it awaits would only notice at its next `yield`, so the wait is ended first.
 */
function closable<T>(live: AsyncIterableIterator<LoggedMessageEvent>, stream: AsyncGenerator<T>): AsyncIterableIterator<T> {
  return {
    next: () => stream.next(),
    async return(value?: unknown) {
      await live.return?.();
      return stream.return(value as T);
    },
    throw: (error?: unknown) => stream.throw(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `messageEvents`: what came after `after` (CURSOR_EXPIRED when the log no longer has it), then live events. */
export function messageEvents(ctx: GatewayContext, filter: EventFilter | null | undefined, after: string | null | undefined): AsyncIterableIterator<DeliveredEvent> {
  const live = liveEvents(ctx.services.eventLog);
  return closable(live, eventStream(ctx, live, filter, after));
}

async function* eventStream(
  ctx: GatewayContext,
  live: AsyncIterableIterator<LoggedMessageEvent>,
  filter: EventFilter | null | undefined,
  after: string | null | undefined,
): AsyncGenerator<DeliveredEvent> {
  const log = ctx.services.eventLog;
  try {
    const expired = () => gatewayError(ErrorCode.CursorExpired, 'The event log no longer holds this cursor: refetch with queries, then subscribe again without `after`.');
    let missed = after ? await log.after(after, BACKLOG_PAGE) : [];
    if (missed === null) throw expired();
    const given = new Set<string>();
    const deliver = async (event: LoggedMessageEvent): Promise<DeliveredEvent | null> => {
      if (given.has(event.cursor) || !matches(event, filter)) return null;
      given.add(event.cursor);
      return ctx.services.eventMessages.at(event);
    };
    // Page by page; a page that is gone by the time it is asked for (the log moved past it) ends the stream as expired.
    while (missed.length > 0) {
      for (const event of missed) {
        const delivered = await deliver(event);
        if (delivered) yield delivered;
      }
      if (missed.length < BACKLOG_PAGE) break;
      const next: LoggedMessageEvent[] | null = await log.after(missed[missed.length - 1]!.cursor, BACKLOG_PAGE);
      if (next === null) throw expired();
      missed = next;
    }
    for await (const event of live) {
      const delivered = await deliver(event);
      if (delivered) yield delivered;
      // Past the backlog, a cursor cannot come twice: forget the old ones.
      if (given.size > MAX_BACKLOG) given.clear();
    }
  } finally {
    await live.return?.();
  }
}

/** `messageStatusChanged`: the message now, then each step forward; ends after a final status. */
export function statusChanges(ctx: GatewayContext, sid: string): AsyncIterableIterator<WireMessage> {
  if (!MESSAGE_SID.test(sid)) throw badUserInput(`No message ${JSON.stringify(sid.slice(0, 64))} (a message SID is SM or MM followed by 32 hex digits)`);
  const live = liveEvents(ctx.services.eventLog);
  return closable(live, statusStream(ctx, live, sid));
}

async function* statusStream(ctx: GatewayContext, live: AsyncIterableIterator<LoggedMessageEvent>, sid: string): AsyncGenerator<WireMessage> {
  let unwatch: (() => void) | null = null;
  try {
    const fetched = await ctx.twilio.fetchMessage(sid);
    if (!fetched || !fetched.status) throw badUserInput(`No message ${JSON.stringify(sid)} in this account`);
    const reported = await ctx.services.statusBoard.get(sid);
    let current: WireMessage = { ...fetched, status: reported ? laterStatus(fetched.status, reported) : fetched.status };
    if (FINAL_STATUSES.has(current.status!)) {
      yield current;
      return;
    }
    // Where no callback comes, the poller asks Twilio and publishes what moved, into the same log.
    unwatch = ctx.services.statusPoller.watch(sid);
    yield current;
    for await (const event of live) {
      if (event.messageSid !== sid) continue;
      const status = laterStatus(current.status!, event.status);
      if (status === current.status) continue;
      // The rest of the message (price, dates, error) changes with the status: ask Twilio (once per event for
      // all subscribers), never going backwards.
      const fresh = (await ctx.services.eventMessages.at(event))?.message;
      const now = fresh?.status ? laterStatus(status, fresh.status) : status;
      // The shared object when it says it all, so that every subscriber's selection can be executed once.
      current = fresh?.status === now ? fresh : { ...(fresh ?? current), status: now };
      yield current;
      if (FINAL_STATUSES.has(current.status!)) return;
    }
  } finally {
    unwatch?.();
    await live.return?.();
  }
}
