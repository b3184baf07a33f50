/**
 * The retry rules, as a pure function from (kind of call, what went wrong, attempt) to a decision:
 * - GET and DELETE retry with backoff on 5xx and network errors; a DELETE retried into 404 counts as deleted.
 * - A 429 is never processed by Twilio, so every kind of call waits and tries again (honouring `Retry-After` up to
 *   a cap) for as long as its patience lasts, however many tries that takes: the account's capacity is
 *   shared, and a 429 means "later", not "no".
 * - A send (POST …/Messages.json) is retried only when Twilio cannot have processed it: 429, or no
 *   connection at all (refused, or a connect timeout), so no byte was written. A reset, a timeout, a 5xx
 *   or an unreadable success gives SEND_OUTCOME_UNKNOWN after exactly one POST.
 * - An update (POST …/Messages/{sid}.json) is retried like a send, and fails as unavailable (or timed out),
 *   not unknown: redacting or canceling twice does no harm, but is not repeated blindly either.
 */
import { authFailed, noAnswer, UpstreamCode, UpstreamError } from './errors.js';

/** The kinds of call: reads and deletes are idempotent, sends and updates are not. */
export type CallKind = 'read' | 'delete' | 'send' | 'update';

/** Retry rules. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay; doubles with each retry. */
  baseDelayMs: number;
  /** Longest wait, `Retry-After` included; a longer `Retry-After` is not waited for. */
  maxDelayMs: number;
  /**
   * How long a call may wait for the account's capacity, from its first try: for a slot of the limiter and
   * through Twilio's 429s. Past it the call fails with RATE_LIMITED, having sent nothing that was processed.
   */
  patienceMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 100, maxDelayMs: 10_000, patienceMs: 10_000 };
/** Longest backoff between two tries after a 429 without `Retry-After`: slots free up within a call's time. */
const MAX_429_BACKOFF_MS = 1_000;

/** What one attempt ran into. */
export type Failure =
  /** No answer: `code` is Node's error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`…), `event` got's timeout phase. */
  | { kind: 'network'; code: string | undefined; event?: string | undefined }
  /** An answer: its status and, for a 429, how long Twilio asked us to wait. */
  | { kind: 'status'; status: number; retryAfterMs: number | null };

/** What to do next. */
export type Decision =
  | { action: 'retry'; delayMs: number; reason: string | number }
  | { action: 'fail'; error: UpstreamError }
  /** The answer stands: a success or a 4xx for the caller. */
  | { action: 'answer' }
  /** A DELETE retried into 404: the first attempt deleted it. */
  | { action: 'deleted' };

/** Where an attempt stands: its number (0 for the first), its backoff if it is retried, and the patience left. */
export interface AttemptState {
  /** Retries made so far after failures other than 429 (429s are waited out apart, within the patience). */
  attempt: number;
  backoffMs: number;
  /** Ms of the call's patience left (see {@link RetryPolicy.patienceMs}). */
  remainingMs: number;
  /** An earlier attempt failed in a way Twilio may have processed it (a reset, a timeout, a 5xx): not a 429 or a refused connection. */
  earlierMayHaveHappened: boolean;
}

/** True when Twilio may have processed an attempt that failed this way. */
export function mayHaveBeenProcessed(failure: Failure): boolean {
  if (failure.kind === 'status') return failure.status >= 500;
  return !neverSent(failure);
}

/** No connection, no request written: a refused connection or a connect/lookup timeout. */
function neverSent(failure: Extract<Failure, { kind: 'network' }>): boolean {
  const { code, event } = failure;
  return code === 'ECONNREFUSED' || (code === 'ETIMEDOUT' && (event === 'connect' || event === 'lookup'));
}

const retryable = (kind: CallKind): boolean => kind === 'read' || kind === 'delete';

/** The error of a send whose outcome is not known. */
export function outcomeUnknown(): UpstreamError {
  return new UpstreamError(
    UpstreamCode.SendOutcomeUnknown,
    'The send may or may not have reached Twilio. Do not resend blindly: look the message up first (messages with filter.to).',
  );
}

/** Exponential backoff with jitter, so that callers who failed together do not retry together. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return policy.baseDelayMs * 2 ** attempt * (0.5 + random() / 2);
}

/** Decides what follows an attempt of a `kind` call that ran into `failure`. */
export function decide(kind: CallKind, failure: Failure, state: AttemptState, policy: RetryPolicy): Decision {
  const retriesLeft = state.attempt < policy.retries;
  if (failure.kind === 'network') {
    const { code } = failure;
    // No request written: any call may go again.
    const unsent = neverSent(failure);
    if (unsent && retriesLeft) return { action: 'retry', delayMs: state.backoffMs, reason: code ?? 'network' };
    if (kind === 'send' && !unsent) return { action: 'fail', error: outcomeUnknown() };
    if (retryable(kind) && retriesLeft) return { action: 'retry', delayMs: state.backoffMs, reason: code ?? 'network' };
    return { action: 'fail', error: noAnswer(code) };
  }
  const { status, retryAfterMs } = failure;
  if (status === 429) {
    // At least the backoff: a `Retry-After: 0` from a busy account would otherwise be a busy loop.
    const delayMs = Math.max(retryAfterMs ?? 0, Math.min(state.backoffMs, MAX_429_BACKOFF_MS));
    if (delayMs <= policy.maxDelayMs && delayMs < state.remainingMs) return { action: 'retry', delayMs, reason: status };
    const retryAfter = Math.max(1, Math.ceil(delayMs / 1000));
    return { action: 'fail', error: new UpstreamError(UpstreamCode.RateLimited, 'Twilio is rate-limiting this account; retry later.', { retryAfter }) };
  }
  if (status >= 500) {
    if (kind === 'send') return { action: 'fail', error: outcomeUnknown() };
    if (retryable(kind) && retriesLeft) return { action: 'retry', delayMs: state.backoffMs, reason: status };
    return { action: 'fail', error: new UpstreamError(UpstreamCode.Unavailable, `Twilio answered with a server error (HTTP ${status}).`) };
  }
  // An earlier DELETE may have gone through before its answer was lost (not one refused with 429, or never sent).
  if (kind === 'delete' && status === 404 && state.earlierMayHaveHappened) return { action: 'deleted' };
  if (status === 401 || status === 403) {
    return { action: 'fail', error: authFailed() };
  }
  return { action: 'answer' };
}
