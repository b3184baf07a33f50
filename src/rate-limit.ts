/**
 * Sends per caller per minute. Sending SMS costs money and SMS pumping is a real fraud, so each caller
 * gets a budget; a sliding one-minute window keeps bursts at the edge of two minutes from doubling it.
 */
export class SendRateLimiter {
  private readonly sends = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one send from the caller's budget: 0 when allowed, else the seconds to wait. */
  take(callerId: string): number {
    const now = this.now();
    const windowStart = now - 60_000;
    const recent = (this.sends.get(callerId) ?? []).filter((at) => at > windowStart);
    if (recent.length >= this.perMinute) {
      this.sends.set(callerId, recent);
      return Math.max(1, Math.ceil((recent[0]! - windowStart) / 1000));
    }
    recent.push(now);
    this.sends.set(callerId, recent);
    if (this.sends.size > 10_000) this.forgetIdle(windowStart);
    return 0;
  }

  private forgetIdle(windowStart: number): void {
    for (const [caller, times] of this.sends) if ((times[times.length - 1] ?? 0) <= windowStart) this.sends.delete(caller);
  }
}
