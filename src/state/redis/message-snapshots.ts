/** Message snapshots on Redis: one JSON value per message, kept for a day. */
import type { Redis } from 'ioredis';
import type { WireMessage } from '../../protocol/wire.js';
import type { MessageSnapshots } from '../message-snapshots.js';
import type { Keys } from './connection.js';

const TTL_SECONDS = 24 * 3600;

/** Recent messages by SID, shared by every replica. */
export class RedisMessageSnapshots implements MessageSnapshots {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(sid: string): Promise<WireMessage | null> {
    const value = await this.redis.get(this.keys.snapshotOf(sid)).catch(() => null);
    return value ? (JSON.parse(value) as WireMessage) : null;
  }

  async put(message: WireMessage): Promise<void> {
    if (!message.sid) return;
    // Never fails (see the port): without Redis the copy is lost and the next event asks Twilio.
    await this.redis.set(this.keys.snapshotOf(message.sid), JSON.stringify(message), 'EX', TTL_SECONDS).catch(() => undefined);
  }
}
