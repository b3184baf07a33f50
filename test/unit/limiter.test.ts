/** The account's capacity: a fair share per lane, bounded waits, and a limit that backs off on Twilio's 429s. */
import { CapacityTimeoutError, Limiter } from '../../src/twilio/limiter.js';

/** A task that runs until the test releases it, noting the order tasks started in. */
function tasks(started: string[]) {
  const releases: Array<() => void> = [];
  const task = (name: string) => () =>
    new Promise<void>((resolve) => {
      started.push(name);
      releases.push(resolve);
    });
  const releaseOne = async () => {
    releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { task, releaseOne };
}

describe('Limiter', () => {
  it('gives a freed slot to the lanes in turn: one caller\'s burst cannot starve another', async () => {
    const started: string[] = [];
    const { task, releaseOne } = tasks(started);
    const limiter = new Limiter(2);
    const runs = [];
    for (let i = 0; i < 20; i++) runs.push(limiter.run(task(`a${i}`), 'a'));
    runs.push(limiter.run(task('b0'), 'b'), limiter.run(task('b1'), 'b'));
    runs.push(limiter.run(task('c0'), 'c'));
    expect(started).toEqual(['a0', 'a1']);
    for (let i = 0; i < 6; i++) await releaseOne();
    // After A's two, the slots alternate: b, c, a, b, a...; not A's 18 others first.
    expect(started).toEqual(['a0', 'a1', 'a2', 'b0', 'c0', 'a3', 'b1', 'a4']);
    expect(limiter.peak).toBe(2);
    while (started.length < 23 || limiter.inFlight > 0) await releaseOne();
    await Promise.all(runs);
  });

  it('gives up waiting after waitMs without running the task, and leaves the queue as it was', async () => {
    const started: string[] = [];
    const { task, releaseOne } = tasks(started);
    const limiter = new Limiter(1);
    const holder = limiter.run(task('holder'), 'a');
    const late = limiter.run(task('late'), 'b', 20);
    const patient = limiter.run(task('patient'), 'c');
    await expect(late).rejects.toBeInstanceOf(CapacityTimeoutError);
    await releaseOne();
    expect(started).toEqual(['holder', 'patient']);
    await releaseOne();
    await Promise.all([holder, patient]);
    expect(limiter.inFlight).toBe(0);
  });

  it('backs off on 429 by a quarter, once per overload, grows back one slot per window, and recovers after 30 s without 429', async () => {
    const started: string[] = [];
    const { task, releaseOne } = tasks(started);
    const limiter = new Limiter(8);
    const runs = Array.from({ length: 12 }, (_, i) => limiter.run(task(`t${i}`), 'a'));
    expect(started).toHaveLength(8);
    limiter.throttled(10_000);
    limiter.throttled(10_100); // the same overload
    expect(limiter.limit).toBe(6);
    // Two finish: nothing new starts until fewer than 6 are in flight.
    await releaseOne();
    await releaseOne();
    expect(started).toHaveLength(8);
    await releaseOne();
    expect(started).toHaveLength(9);
    for (let i = 0; i < 6; i++) limiter.answered(10_200);
    expect(limiter.limit).toBe(7);
    // A 429 while one request is in flight still takes only a quarter off: the limit does not collapse to 1.
    limiter.throttled(11_000);
    expect(limiter.limit).toBe(5);
    limiter.answered(41_000);
    expect(limiter.limit).toBe(8);
    while (limiter.inFlight > 0) await releaseOne();
    await Promise.all(runs);
  });
});
