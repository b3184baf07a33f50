/**
 * Idempotency keys for createMessage: the first call with a key runs, every later or concurrent call
 * with the same caller and key gets the same result without a second send. Results are kept for a
 * retention window; outcomes that prove nothing was sent (rate limiting, Twilio unreachable) are
 * forgotten at once so the caller may try again.
 */
import { ErrorCode } from './twilio/errors.js';

interface Entry<T> {
  promise: Promise<T>;
  expiresAt: number;
}

/** Error codes after which the send surely did not happen, so the key may be used again. */
const NOT_SENT: ReadonlySet<string> = new Set([ErrorCode.RateLimited, ErrorCode.UpstreamUnavailable, ErrorCode.UpstreamAuthFailed]);

/** A bounded, time-limited map from (caller, key) to the result of the first call. */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly retentionMs = 24 * 3_600_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` unless this caller already used `key`; then returns (or awaits) that first result. */
  run(callerId: string, key: string, task: () => Promise<T>): Promise<T> {
    const id = `${callerId}\u0000${key}`;
    const now = this.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAt > now) return existing.promise;
    this.sweep(now);
    const promise = task();
    this.entries.set(id, { promise, expiresAt: now + this.retentionMs });
    promise.catch((error: unknown) => {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (typeof code === 'string' && NOT_SENT.has(code)) this.entries.delete(id);
    });
    return promise;
  }

  /** Drops expired entries, and the oldest ones past the size cap. */
  private sweep(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
