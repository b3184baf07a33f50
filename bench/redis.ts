/** The machine's Redis for the benchmarks that put the gateway's state on it (`BENCH_REDIS_URL`). */
import { Redis } from 'ioredis';

export const BENCH_REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const connection = () => new Redis(BENCH_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });

/** True when Redis answers a PING. */
export async function redisAnswers(): Promise<boolean> {
  const probe = connection();
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Deletes the keys a benchmark's gateways left under `prefix` (sends are kept for a day otherwise). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = connection();
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // No Redis: nothing was written.
  } finally {
    redis.disconnect();
  }
}
