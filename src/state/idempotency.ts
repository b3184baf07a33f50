/**
 * Idempotency keys for createMessage: the first call with a key runs, every later or concurrent call
 * with the same caller, key and input gets the same result without a second send. A key is bound to the
 * input it was first used with: the same key with other input is a conflict, never a silent replay of
 * another message. Results are kept for a retention window; outcomes that prove nothing was sent are
 * forgotten at once so the caller may try again.
 */
import { createHash } from 'node:crypto';
import type { Awaitable } from './types.js';

interface Entry {
  promise: Promise<unknown>;
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

/** Keys of sends already made: (caller, key) → the input's fingerprint and the first call's result. */
export interface IdempotencyStore {
  /**
   * Runs `task` unless this caller already used `key`: with the same input fingerprint the first result is
   * given again (awaited if still running), with another input the claim is a conflict and nothing runs. When
   * the task fails with an error for which `nothingSent` is true, the key is freed so the caller may try again.
   * In memory a replay gets the very promise of the first run; a shared store gives an equal result, read back.
   */
  claim<T>(callerId: string, key: string, inputFingerprint: string, task: () => Promise<T>, nothingSent: (error: unknown) => boolean): Awaitable<Claim<T>>;
}

/** The keys in this process's memory: bounded, each kept for the retention window. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly retentionMs = 24 * 3_600_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `task` unless this caller already used `key`: with the same input fingerprint the first result
   * is given again (awaited if still running), with another input the claim is a conflict and nothing runs.
   */
  claim<T>(callerId: string, key: string, inputFingerprint: string, task: () => Promise<T>, nothingSent: (error: unknown) => boolean): Claim<T> {
    const id = `${callerId}\u0000${key}`;
    const now = this.now();
    const existing = this.entries.get(id);
    if (existing && existing.expiresAt > now) {
      return existing.fingerprint === inputFingerprint ? { kind: 'replay', result: existing.promise as Promise<T> } : { kind: 'conflict' };
    }
    this.sweep(now);
    const promise = task();
    const entry: Entry = { promise, fingerprint: inputFingerprint, expiresAt: now + this.retentionMs };
    this.entries.set(id, entry);
    promise.catch((error: unknown) => {
      // Only the entry this task made: the key may have been claimed again since.
      if (nothingSent(error) && this.entries.get(id) === entry) this.entries.delete(id);
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
