/**
 * Send budgets on Redis: the same token bucket as in memory, one hash per caller updated by one script on
 * Redis's own clock, so that every replica draws from the same budget and their clocks cannot disagree.
 */
import type { Redis } from 'ioredis';
import type { SendRateLimits } from '../rate-limit.js';
import { guarded, type Keys } from './connection.js';

// KEYS[1]: the caller's bucket. ARGV[1]: sends per minute. Returns 0 when allowed, else whole seconds to wait.
const TAKE = `
local perMinute = tonumber(ARGV[1])
local perMs = perMinute / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or perMinute
local at = tonumber(bucket[2]) or now
tokens = math.min(perMinute, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.max(1, math.ceil((1 - tokens) / perMs / 1000)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 120000)
return wait
`;

/** Per-caller send budgets shared by every replica. */
export class RedisSendRateLimiter implements SendRateLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly perMinute: number,
  ) {}

  async take(callerId: string): Promise<number> {
    return Number(await guarded(this.redis.eval(TAKE, 1, this.keys.bucketOf(callerId), this.perMinute)));
  }
}
