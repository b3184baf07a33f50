/** Shared shapes of the state ports. */

/**
 * A value now or later: the in-memory stores answer at once (no promise, no extra tick on the hot path),
 * shared stores such as Redis answer with a promise. Callers `await` it, or handle both where a hot path
 * must not pay for a promise.
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * The shared store (Redis) could not be reached or answered with an error. Whatever needed it did not happen:
 * a send is refused rather than made without its idempotency key or budget being checked.
 */
export class StateUnavailableError extends Error {
  override name = 'StateUnavailableError';
  constructor(message = 'The shared state (Redis) is unavailable.') {
    super(message);
  }
}

/**
 * A replay of an idempotency key whose first call failed in a way that leaves it unknown whether the message
 * went out (a timeout after the request was written, or a replica that died while sending). Never resent.
 */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
}
