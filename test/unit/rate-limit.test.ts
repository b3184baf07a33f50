/** The per-caller send budget, on an injected clock. */
import { MemorySendRateLimiter as SendRateLimiter } from '../../src/state/rate-limit.js';

describe('SendRateLimiter', () => {
  it('allows a burst up to the limit, then one more per 60/limit seconds', () => {
    let now = 0;
    const limiter = new SendRateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20);
    now += 19_000;
    expect(limiter.take('a')).toBe(1);
    now += 1_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('never banks more than the limit', () => {
    let now = 0;
    const limiter = new SendRateLimiter(2, () => now);
    now += 10 * 60_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a') > 0]).toEqual([0, 0, true]);
  });
});
