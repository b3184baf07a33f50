/** The in-memory state stores against the shared state contract. */
import type { WireMessage, WireMessageStatus } from '../../src/protocol/wire.js';
import { LocalStatusEvents } from '../../src/state/status-events.js';
import { MemoryEventLog } from '../../src/state/event-log.js';
import { idempotencyKeyProblem, MemoryIdempotencyStore } from '../../src/state/idempotency.js';
import { MemoryMessageSnapshots } from '../../src/state/message-snapshots.js';
import { MemorySendRateLimiter } from '../../src/state/rate-limit.js';
import { MemoryStatusBoard } from '../../src/state/status-board.js';
import { eventLogContract, idempotencyContract, messageSnapshotsContract, sendRateLimitsContract, statusBoardContract, statusEventsContract } from '../support/state-contract.js';

statusBoardContract('memory', () => new MemoryStatusBoard());
sendRateLimitsContract('memory', (perMinute) => new MemorySendRateLimiter(perMinute));
idempotencyContract('memory', () => new MemoryIdempotencyStore());
eventLogContract('memory', (capacity) => new MemoryEventLog(capacity));
messageSnapshotsContract('memory', () => new MemoryMessageSnapshots());
statusEventsContract('memory', () => {
  const board = new MemoryStatusBoard();
  const log = new MemoryEventLog();
  return { events: new LocalStatusEvents(board, log), board, log };
});

describe('memory: MessageSnapshots', () => {
  const message = (n: number, status: WireMessageStatus): WireMessage => ({ sid: `SM${String(n).padStart(32, '0')}`, status }) as WireMessage;

  it('forgets the least recently kept beyond its capacity', () => {
    const snapshots = new MemoryMessageSnapshots(2);
    for (const n of [1, 2, 3]) snapshots.put(message(n, 'sent'));
    snapshots.put(message(2, 'delivered'));
    snapshots.put(message(4, 'sent'));
    expect(snapshots.get(message(1, 'sent').sid!)).toBeNull();
    expect(snapshots.get(message(3, 'sent').sid!)).toBeNull();
    expect(snapshots.get(message(2, 'sent').sid!)?.status).toBe('delivered');
  });
});

describe('idempotency keys', () => {
  it.each([[''], ['k'.repeat(256)], ['has space'], ['naïve']])('refuses the key %j', (key) => {
    expect(idempotencyKeyProblem(key)).toMatch(/1 to 255 visible ASCII/);
  });

  it('accepts a UUID', () => {
    expect(idempotencyKeyProblem('0f8fad5b-d9cb-469f-a165-70867728950e')).toBeNull();
  });
});
