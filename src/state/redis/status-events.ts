/**
 * Statuses and their events on Redis, in one script: the status moves forward and its event is appended to the
 * stream, or neither. The event goes first: a script that fails half-way (Redis out of memory) then leaves the
 * status unmoved, and the next report of it logs the event.
 */
import type { Redis } from 'ioredis';
import { isMessageStatus } from '../../protocol/lifecycle.js';
import type { NewMessageEvent } from '../event-log.js';
import type { RecordedEvent, StatusEvents } from '../status-events.js';
import { guarded, type Keys } from './connection.js';
import type { RedisEventLog } from './event-log.js';
import { RETURN_UNLESS_FORWARD, statusArgs, WRITE_STATUS } from './status-board.js';

// KEYS: the message's status key, the stream. ARGV: rank, terminal, status, TTL, the stream's MAXLEN, the event's JSON.
const RECORD_AND_LOG = `${RETURN_UNLESS_FORWARD}local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], '*', 'e', ARGV[6])
${WRITE_STATUS}return {ARGV[3], id}`;

export class RedisStatusEvents implements StatusEvents {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly log: RedisEventLog,
  ) {}

  async record(event: NewMessageEvent): Promise<RecordedEvent> {
    const args = [...statusArgs(event.status), this.log.capacity, JSON.stringify(event)];
    const [held, id] = (await guarded(this.redis.eval(RECORD_AND_LOG, 2, this.keys.statusOf(event.messageSid), this.keys.events, ...args))) as [string, string | number];
    if (!isMessageStatus(held)) throw new Error('The status board holds an unknown status');
    if (typeof id !== 'string') return { status: held, changed: false, logged: null };
    return { status: held, changed: true, logged: { ...event, cursor: this.log.cursorOf(id) } };
  }
}
