/**
 * A reported status and its event, recorded in one step: the board moves the status forward and, when it moved,
 * the event goes into the log. On a shared store one script does both: a replica that died between two calls
 * would leave a status moved without its event, and no later report would publish it (the board already holds it).
 */
import type { EventLog, LoggedMessageEvent, NewMessageEvent } from './event-log.js';
import type { Recorded, StatusBoard } from './status-board.js';
import type { Awaitable } from './types.js';

/** What recording a status did: the board's status, whether it moved, and the event logged when it did. */
export interface RecordedEvent extends Recorded {
  logged: LoggedMessageEvent | null;
}

/** Statuses and their events, together. */
export interface StatusEvents {
  /**
   * Records `event.status` for `event.messageSid` and appends `event` when that moved the status. A shared store
   * that cannot be reached throws StateUnavailableError, having done both or neither.
   */
  record(event: NewMessageEvent): Awaitable<RecordedEvent>;
}

/** Both in this process: one board, one log, nothing between them to fail. */
export class LocalStatusEvents implements StatusEvents {
  constructor(
    private readonly board: StatusBoard,
    private readonly log: EventLog,
  ) {}

  async record(event: NewMessageEvent): Promise<RecordedEvent> {
    const recorded = await this.board.record(event.messageSid, event.status);
    return { ...recorded, logged: recorded.changed ? await this.log.append(event) : null };
  }
}
