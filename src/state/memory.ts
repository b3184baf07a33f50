/** The process's state in its own memory: what one replica needs, and what tests start fresh. */
import { MemoryEventLog, type EventLog } from './event-log.js';
import { MemoryMessageSnapshots, type MessageSnapshots } from './message-snapshots.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { LocalInvalidations, type Invalidations } from './invalidations.js';
import { soleReplica, type PollLeases } from './poll-leases.js';
import { MemorySendRateLimiter, type SendRateLimits } from './rate-limit.js';
import { MemoryStatusBoard, type StatusBoard } from './status-board.js';
import { LocalStatusEvents, type StatusEvents } from './status-events.js';

/** Every piece of state the gateway shares across requests, behind its port. */
export interface State {
  /** Results of createMessage by (caller, idempotency key). */
  idempotency: IdempotencyStore;
  sendRateLimiter: SendRateLimits;
  /** Statuses reported by status callbacks, newer than Twilio's answers may be. */
  statusBoard: StatusBoard;
  /** Message events for subscriptions. */
  eventLog: EventLog;
  /** A reported status and its event, recorded together (webhooks and status polls write through it). */
  statusEvents: StatusEvents;
  /** The last full copy of recent messages, which events carry. */
  snapshots: MessageSnapshots;
  /** Which replica polls a watched message. */
  pollLeases: PollLeases;
  /** News of changed messages, for every replica's read cache. */
  invalidations: Invalidations;
  /** False while a shared store cannot be reached (the gateway is then not ready). */
  ready(): boolean;
  /** Lets go of connections and readers. */
  close(): Promise<void>;
}

/** State in memory, with the configured send budget per caller per minute. */
export function createMemoryState(options: { sendRateLimitPerMinute: number }): State {
  const statusBoard = new MemoryStatusBoard();
  const eventLog = new MemoryEventLog();
  return {
    idempotency: new MemoryIdempotencyStore(),
    sendRateLimiter: new MemorySendRateLimiter(options.sendRateLimitPerMinute),
    statusBoard,
    eventLog,
    statusEvents: new LocalStatusEvents(statusBoard, eventLog),
    snapshots: new MemoryMessageSnapshots(),
    pollLeases: soleReplica,
    invalidations: new LocalInvalidations(),
    ready: () => true,
    close: async () => {},
  };
}
