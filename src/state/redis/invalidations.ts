/**
 * Invalidations shared by every replica over Redis pub/sub (channel `<prefix>invalidations`). Fire and forget,
 * as pub/sub is: a replica that is disconnected when one is published misses it, and its cache's life bounds the
 * staleness that leaves (README).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalInvalidations, type Invalidation } from '../invalidations.js';
import type { Keys } from './connection.js';

export class RedisInvalidations extends LocalInvalidations {
  /** Names this replica in what it publishes: it has told its own listeners already. */
  private readonly origin = randomBytes(6).toString('hex');
  private subscriber: Redis | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** A connection of its own: one that subscribes can do nothing else. */
    private readonly connect: () => Redis,
  ) {
    super();
  }

  override publish(change: Invalidation): void {
    super.publish(change);
    const message = change.sid === null ? `${this.origin} added -` : `${this.origin} ${change.deleted ? 'deleted' : 'changed'} ${change.sid}`;
    this.redis.publish(this.keys.invalidations, message).catch(() => {});
  }

  override subscribe(listener: (change: Invalidation) => void): () => void {
    this.listen();
    return super.subscribe(listener);
  }

  /** Stops listening to the other replicas. */
  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private listen(): void {
    if (this.subscriber) return;
    const subscriber = this.connect();
    this.subscriber = subscriber;
    // ioredis subscribes again by itself after a reconnect.
    subscriber.subscribe(this.keys.invalidations).catch(() => {});
    subscriber.on('message', (_channel: string, message: string) => {
      const [origin, kind, sid] = message.split(' ');
      if (origin === this.origin || !sid) return;
      if (kind === 'added') super.publish({ sid: null, deleted: false });
      else if (kind === 'changed' || kind === 'deleted') super.publish({ sid, deleted: kind === 'deleted' });
    });
  }
}
