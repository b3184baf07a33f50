/** Poll leases on Redis: `SET NX PX`, so that one replica per round asks Twilio about a watched message. */
import type { Redis } from 'ioredis';
import type { PollLeases } from '../poll-leases.js';
import type { Keys } from './connection.js';

/** Leases shared by every replica. */
export class RedisPollLeases implements PollLeases {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async acquire(sid: string, ms: number): Promise<boolean> {
    // Without Redis, polling anyway is the lesser harm: a subscriber still learns its message's status.
    const set = await this.redis.set(this.keys.pollLeaseOf(sid), '1', 'PX', Math.max(1, Math.round(ms)), 'NX').catch(() => 'OK');
    return set === 'OK';
  }
}
