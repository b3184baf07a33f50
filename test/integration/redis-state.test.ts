/** The Redis stores against the same state contract as the in-memory ones, on the machine's Redis. */
import type { Redis } from 'ioredis';
import { connectRedis, Keys, redisReady } from '../../src/state/redis/connection.js';
import { RedisEventLog } from '../../src/state/redis/event-log.js';
import { RedisMessageSnapshots } from '../../src/state/redis/message-snapshots.js';
import { RedisSendRateLimiter } from '../../src/state/redis/rate-limit.js';
import { RedisStatusBoard } from '../../src/state/redis/status-board.js';
import { RedisIdempotencyStore } from '../../src/state/redis/idempotency.js';
import { RedisPollLeases } from '../../src/state/redis/poll-leases.js';
import { RedisStatusEvents } from '../../src/state/redis/status-events.js';
import { OutcomeUnknownError, StateUnavailableError } from '../../src/state/types.js';
import { eventLogContract, idempotencyContract, messageSnapshotsContract, sendRateLimitsContract, statusBoardContract, statusEventsContract } from '../support/state-contract.js';
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
  statusEventsContract('redis', () => {
    const k = fresh();
    const log = new RedisEventLog(redis, k);
    logs.push(log);
    return { events: new RedisStatusEvents(redis, k, log), board: new RedisStatusBoard(redis, k), log };
  });

  it('records a status and its event in one script: when the event cannot be logged, the status does not move either', async () => {
    const k = fresh();
    const log = new RedisEventLog(redis, k);
    logs.push(log);
    const events = new RedisStatusEvents(redis, k, log);
    const board = new RedisStatusBoard(redis, k);
    const sid = 'SM' + 'e'.repeat(32);
    // The stream's key holds something else: XADD fails inside the script.
    await redis.set(k.events, 'not a stream');
    await expect(events.record({ type: 'STATUS_CHANGED', messageSid: sid, status: 'sent', from: null, to: null, occurredAt: 1 })).rejects.toThrow(StateUnavailableError);
    expect(await board.get(sid)).toBeUndefined();
    await redis.del(k.events);
    // Reported again (Twilio's retry, or a poll), it moves the status and logs the event.
    expect(await events.record({ type: 'STATUS_CHANGED', messageSid: sid, status: 'sent', from: null, to: null, occurredAt: 1 })).toMatchObject({ changed: true, logged: { status: 'sent' } });
  });
  idempotencyContract('redis', () => new RedisIdempotencyStore(redis, fresh()));

  describe('redis: IdempotencyStore across replicas', () => {
    const never = () => false;
    const resultOf = <T>(claim: { kind: string; result?: Promise<T> }) => claim.result ?? Promise.reject(new Error(claim.kind));

    it('runs a key once when two stores on their own connections claim it at the same time', async () => {
      const k = fresh();
      const other = redis.duplicate();
      try {
        await redisReady(other);
        const stores = [new RedisIdempotencyStore(redis, k), new RedisIdempotencyStore(other, k)];
        let runs = 0;
        const task = async () => {
          runs++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { sent: runs };
        };
        const claims = await Promise.all(stores.flatMap((store) => [1, 2, 3].map(() => store.claim('caller', 'key', 'fp', task, never))));
        expect(claims.filter((c) => c.kind === 'first')).toHaveLength(1);
        expect(await Promise.all(claims.map(resultOf))).toEqual(Array(6).fill({ sent: 1 }));
        expect(runs).toBe(1);
      } finally {
        other.disconnect();
      }
    });

    it('after the holder stops renewing its lease, a replay says the outcome is unknown and never runs again', async () => {
      const k = fresh();
      const leaseMs = 150;
      const dying = new RedisIdempotencyStore(redis, k, { leaseMs });
      // A holder whose replica dies mid-send: its task never settles; its lease renewal is stopped by cutting its connection.
      const holderConnection = redis.duplicate();
      await redisReady(holderConnection);
      const holder = new RedisIdempotencyStore(holderConnection, k, { leaseMs });
      await holder.claim('caller', 'key', 'fp', () => new Promise<never>(() => {}), never);
      holderConnection.disconnect();
      let ranAgain = false;
      const replay = await dying.claim('caller', 'key', 'fp', async () => ((ranAgain = true), 'again'), never);
      expect(replay.kind).toBe('replay');
      await expect(resultOf(replay)).rejects.toBeInstanceOf(OutcomeUnknownError);
      expect(ranAgain).toBe(false);
      // Later calls with the key say the same; the key is not freed.
      await expect(resultOf(await dying.claim('caller', 'key', 'fp', async () => 'again', never))).rejects.toBeInstanceOf(OutcomeUnknownError);
      expect(ranAgain).toBe(false);
    });

    it('a replay waiting on a first run that sent nothing claims the key and runs it once', async () => {
      const store = new RedisIdempotencyStore(redis, fresh());
      const notSent = new Error('not sent');
      let fail: () => void = () => {};
      const first = await store.claim('caller', 'key', 'fp', () => new Promise<string>((_resolve, reject) => (fail = () => reject(notSent))), (e) => e === notSent);
      let runs = 0;
      const replay = await store.claim('caller', 'key', 'fp', async () => `ran ${++runs}`, (e) => e === notSent);
      fail();
      await expect(resultOf(first)).rejects.toBe(notSent);
      expect(await resultOf(replay)).toBe('ran 1');
      expect(runs).toBe(1);
    });
  });

  it('redis: EventLog skips stream entries that are not its events, instead of failing every resume', async () => {
    const k = fresh();
    const log = new RedisEventLog(redis, k, 100);
    logs.push(log);
    const first = await log.append({ type: 'RECEIVED', messageSid: 'SM' + 'e'.repeat(32), status: 'received', from: '+1', to: '+2', occurredAt: 1 });
    await redis.xadd(k.events, '*', 'e', '{not json');
    await redis.xadd(k.events, '*', 'e', 'null');
    await redis.xadd(k.events, '*', 'e', JSON.stringify({ type: 'RECEIVED', messageSid: 'undefined', status: 'received' }));
    const last = await log.append({ type: 'STATUS_CHANGED', messageSid: 'SM' + 'f'.repeat(32), status: 'sent', from: '+1', to: '+2', occurredAt: 2 });
    expect(((await log.after(null, 10)) ?? []).map((e) => e.cursor)).toEqual([first.cursor, last.cursor]);
    expect(((await log.after(first.cursor, 10)) ?? []).map((e) => e.cursor)).toEqual([last.cursor]);
  });

  describe('redis: PollLeases', () => {
    it('gives the lease on a message to one holder until it lapses', async () => {
      const leases = new RedisPollLeases(redis, fresh());
      const sid = 'SM' + 'd'.repeat(32);
      expect(await Promise.all([leases.acquire(sid, 100), leases.acquire(sid, 100), leases.acquire(sid, 100)])).toEqual([true, false, false]);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await leases.acquire(sid, 100)).toBe(true);
    });
  });
});
