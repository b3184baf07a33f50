/**
 * The status board on Redis: one key per message holding its rank, whether it is terminal, and its status,
 * updated by one script, so that callbacks racing on several replicas still only move a status forward and
 * only one of them is told that it moved it.
 */
import type { Redis } from 'ioredis';
import { isMessageStatus, isTerminal, statusRank } from '../../protocol/lifecycle.js';
import type { WireMessageStatus } from '../../protocol/wire.js';
import type { Recorded, StatusBoard } from '../status-board.js';
import { guarded, type Keys } from './connection.js';

/** Statuses are kept this long after their last change (Twilio stops calling back long before). */
const TTL_SECONDS = 7 * 24 * 3600;

/**
 * Lua, KEYS[1] the message's key, ARGV the candidate's rank, 1 when terminal, status, TTL: returns {held, 0}
 * unless the candidate moves the status forward. Shared with the script that also logs the event.
 */
export const RETURN_UNLESS_FORWARD = `
local current = redis.call('GET', KEYS[1])
if current then
  local rank, terminal, status = string.match(current, '^(%d+)|(%d)|(.+)$')
  if terminal == '1' or tonumber(ARGV[1]) <= tonumber(rank) then return {status, 0} end
end
`;
/** Lua: the candidate becomes the message's status. */
export const WRITE_STATUS = `redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'EX', ARGV[4])\n`;
/** Returns {status, changed}. */
const RECORD = `${RETURN_UNLESS_FORWARD}${WRITE_STATUS}return {ARGV[3], 1}`;

/** The script's arguments for a candidate status: rank, terminal, status, TTL. */
export const statusArgs = (status: WireMessageStatus): Array<string | number> => [statusRank(status), isTerminal(status) ? 1 : 0, status, TTL_SECONDS];

/** Statuses reported per message SID, on Redis. */
export class RedisStatusBoard implements StatusBoard {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async record(sid: string, status: WireMessageStatus): Promise<Recorded> {
    const [held, changed] = (await guarded(this.redis.eval(RECORD, 1, this.keys.statusOf(sid), ...statusArgs(status)))) as [string, number];
    if (!isMessageStatus(held)) throw new Error('The status board holds an unknown status');
    return { status: held, changed: changed === 1 };
  }

  async get(sid: string): Promise<WireMessageStatus | undefined> {
    // Never fails (see the port): without Redis the board knows nothing, and reads show Twilio's answer.
    const value = await this.redis.get(this.keys.statusOf(sid)).catch(() => null);
    const status = value?.slice(value.lastIndexOf('|') + 1);
    return status && isMessageStatus(status) ? status : undefined;
  }
}
