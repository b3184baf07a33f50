/**
 * The behaviour every implementation of the state ports must have, as test suites to run against each one
 * (the in-memory stores now; shared stores later only have to pass the same suites).
 */
import type { EventLog, NewMessageEvent } from '../../src/state/event-log.js';
import type { WireMessage, WireMessageStatus } from '../../src/protocol/wire.js';
import type { IdempotencyStore } from '../../src/state/idempotency.js';
import { OutcomeUnknownError } from '../../src/state/types.js';
import type { MessageSnapshots } from '../../src/state/message-snapshots.js';
import type { SendRateLimits } from '../../src/state/rate-limit.js';
import type { StatusBoard } from '../../src/state/status-board.js';
import type { StatusEvents } from '../../src/state/status-events.js';

const sid = () => 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32);

/** Statuses only move forward; a failure is final. */
export function statusBoardContract(name: string, make: () => StatusBoard): void {
  describe(`${name}: StatusBoard`, () => {
    it('knows nothing of a message no callback reported', async () => {
      expect(await make().get(sid())).toBeUndefined();
    });

    it('says a duplicate report changed nothing', async () => {
      const board = make();
      const message = sid();
      expect(await board.record(message, 'sent')).toEqual({ status: 'sent', changed: true });
      expect(await board.record(message, 'sent')).toEqual({ status: 'sent', changed: false });
    });

    it('moves forward: queued → sent → delivered → read', async () => {
      const board = make();
      const message = sid();
      for (const status of ['queued', 'sent', 'delivered', 'read'] as const) expect(await board.record(message, status)).toEqual({ status, changed: true });
      expect(await board.get(message)).toBe('read');
    });

    it.each([
      ['delivered', 'sent'],
      ['sent', 'queued'],
      ['failed', 'read'],
      ['failed', 'delivered'],
      ['undelivered', 'read'],
      ['canceled', 'delivered'],
    ] as const)('keeps %s when %s comes later', async (first, later) => {
      const board = make();
      const message = sid();
      await board.record(message, first);
      expect(await board.record(message, later)).toEqual({ status: first, changed: false });
      expect(await board.get(message)).toBe(first);
    });
  });
}

/** A burst up to the limit per caller, then a wait. */
export function sendRateLimitsContract(name: string, make: (perMinute: number) => SendRateLimits): void {
  describe(`${name}: SendRateLimits`, () => {
    it('allows a burst up to the limit, then asks to wait, per caller', async () => {
      const limits = make(3);
      const [a, b] = [sid(), sid()];
      expect([await limits.take(a), await limits.take(a), await limits.take(a)]).toEqual([0, 0, 0]);
      expect(await limits.take(a)).toBeGreaterThan(0);
      expect(await limits.take(b)).toBe(0);
    });
  });
}

/** One run per (caller, key, input); other input is a conflict; failures that sent nothing free the key. */
export function idempotencyContract(name: string, make: () => IdempotencyStore): void {
  describe(`${name}: IdempotencyStore`, () => {
    const never = () => false;

    it('runs the task once, replays it for the same input, refuses other input, and keeps callers apart', async () => {
      const store = make();
      let runs = 0;
      const task = async () => `sent ${++runs}`;
      const first = await store.claim('caller', 'k', 'input-a', task, never);
      const replay = await store.claim('caller', 'k', 'input-a', task, never);
      const conflict = await store.claim('caller', 'k', 'input-b', task, never);
      const otherCaller = await store.claim('someone', 'k', 'input-b', task, never);
      expect([first.kind, replay.kind, conflict.kind, otherCaller.kind]).toEqual(['first', 'replay', 'conflict', 'first']);
      expect(first.kind !== 'conflict' && (await first.result)).toBe('sent 1');
      expect(replay.kind !== 'conflict' && (await replay.result)).toBe('sent 1');
      expect(runs).toBe(2);
    });

    it('gives concurrent claims the one running result', async () => {
      const store = make();
      let runs = 0;
      let finish: (value: string) => void = () => {};
      const task = () => {
        runs++;
        return new Promise<string>((resolve) => (finish = resolve));
      };
      const claims = await Promise.all([1, 2, 3].map(() => store.claim('caller', 'k', 'input', task, never)));
      finish('once');
      expect(await Promise.all(claims.map((c) => (c.kind === 'conflict' ? null : c.result)))).toEqual(['once', 'once', 'once']);
      expect(runs).toBe(1);
    });

    it('frees the key after a failure that sent nothing, and keeps it after any other', async () => {
      const store = make();
      const notSent = new Error('not sent');
      const unknown = new Error('outcome unknown');
      const nothingSent = (error: unknown) => error === notSent;
      const failing = (error: Error) => () => Promise.reject(error);
      const a = await store.claim('caller', 'free', 'input', failing(notSent), nothingSent);
      await expect(a.kind === 'conflict' ? null : a.result).rejects.toBe(notSent);
      expect((await store.claim('caller', 'free', 'input', async () => 'again', nothingSent)).kind).toBe('first');
      const b = await store.claim('caller', 'kept', 'input', failing(unknown), nothingSent);
      await expect(b.kind === 'conflict' ? null : b.result).rejects.toBe(unknown);
      let ranAgain = false;
      const replay = await store.claim('caller', 'kept', 'input', async () => ((ranAgain = true), 'again'), nothingSent);
      expect(replay.kind).toBe('replay');
      // In memory the very error; a shared store says the outcome is unknown. Never a second run.
      const error: unknown = await (replay.kind === 'conflict' ? null : replay.result)?.catch((e: unknown) => e);
      expect(error === unknown || error instanceof OutcomeUnknownError).toBe(true);
      expect(ranAgain).toBe(false);
    });

    it('gives a replay the result of the first run, as data', async () => {
      const store = make();
      const payload = { message: { sid: sid(), status: 'queued' }, userErrors: [] };
      const first = await store.claim('caller', 'data', 'input', async () => payload, never);
      await (first.kind === 'conflict' ? null : first.result);
      const replay = await store.claim('caller', 'data', 'input', async () => null, never);
      expect(await (replay.kind === 'conflict' ? null : replay.result)).toEqual(payload);
    });
  });
}

/** An ordered, bounded log that a reader resumes by cursor, with live fan-out. */
export function eventLogContract(name: string, make: (capacity: number) => EventLog): void {
  describe(`${name}: EventLog`, () => {
    const event = (n: number): NewMessageEvent => ({
      type: 'STATUS_CHANGED', messageSid: `SM${String(n).padStart(32, '0')}`, status: 'sent', from: '+15005550006', to: '+14155550100', occurredAt: n,
    });

    it('gives what came after a cursor, in order, and publishes each event to subscribers', async () => {
      const log = make(100);
      const seen: string[] = [];
      const stop = log.subscribe((e) => seen.push(e.messageSid));
      const logged = [];
      for (let n = 1; n <= 5; n++) logged.push(await log.append(event(n)));
      // A shared log delivers a moment later; in memory at once.
      while (seen.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
      stop();
      await log.append(event(6));
      expect(seen).toEqual(logged.map((e) => e.messageSid));
      expect((await log.after(logged[1]!.cursor, 10))!.map((e) => e.occurredAt)).toEqual([3, 4, 5, 6]);
      expect((await log.after(logged[1]!.cursor, 2))!.map((e) => e.occurredAt)).toEqual([3, 4]);
      expect((await log.after(null, 10))!.length).toBe(6);
    });

    it('says a cursor older than the log keeps, or not its own, is gone (null)', async () => {
      const log = make(3);
      const first = await log.append(event(1));
      for (let n = 2; n <= 6; n++) await log.append(event(n));
      expect(await log.after(first.cursor, 10)).toBeNull();
      expect(await log.after('not-a-cursor', 10)).toBeNull();
      expect(await log.after('999999', 10)).toBeNull();
    });

    it('does not read a cursor of another log (a restarted process, another store) as its own', async () => {
      const [mine, other] = [make(10), make(10)];
      for (let n = 1; n <= 3; n++) await mine.append(event(n));
      const foreign = await other.append(event(9));
      expect(await mine.after(foreign.cursor, 10)).toBeNull();
    });
  });
}

/** The last copy of each recent message. */
export function messageSnapshotsContract(name: string, make: () => MessageSnapshots): void {
  describe(`${name}: MessageSnapshots`, () => {
    const message = (n: number, status: WireMessageStatus): WireMessage =>
      ({ sid: `SM${String(n).padStart(32, '0')}`, status, body: `m${n}` }) as WireMessage;

    it('gives the latest copy kept, and null for a message never kept', async () => {
      const snapshots = make();
      await snapshots.put(message(1, 'queued'));
      await snapshots.put(message(1, 'sent'));
      expect((await snapshots.get(message(1, 'sent').sid!))?.status).toBe('sent');
      expect(await snapshots.get(message(2, 'sent').sid!)).toBeNull();
    });
  });
}

/** A status and its event, recorded together: the event exactly when the status moved, with what the board holds. */
export function statusEventsContract(name: string, make: () => { events: StatusEvents; board: StatusBoard; log: EventLog }): void {
  describe(`status events (${name})`, () => {
    it('logs an event exactly when the status moves, never for a repeat or a late report', async () => {
      const { events, board, log } = make();
      const s = sid();
      const event = (status: WireMessageStatus): NewMessageEvent => ({ type: 'STATUS_CHANGED', messageSid: s, status, from: '+1', to: '+2', occurredAt: 1 });
      const sent = await events.record(event('sent'));
      expect(sent).toMatchObject({ status: 'sent', changed: true, logged: { messageSid: s, status: 'sent' } });
      expect(await events.record(event('sent'))).toEqual({ status: 'sent', changed: false, logged: null });
      expect(await events.record(event('queued'))).toEqual({ status: 'sent', changed: false, logged: null });
      const delivered = await events.record(event('delivered'));
      expect(delivered).toMatchObject({ status: 'delivered', changed: true });
      expect(await board.get(s)).toBe('delivered');
      // The log holds the two moves, in order, under the cursors the recordings gave.
      const logged = ((await log.after(null, 100)) ?? []).filter((e) => e.messageSid === s);
      expect(logged.map((e) => [e.status, e.cursor])).toEqual([['sent', sent.logged!.cursor], ['delivered', delivered.logged!.cursor]]);
    });
  });
}
