/**
 * Idempotency keys for createMessage: the first call with a key runs, every later or concurrent call
 * with the same caller, key and input gets the same result without a second send. A key is bound to the
 * input it was first used with: the same key with other input is a conflict, never a silent replay of
 * another message. Results are kept for a retention window; outcomes that prove nothing was sent (rate
 * limiting, Twilio unreachable) are forgotten at once so the caller may try again.
 */
import { createHash } from 'node:crypto';
import { ErrorCode } from '../twilio/errors.js';

interface Entry<T> {
  promise: Promise<T>;
  fingerprint: string;
  expiresAt: number;
}

/** What a claim on a key gives: the first run's result (run now, or earlier), or a conflict. */
export type Claim<T> =
  | { kind: 'first'; result: Promise<T> }
  | { kind: 'replay'; result: Promise<T> }
  | { kind: 'conflict' };

/** Longest key accepted, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const KEY = /^[\x21-\x7e]+$/;

/** Why a key is refused, or null when it is usable: 1 to 255 visible ASCII characters (a UUID fits). */
export function idempotencyKeyProblem(key: string): string | null {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY.test(key)) {
    return `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters without spaces (a UUID works)`;
  }
  return null;
}

/** A stable digest of a send's input, so a key can be bound to it. */
export function fingerprint(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url');
}

/** Error codes after which the send surely did not happen, so the key may be used again. */
const NOT_SENT: ReadonlySet<string> = new Set([
  ErrorCode.RateLimited,
  ErrorCode.UpstreamUnavailable,
  ErrorCode.UpstreamAuthFailed,
  ErrorCode.QueryTooExpensive,
  ErrorCode.RequestEnded,
]);

/** A bounded, time-limited map from (caller, key) to the input's fingerprint and the result of the first call. */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly retentionMs = 24 * 3_600_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `task` unless this caller already used `key`: with the same input fingerprint the first result
   * is given again (awaited if still running), with another input the claim is a conflict and nothing runs.
   */
  claim(callerId: string, key: string, inputFingerprint: string, task: () => Promise<T>): Claim<T> {
    const id = `${callerId}\u0000${key}`;
    const now = this.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAt > now) {
      return existing.fingerprint === inputFingerprint ? { kind: 'replay', result: existing.promise } : { kind: 'conflict' };
    }
    this.sweep(now);
    const promise = task();
    this.entries.set(id, { promise, fingerprint: inputFingerprint, expiresAt: now + this.retentionMs });
    promise.catch((error: unknown) => {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      if (typeof code === 'string' && NOT_SENT.has(code)) this.entries.delete(id);
    });
    return { kind: 'first', result: promise };
  }

  /** Drops expired entries, and the oldest ones past the size cap. */
  private sweep(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
