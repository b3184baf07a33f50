/** The retry rules as a table: each kind of failure, for each kind of call, gives one decision. */
import { decide, mayHaveBeenProcessed, type CallKind, type Failure } from '../../src/twilio/rules.js';

const policy = { retries: 2, baseDelayMs: 100, maxDelayMs: 10_000, patienceMs: 10_000 };
const first = { attempt: 0, backoffMs: 100, remainingMs: 10_000, earlierMayHaveHappened: false };
const last = { attempt: 2, backoffMs: 400, remainingMs: 9_000, earlierMayHaveHappened: true };
const network = (code: string, event?: string): Failure => ({ kind: 'network', code, event });
const status = (code: number, retryAfterMs: number | null = null): Failure => ({ kind: 'status', status: code, retryAfterMs });

/** The decision as a short word: retry, answer, deleted, or the failure's code. */
function outcome(kind: CallKind, failure: Failure, state = first): string {
  const decision = decide(kind, failure, state, policy);
  return decision.action === 'fail' ? decision.error.code : decision.action;
}

describe('retry rules', () => {
  it.each<[string, Failure, Record<CallKind, string>]>([
    ['connection refused (nothing written)', network('ECONNREFUSED'), { read: 'retry', delete: 'retry', send: 'retry', update: 'retry' }],
    ['connect timeout (nothing written)', network('ETIMEDOUT', 'connect'), { read: 'retry', delete: 'retry', send: 'retry', update: 'retry' }],
    ['DNS lookup timeout (nothing written)', network('ETIMEDOUT', 'lookup'), { read: 'retry', delete: 'retry', send: 'retry', update: 'retry' }],
    ['reset after the request was sent', network('ECONNRESET'), { read: 'retry', delete: 'retry', send: 'SEND_OUTCOME_UNKNOWN', update: 'UPSTREAM_UNAVAILABLE' }],
    ['response timeout', network('ETIMEDOUT', 'response'), { read: 'retry', delete: 'retry', send: 'SEND_OUTCOME_UNKNOWN', update: 'UPSTREAM_TIMEOUT' }],
    ['429 without Retry-After', status(429), { read: 'retry', delete: 'retry', send: 'retry', update: 'retry' }],
    ['429 with a short Retry-After', status(429, 2_000), { read: 'retry', delete: 'retry', send: 'retry', update: 'retry' }],
    ['429 with a Retry-After past the cap', status(429, 60_000), { read: 'RATE_LIMITED', delete: 'RATE_LIMITED', send: 'RATE_LIMITED', update: 'RATE_LIMITED' }],
    ['500', status(500), { read: 'retry', delete: 'retry', send: 'SEND_OUTCOME_UNKNOWN', update: 'UPSTREAM_UNAVAILABLE' }],
    ['503', status(503), { read: 'retry', delete: 'retry', send: 'SEND_OUTCOME_UNKNOWN', update: 'UPSTREAM_UNAVAILABLE' }],
    ['401', status(401), { read: 'UPSTREAM_AUTH_FAILED', delete: 'UPSTREAM_AUTH_FAILED', send: 'UPSTREAM_AUTH_FAILED', update: 'UPSTREAM_AUTH_FAILED' }],
    ['403', status(403), { read: 'UPSTREAM_AUTH_FAILED', delete: 'UPSTREAM_AUTH_FAILED', send: 'UPSTREAM_AUTH_FAILED', update: 'UPSTREAM_AUTH_FAILED' }],
    ['400 (the caller\'s to see)', status(400), { read: 'answer', delete: 'answer', send: 'answer', update: 'answer' }],
    ['404 on the first attempt', status(404), { read: 'answer', delete: 'answer', send: 'answer', update: 'answer' }],
    ['200', status(200), { read: 'answer', delete: 'answer', send: 'answer', update: 'answer' }],
  ])('%s', (_name, failure, expected) => {
    const kinds: CallKind[] = ['read', 'delete', 'send', 'update'];
    expect(Object.fromEntries(kinds.map((kind) => [kind, outcome(kind, failure)]))).toEqual(expected);
  });

  it('stops retrying when the retries are spent', () => {
    expect(outcome('read', network('ECONNRESET'), last)).toBe('UPSTREAM_UNAVAILABLE');
    expect(outcome('read', network('ETIMEDOUT', 'response'), last)).toBe('UPSTREAM_TIMEOUT');
    expect(outcome('send', network('ECONNREFUSED'), last)).toBe('UPSTREAM_UNAVAILABLE');
    expect(outcome('read', status(500), last)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('waits out 429s for as long as the call\'s patience lasts, however many tries that takes (Twilio processed none of them)', () => {
    const tenth = { attempt: 0, backoffMs: 100 * 2 ** 10, remainingMs: 3_000, earlierMayHaveHappened: false };
    for (const kind of ['read', 'send', 'update', 'delete'] as const) {
      expect(decide(kind, status(429), tenth, policy)).toMatchObject({ action: 'retry', delayMs: 1_000 });
      expect(outcome(kind, status(429), { ...tenth, remainingMs: 900 })).toBe('RATE_LIMITED');
    }
    // Retry-After 0 from a busy account still waits the backoff: no busy loop.
    expect(decide('send', status(429, 0), first, policy)).toMatchObject({ action: 'retry', delayMs: 100 });
  });

  it('counts a DELETE retried into 404 as deleted only when an earlier try may have gone through', () => {
    const afterReset = { attempt: 1, backoffMs: 200, remainingMs: 9_000, earlierMayHaveHappened: true };
    expect(outcome('delete', status(404), afterReset)).toBe('deleted');
    expect(outcome('read', status(404), afterReset)).toBe('answer');
    // After 429s (never processed) or a refused connection, a 404 is the caller's: no such message.
    expect(outcome('delete', status(404), { ...afterReset, earlierMayHaveHappened: false })).toBe('answer');
  });

  it('tells which failures Twilio may have processed', () => {
    expect([status(429), status(503), status(400), network('ECONNREFUSED'), network('ETIMEDOUT', 'connect'), network('ECONNRESET'), network('ETIMEDOUT', 'response')].map(mayHaveBeenProcessed)).toEqual([
      false, true, false, false, false, true, true,
    ]);
  });

  it('waits what Twilio asks, up to the cap, and reports the wait it could not make', () => {
    expect(decide('read', status(429, 2_000), first, policy)).toMatchObject({ action: 'retry', delayMs: 2_000 });
    expect(decide('read', status(429), first, policy)).toMatchObject({ action: 'retry', delayMs: 100 });
    const refused = decide('read', status(429, 60_000), first, policy);
    expect(refused.action === 'fail' && refused.error.details).toEqual({ retryAfter: 60 });
  });
});
