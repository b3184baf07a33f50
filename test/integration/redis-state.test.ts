/** The Redis stores against the same state contract as the in-memory ones, on the machine's Redis. */
import type { Redis } from 'ioredis';
import { connectRedis, Keys, redisReady } from '../../src/state/redis/connection.js';
import { RedisEventLog } from '../../src/state/redis/event-log.js';
import { RedisMessageSnapshots } from '../../src/state/redis/message-snapshots.js';
import { RedisSendRateLimiter } from '../../src/state/redis/rate-limit.js';
import { RedisStatusBoard } from '../../src/state/redis/status-board.js';
import { eventLogContract, messageSnapshotsContract, sendRateLimitsContract, statusBoardContract } from '../support/state-contract.js';
import { deleteKeys, redisReachable, TEST_REDIS_URL, testPrefix } from '../support/redis.js';

const reachable = await redisReachable();
if (!reachable) console.warn(`Redis is not reachable at ${TEST_REDIS_URL}: the Redis-backed state tests are skipped.`);
const describeRedis = reachable ? describe : describe.skip;

describeRedis('state on Redis', () => {
  const prefix = testPrefix();
  const keys = new Keys(prefix);
  let redis: Redis;
  const logs: RedisEventLog[] = [];
  let n = 0;
  /** A prefix per store made, so that the stores of two tests never share keys. */
  const fresh = () => new Keys(`${prefix}${n++}:`);

  beforeAll(async () => {
    redis = connectRedis(TEST_REDIS_URL);
    await redisReady(redis);
  });
  afterAll(async () => {
    await Promise.all(logs.map((log) => log.close()));
    await deleteKeys(redis, keys.prefix);
    redis.disconnect();
  });

  statusBoardContract('redis', () => new RedisStatusBoard(redis, fresh()));
  sendRateLimitsContract('redis', (perMinute) => new RedisSendRateLimiter(redis, fresh(), perMinute));
  eventLogContract('redis', (capacity) => {
    const log = new RedisEventLog(redis, fresh(), capacity);
    logs.push(log);
    return log;
  });
  messageSnapshotsContract('redis', () => new RedisMessageSnapshots(redis, fresh()));
});
