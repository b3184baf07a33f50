/**
 * Sends per caller per minute, as a token bucket: each caller may burst up to the limit, and gets the
 * limit back spread over a minute. Sending SMS costs money and SMS pumping is a real fraud, so every
 * caller has a budget. O(1) per send and per caller, whatever the limit.
 */
import type { Awaitable } from './types.js';

/** Per-caller send budgets. */
export interface SendRateLimits {
  /** Takes one send from the caller's budget: 0 when allowed, else the whole seconds to wait. */
  take(callerId: string): Awaitable<number>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The send budgets in this process's memory: a token bucket per caller. */
export class MemorySendRateLimiter implements SendRateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxCallers = 10_000,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one send from the caller's budget: 0 when allowed, else the whole seconds to wait. */
  take(callerId: string): number {
    const now = this.now();
    let bucket = this.buckets.get(callerId);
    if (!bucket) {
      // A full bucket is what a forgotten caller would have anyway, so the map can be trimmed freely.
      if (this.buckets.size >= this.maxCallers) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.perMinute, updatedAt: now };
      this.buckets.set(callerId, bucket);
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }
}
