/** The in-memory state stores against the shared state contract. */
import { MemoryEventLog } from '../../src/state/event-log.js';
import { MemoryIdempotencyStore } from '../../src/state/idempotency.js';
import { MemorySendRateLimiter } from '../../src/state/rate-limit.js';
import { MemoryStatusBoard } from '../../src/state/status-board.js';
import { eventLogContract, idempotencyContract, sendRateLimitsContract, statusBoardContract } from '../support/state-contract.js';

statusBoardContract('memory', () => new MemoryStatusBoard());
sendRateLimitsContract('memory', (perMinute) => new MemorySendRateLimiter(perMinute));
idempotencyContract('memory', () => new MemoryIdempotencyStore());
eventLogContract('memory', (capacity) => new MemoryEventLog(capacity));
