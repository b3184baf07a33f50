/**
 * Who asks Twilio about a watched message: with several replicas, each one watching the same message would
 * otherwise poll it too. A lease per message and round lets one replica poll; the others hear the result
 * through the shared event log like any callback.
 */
import type { Awaitable } from './types.js';

/** Leases on polling a message, one holder at a time. */
export interface PollLeases {
  /** True when this process may poll message `sid` now; the lease then holds for `ms`. */
  acquire(sid: string, ms: number): Awaitable<boolean>;
}

/** One process: it always holds the lease. */
export const soleReplica: PollLeases = { acquire: () => true };
