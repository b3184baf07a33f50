/**
 * Idempotency keys on Redis, so that one key sent to two replicas still makes one send. One hash per
 * (caller, key) holds the input's fingerprint, the state of the first call (`running`, `done`, `failed`),
 * the token of the claim that runs it, its lease and, once done, its result. Claiming is one script: exactly
 * one replica is told `first`; the others replay, which on Redis means waiting for the outcome to be written.
 *
 * While the first call runs, its replica renews the lease. A replica that dies mid-send stops renewing; once
 * the lease has lapsed, a waiting replay marks the key `failed` (outcome unknown) instead of sending again:
 * nobody can tell whether that send reached Twilio. A first call that failed having sent nothing deletes the
 * key, and a replay still waiting then claims it itself.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Claim, IdempotencyStore } from '../idempotency.js';
import { OutcomeUnknownError } from '../types.js';
import { guarded, type Keys } from './connection.js';

// Redis's clock, in ms, so that replicas whose clocks disagree still agree on leases.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS[1]: the key's hash. ARGV: fingerprint, claim token, lease ms, retention s. Returns first | replay | conflict.
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  ${NOW}
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'running', 'token', ARGV[2], 'lease', now + tonumber(ARGV[3]))
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  return 'first'
end
if redis.call('HGET', KEYS[1], 'fp') == ARGV[1] then return 'replay' end
return 'conflict'
`;

// KEYS[1]. Returns {state, result}: state is gone (freed), running, done or failed; a lapsed lease becomes failed.
const LOOK = `
local held = redis.call('HMGET', KEYS[1], 'state', 'result', 'lease')
if not held[1] then return {'gone', ''} end
if held[1] == 'running' then
  ${NOW}
  if now <= tonumber(held[3]) then return {'running', ''} end
  redis.call('HSET', KEYS[1], 'state', 'failed')
  return {'failed', ''}
end
return {held[1], held[2] or ''}
`;

// KEYS[1]. ARGV: claim token, lease ms. Extends the lease of a call still running under this claim.
const RENEW = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
${NOW}
redis.call('HSET', KEYS[1], 'lease', now + tonumber(ARGV[2]))
return 1
`;

// KEYS[1]. ARGV: claim token, state (done | failed | free), result, retention s. Only the claim's own holder
// writes its outcome; a real outcome replaces the "unknown" a replay may have concluded while Redis was away.
const SETTLE = `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if ARGV[2] == 'free' then return redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'result', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** Timings of claims; tests shorten them. */
export interface IdempotencyTimings {
  /** How long a claim's holder is presumed alive without renewing. */
  leaseMs: number;
  /** How long a key and its outcome are kept. */
  retentionMs: number;
  /** The longest pause between two looks of a waiting replay. */
  maxPollMs: number;
  /** How long a replica keeps trying to write an outcome Redis could not take at first. */
  settleRetryMs: number;
}

const DEFAULT_TIMINGS: IdempotencyTimings = { leaseMs: 10_000, retentionMs: 24 * 3_600_000, maxPollMs: 250, settleRetryMs: 5 * 60_000 };
const SETTLE_RETRY_PAUSE_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys of sends shared by every replica. Results must survive JSON (createMessage's payloads do). */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly timings: IdempotencyTimings;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    timings: Partial<IdempotencyTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  async claim<T>(callerId: string, key: string, inputFingerprint: string, task: () => Promise<T>, nothingSent: (error: unknown) => boolean): Promise<Claim<T>> {
    const id = this.keys.idempotencyOf(callerId, key);
    const token = randomBytes(12).toString('base64url');
    const kind = await this.claimOnce(id, inputFingerprint, token);
    if (kind === 'conflict') return { kind };
    if (kind === 'first') return { kind, result: this.run(id, token, task, nothingSent) };
    return { kind, result: this.outcome(id, inputFingerprint, task, nothingSent) };
  }

  private async claimOnce(id: string, inputFingerprint: string, token: string): Promise<'first' | 'replay' | 'conflict'> {
    const retention = Math.ceil(this.timings.retentionMs / 1000);
    return (await guarded(this.redis.eval(CLAIM, 1, id, inputFingerprint, token, this.timings.leaseMs, retention))) as 'first' | 'replay' | 'conflict';
  }

  /** Runs the first call, renewing its lease meanwhile, and writes its outcome for the replays. */
  private async run<T>(id: string, token: string, task: () => Promise<T>, nothingSent: (error: unknown) => boolean): Promise<T> {
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, id, token, this.timings.leaseMs).catch(() => undefined), this.timings.leaseMs / 3);
    renew.unref();
    try {
      const value = await task();
      await this.settle(id, token, 'done', JSON.stringify(value ?? null), renew);
      return value;
    } catch (error) {
      await this.settle(id, token, nothingSent(error) ? 'free' : 'failed', '', renew);
      throw error;
    }
  }

  /**
   * Writes a first call's outcome. When Redis is away (the send went out, the outcome cannot be written), the
   * caller still gets its answer, and this replica keeps trying for a while, renewing the lease meanwhile, so
   * that replays wait for the real outcome instead of concluding it is unknown. A replica that dies before it
   * can write leaves the key to lapse into "unknown": never a second send.
   */
  private async settle(id: string, token: string, state: 'done' | 'failed' | 'free', result: string, renew: NodeJS.Timeout): Promise<void> {
    const retention = Math.ceil(this.timings.retentionMs / 1000);
    const write = () => this.redis.eval(SETTLE, 1, id, token, state, result, retention).then(() => true, () => false);
    if (await write()) return void clearInterval(renew);
    const giveUpAt = Date.now() + this.timings.settleRetryMs;
    const retry = async (): Promise<void> => {
      if ((await write()) || Date.now() > giveUpAt) return void clearInterval(renew);
      setTimeout(() => void retry(), SETTLE_RETRY_PAUSE_MS).unref();
    };
    setTimeout(() => void retry(), SETTLE_RETRY_PAUSE_MS).unref();
  }

  /** A replay's result: waits for the first call's outcome; a key freed meanwhile is claimed again. */
  private async outcome<T>(id: string, inputFingerprint: string, task: () => Promise<T>, nothingSent: (error: unknown) => boolean): Promise<T> {
    for (let pause = 10; ; pause = Math.min(this.timings.maxPollMs, pause * 2)) {
      const [state, result] = (await guarded(this.redis.eval(LOOK, 1, id))) as [string, string];
      if (state === 'done') return JSON.parse(result) as T;
      if (state === 'failed') {
        throw new OutcomeUnknownError('The first request with this idempotencyKey ended without a known outcome; the message may have been sent. Check the messages list before sending again with a new key.');
      }
      if (state === 'gone') {
        // The first call proved nothing was sent and freed the key: this call may send, if it claims the key first.
        const token = randomBytes(12).toString('base64url');
        const kind = await this.claimOnce(id, inputFingerprint, token);
        if (kind === 'first') return this.run(id, token, task, nothingSent);
        if (kind === 'conflict') throw new OutcomeUnknownError('This idempotencyKey was taken by a request with different input meanwhile.');
      }
      await sleep(pause);
    }
  }
}
