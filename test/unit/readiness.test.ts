/** The readiness check: coalesced and cached, whatever the number of probes. */
import { NOT_READY_FOR_MS, readinessCheck } from '../../src/server/readiness.js';

describe('readiness', () => {
  it('shares one check between concurrent probes, and reuses a failure for a while', async () => {
    let now = 0;
    let pings = 0;
    let release: () => void = () => {};
    const ready = readinessCheck(() => {
      pings++;
      return new Promise<void>((_resolve, reject) => (release = () => reject(new Error('down'))));
    }, () => now);
    const answers = Promise.all([ready(), ready(), ready()]);
    release();
    expect(await answers).toEqual([false, false, false]);
    expect(await ready()).toBe(false);
    expect(pings).toBe(1);
    now += NOT_READY_FOR_MS;
    const again = ready();
    release();
    expect(await again).toBe(false);
    expect(pings).toBe(2);
  });
});
