/**
 * The Redis connection of the shared state (`REDIS_URL`), and the names of its keys under `REDIS_KEY_PREFIX`.
 * Commands fail at once while Redis is unreachable (no offline queue): a send must be refused then, not held
 * until Redis comes back and sent late.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { StateUnavailableError } from '../types.js';

/** The longest a command may take before it fails. */
export const COMMAND_TIMEOUT_MS = 2_000;

/** A connection to `url` that reconnects on its own and never queues commands while disconnected. */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A Redis that stops answering without closing the connection (a partition, a paused server) must fail
    // commands, not hold sends forever.
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 3_000,
    keepAlive: 5_000,
    // A command whose reply was lost in a reset may have run: resending it would run a script twice (a status
    // recorded twice publishes no event). It fails instead, through the STATE_UNAVAILABLE paths.
    autoResendUnfulfilledCommands: false,
    // Reconnects back off to at most 2 s, forever: Redis coming back is the normal end of an outage.
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)),
  });
}

/** Key names under one prefix, so that several gateways (or test runs) can share a Redis. */
export class Keys {
  constructor(readonly prefix: string) {}

  statusOf(sid: string): string {
    return `${this.prefix}status:${sid}`;
  }
  bucketOf(callerId: string): string {
    return `${this.prefix}sends:${callerId}`;
  }
  snapshotOf(sid: string): string {
    return `${this.prefix}message:${sid}`;
  }
  /** Callers' ids and keys are hashed: any length, any characters, one fixed-size Redis key. */
  idempotencyOf(callerId: string, key: string): string {
    return `${this.prefix}idem:${createHash('sha256').update(`${callerId}\u0000${key}`).digest('base64url')}`;
  }
  pollLeaseOf(sid: string): string {
    return `${this.prefix}poll:${sid}`;
  }
  get events(): string {
    return `${this.prefix}events`;
  }
  get invalidations(): string {
    return `${this.prefix}invalidations`;
  }
}

/** Resolves once `redis` is connected and ready; rejects after `timeoutMs`. */
export function redisReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis was not ready within ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `command`'s answer; any failure of it becomes a {@link StateUnavailableError} (its text may name Redis's address). */
export async function guarded<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch {
    throw new StateUnavailableError();
  }
}
