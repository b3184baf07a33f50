/**
 * The event log on a Redis Stream: `XADD` with an exact `MAXLEN` keeps the last `capacity` events, a stream
 * id (named by its stream) is the cursor, and every replica reads the stream in order (`XREAD BLOCK`) to feed its own subscribers.
 * A subscriber can therefore resume on any replica, and an event appended on one replica reaches
 * subscribers on all of them, in the same order. Pub/sub alone would lose what is published while a
 * replica is disconnected; the stream does not.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isMessageStatus } from '../../protocol/lifecycle.js';
import { MESSAGE_SID } from '../../protocol/wire.js';
import type { EventLog, LoggedMessageEvent, NewMessageEvent } from '../event-log.js';
import { guarded, type Keys } from './connection.js';

/** A stream id, as Redis makes them: milliseconds, a dash, a sequence number. */
const STREAM_ID = /^\d{1,15}-\d{1,10}$/;
/** How long one blocking read waits before the reader loop looks again (and can notice it was closed). */
const BLOCK_MS = 2_000;
/** The reader connection's command timeout: above BLOCK_MS, so that only a Redis that stopped answering trips it. */
export const READER_TIMEOUT_MS = BLOCK_MS + 3_000;

type Entry = [id: string, fields: string[]];

/** A short name of the stream, in every cursor: stream ids are times, so two streams can hold the same one. */
const nameOf = (stream: string): string => createHash('sha256').update(stream).digest('hex').slice(0, 8);

/** The event log shared by every replica. Its reader runs from construction; `close()` stops it. */
export class RedisEventLog implements EventLog {
  private readonly listeners = new Set<(event: LoggedMessageEvent) => void>();
  private readonly reader: Redis;
  private closed = false;
  /** Cursors are `<stream name>.<stream id>`. */
  private readonly name: string;

  /**
   * @param redis the shared connection, for appends and reads.
   * @param blocking a connection of its own for the blocking reads of the live feed.
   */
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** Events kept (the stream's exact MAXLEN). */
    readonly capacity = 10_000,
    blocking: () => Redis = () => redis.duplicate(),
  ) {
    this.name = nameOf(keys.events);
    // Read from now on, before anyone subscribes: a subscriber then gets every event appended after it
    // subscribed, which is what `after` and the live feed together rely on.
    this.reader = blocking();
    void this.read();
  }

  async append(event: NewMessageEvent): Promise<LoggedMessageEvent> {
    const id = await guarded(this.redis.xadd(this.keys.events, 'MAXLEN', String(this.capacity), '*', 'e', JSON.stringify(event)));
    return { ...event, cursor: this.cursorOf(id!) };
  }

  /** The cursor of the event under stream id `id`. */
  cursorOf(id: string): string {
    return `${this.name}.${id}`;
  }

  async after(cursor: string | null, limit: number): Promise<LoggedMessageEvent[] | null> {
    if (cursor === null) return ((await guarded(this.redis.xrange(this.keys.events, '-', '+', 'COUNT', limit))) as Entry[]).flatMap((entry) => this.parse(entry));
    const [name, id] = cursor.split('.');
    if (name !== this.name || !STREAM_ID.test(id ?? '')) return null;
    // In one transaction: whether the cursor's own event is still kept (else some after it may be gone), and what follows.
    const results = await guarded(this.redis.multi().xrange(this.keys.events, id!, id!).xrange(this.keys.events, `(${id!}`, '+', 'COUNT', limit).exec());
    if (!results || results.some(([error]) => error)) throw new Error('The event log could not be read');
    const [self, following] = results.map(([, value]) => value as Entry[]);
    return self!.length === 1 ? following!.flatMap((entry) => this.parse(entry)) : null;
  }

  subscribe(listener: (event: LoggedMessageEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The event of a stream entry; none for an entry that is not one of ours (another version's, a hand-made
   * XADD): skipped, so that one bad entry cannot break every resume from before it.
   */
  private parse([id, fields]: Entry): LoggedMessageEvent[] {
    try {
      const event = JSON.parse(fields[1] ?? '') as Partial<NewMessageEvent> | null;
      if (!event || !MESSAGE_SID.test(event.messageSid ?? '') || !isMessageStatus(event.status ?? '') || (event.type !== 'STATUS_CHANGED' && event.type !== 'RECEIVED')) return [];
      return [{ ...(event as NewMessageEvent), cursor: this.cursorOf(id) }];
    } catch {
      return [];
    }
  }

  /** Stops the live feed and closes its connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
  }

  /** The live feed: reads the stream in order, from its end as it was when the log was made. */
  private async read(): Promise<void> {
    const reader = this.reader;
    let last = '$';
    while (!this.closed) {
      try {
        if (last === '$') {
          // A fixed starting point, so that nothing appended between two reads is skipped.
          const newest = (await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1)) as Entry[];
          last = newest[0]?.[0] ?? '0-0';
        }
        const batch = (await reader.xread('COUNT', 1_000, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.events, last)) as Array<[string, Entry[]]> | null;
        for (const entry of batch?.[0]?.[1] ?? []) {
          last = entry[0];
          for (const event of this.parse(entry)) for (const listener of this.listeners) listener(event);
        }
      } catch {
        // Redis is away: subscribers keep their streams and get what was appended once it is back.
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, reader.status === 'ready' ? 500 : 50));
      }
    }
  }
}
