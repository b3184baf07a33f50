/**
 * Readiness (`GET /readyz`): is Twilio reachable with our credentials? One check at a time, whatever the
 * number of probes, and its answer shared for a while, so probes can never multiply upstream calls
 * (least of all while Twilio fails, when every check would otherwise be made again).
 */

/** How long an answer is reused: a success for 5 s, a failure for 2 s. */
export const READY_FOR_MS = 5_000;
export const NOT_READY_FOR_MS = 2_000;

/** A readiness check over `ping` (which rejects when not ready): coalesced and cached. */
export function readinessCheck(ping: () => Promise<void>, now: () => number = Date.now): () => Promise<boolean> {
  let answer: { ready: boolean; until: number } | null = null;
  let checking: Promise<boolean> | null = null;
  return () => {
    if (answer && now() < answer.until) return Promise.resolve(answer.ready);
    checking ??= ping().then(
      () => true,
      () => false,
    ).then((ready) => {
      answer = { ready, until: now() + (ready ? READY_FOR_MS : NOT_READY_FOR_MS) };
      checking = null;
      return ready;
    });
    return checking;
  };
}
