/** The state every replica shares, on Redis (`REDIS_URL`, keys under `REDIS_KEY_PREFIX`). */
import type { Logger } from '../../telemetry/log.js';
import type { State } from '../memory.js';
import { connectRedis, Keys } from './connection.js';
import { READER_TIMEOUT_MS, RedisEventLog } from './event-log.js';
import { RedisIdempotencyStore } from './idempotency.js';
import { RedisInvalidations } from './invalidations.js';
import { RedisMessageSnapshots } from './message-snapshots.js';
import { RedisPollLeases } from './poll-leases.js';
import { RedisSendRateLimiter } from './rate-limit.js';
import { RedisStatusBoard } from './status-board.js';
import { RedisStatusEvents } from './status-events.js';

/**
 * State on the Redis at `url`. It connects in the background and reconnects on its own; until Redis answers,
 * `ready()` is false, sends are refused with StateUnavailableError and reads go on without it.
 */
export function createRedisState(options: { url: string; keyPrefix: string; sendRateLimitPerMinute: number; logger: Logger }): State {
  const redis = connectRedis(options.url);
  // ioredis reports every failed reconnect as an 'error' event (unheard, Node would crash the process): one
  // line when Redis goes away and one when it is back, not one per attempt.
  let up = false;
  let reported = false;
  redis.on('error', (error: Error) => {
    // Once per outage, the first one included (a wrong host at start-up says so); the URL's password is not in it.
    if (!up && reported) return;
    up = false;
    reported = true;
    options.logger('warn', 'redis.unavailable', { message: error.message.slice(0, 200) });
  });
  redis.on('close', () => {
    if (up) options.logger('warn', 'redis.unavailable', { message: 'connection closed' });
    up = false;
  });
  redis.on('ready', () => {
    up = true;
    reported = false;
    options.logger('info', 'redis.ready', {});
  });
  const keys = new Keys(options.keyPrefix);
  const eventLog = new RedisEventLog(redis, keys, 10_000, () => {
    // Its blocking reads wait up to BLOCK_MS: a longer timeout for them.
    const reader = redis.duplicate({ commandTimeout: READER_TIMEOUT_MS });
    reader.on('error', () => {});
    return reader;
  });
  const invalidations = new RedisInvalidations(redis, keys, () => {
    // Subscribing waits for the connection instead of failing while Redis is still connecting.
    const subscriber = redis.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => {});
    return subscriber;
  });
  return {
    idempotency: new RedisIdempotencyStore(redis, keys),
    sendRateLimiter: new RedisSendRateLimiter(redis, keys, options.sendRateLimitPerMinute),
    statusBoard: new RedisStatusBoard(redis, keys),
    eventLog,
    statusEvents: new RedisStatusEvents(redis, keys, eventLog),
    snapshots: new RedisMessageSnapshots(redis, keys),
    pollLeases: new RedisPollLeases(redis, keys),
    invalidations,
    ready: () => redis.status === 'ready',
    async close() {
      await eventLog.close();
      invalidations.close();
      redis.disconnect();
    },
  };
}
