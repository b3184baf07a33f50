/** Shared shapes of the state ports. */

/**
 * A value now or later: the in-memory stores answer at once (no promise, no extra tick on the hot path),
 * shared stores such as Redis answer with a promise. Callers `await` it, or handle both where a hot path
 * must not pay for a promise.
 */
export type Awaitable<T> = T | Promise<T>;
