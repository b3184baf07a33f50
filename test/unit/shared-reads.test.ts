/** Reads shared across requests: coalesced while in flight, cached for their life, dropped when the gateway hears of a change. */
import type { Lanes } from '../../src/twilio/limiter.js';
import { readKey, SharedReads, type Loaded } from '../../src/twilio/shared-reads.js';

/** A load that waits to be settled by the test, counting the upstream attempts it makes. */
function deferredLoads() {
  const pending: Array<{ settle: (value: unknown) => void; fail: (error: unknown) => void }> = [];
  let attempts = 0;
  const load = (before: () => void): Promise<Loaded> => {
    before(); // the first attempt, as calls.ts makes it once it has a slot
    attempts++;
    return new Promise((resolve, reject) => {
      pending.push({ settle: (value) => resolve({ value, bytes: 100 }), fail: reject });
    });
  };
  return { load, pending, attempts: () => attempts };
}

const LIST = readKey('Messages.json', new URLSearchParams({ PageSize: '20' }));
const SID = 'SM' + '1'.repeat(32);
const OTHER = 'SM' + '2'.repeat(32);
const ONE = `Messages/${SID}.json`;
const MEDIA = readKey(`Messages/${SID}/Media.json`, new URLSearchParams({ PageSize: '100' }));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedReads', () => {
  it('makes identical reads in flight together one upstream call, and keeps different ones apart', async () => {
    const reads = new SharedReads({ ttlMs: 0, coalescing: true });
    const { load, pending, attempts } = deferredLoads();
    const same = [1, 2, 3, 4, 5].map(() => reads.read(ONE, true, () => {}, 'lane', load));
    const other = reads.read(`Messages/${OTHER}.json`, true, () => {}, 'lane', load);
    expect(attempts()).toBe(2);
    pending[0]!.settle({ sid: SID });
    pending[1]!.settle({ sid: OTHER });
    expect(await Promise.all(same)).toEqual(Array(5).fill({ sid: SID }));
    expect(await other).toEqual({ sid: OTHER });
    expect(reads.counts.joined).toBe(4);
    // Settled: the next read is a call of its own (the cache is off).
    void reads.read(ONE, true, () => {}, 'lane', load);
    expect(attempts()).toBe(3);
  });

  it('makes every read its own call with coalescing off', () => {
    const reads = new SharedReads({ ttlMs: 0, coalescing: false });
    const { load, attempts } = deferredLoads();
    for (let i = 0; i < 3; i++) void reads.read(ONE, true, () => {}, 'lane', load);
    expect(attempts()).toBe(3);
  });

  it('charges each waiting caller once per attempt, and drops a caller whose budget refuses without failing the others', async () => {
    const reads = new SharedReads({ ttlMs: 0, coalescing: true });
    const { load, pending } = deferredLoads();
    const charged = { a: 0, b: 0, c: 0 };
    const a = reads.read(ONE, true, () => void charged.a++, 'lane', load);
    const b = reads.read(ONE, true, () => void charged.b++, 'lane', load);
    const refused = new Error('budget spent');
    const c = reads.read(ONE, true, () => {
      throw refused;
    }, 'lane', load);
    await expect(c).rejects.toBe(refused);
    pending[0]!.settle('answer');
    expect(await a).toBe('answer');
    expect(await b).toBe('answer');
    expect(charged).toEqual({ a: 1, b: 1, c: 0 });
  });

  it('makes no call when every caller waiting for it has left', async () => {
    const reads = new SharedReads({ ttlMs: 0, coalescing: true });
    let made = 0;
    const load = async (before: () => void): Promise<Loaded> => {
      await tick(); // waiting for a slot
      before();
      made++;
      return { value: 'never', bytes: 1 };
    };
    const gone = new Error('request ended');
    const read = reads.read(ONE, true, () => {
      throw gone;
    }, 'lane', load);
    await expect(read).rejects.toBe(gone);
    // Someone asking just after it was given up gets a read of their own, not the abandoned one's error.
    const later = reads.read(ONE, true, () => {}, 'lane', async () => ({ value: 'fresh', bytes: 1 }));
    expect(await later).toBe('fresh');
    await tick();
    expect(made).toBe(0);
  });

  it('waits for a shared read in the lanes of everyone who joined it', () => {
    const reads = new SharedReads({ ttlMs: 0, coalescing: true });
    let lanes: Lanes | undefined;
    const load = (_before: () => void, l: Lanes): Promise<Loaded> => ((lanes = l), new Promise(() => {}));
    void reads.read(ONE, true, () => {}, 'caller:a', load);
    void reads.read(ONE, true, () => {}, 'caller:b', load);
    void reads.read(ONE, true, () => {}, 'caller:a', load);
    expect(lanes!.watch(null)).toEqual(['caller:a', 'caller:b']);
  });

  it('neither caches nor lets anyone join a read in flight across a change, with coalescing off too', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: false });
    const { load, pending, attempts } = deferredLoads();
    const before = reads.read(ONE, true, () => {}, 'lane', load);
    reads.invalidate(SID); // a redaction, say
    pending[0]!.settle('body before the redaction');
    expect(await before).toBe('body before the redaction');
    void reads.read(ONE, true, () => {}, 'lane', load);
    expect(attempts()).toBe(2);
  });

  it('drops every list, and no message, when a message may have been added (a send whose outcome is unknown)', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true });
    let made = 0;
    const load = async (): Promise<Loaded> => ({ value: ++made, bytes: 10 });
    await reads.read(LIST, true, () => {}, 'lane', load);
    await reads.read(ONE, true, () => {}, 'lane', load);
    reads.invalidate(null);
    await reads.read(LIST, true, () => {}, 'lane', load);
    await reads.read(ONE, true, () => {}, 'lane', load);
    expect(made).toBe(3);
  });

  it('keeps an empty media list only as long as any answer (an MMS may not list its media yet)', async () => {
    let now = 0;
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true }, () => now);
    let made = 0;
    const empty = async (): Promise<Loaded> => ((made++, { value: { media_list: [] }, bytes: 10 }));
    await reads.read(MEDIA, true, () => {}, 'lane', empty);
    now += 6_000;
    await reads.read(MEDIA, true, () => {}, 'lane', empty);
    expect(made).toBe(2);
  });

  it('answers from the cache for its life, then asks again; a read that must be fresh skips it', async () => {
    let now = 1_000;
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true }, () => now);
    const { load, pending, attempts } = deferredLoads();
    const first = reads.read(ONE, true, () => {}, 'lane', load);
    pending[0]!.settle('v1');
    expect(await first).toBe('v1');
    now += 4_999;
    expect(await reads.read(ONE, true, () => {}, 'lane', load)).toBe('v1');
    expect(attempts()).toBe(1);
    const fresh = reads.read(ONE, false, () => {}, 'lane', load);
    expect(attempts()).toBe(2);
    pending[1]!.settle('v2');
    expect(await fresh).toBe('v2');
    // The fresh answer is the cached one from now on.
    expect(await reads.read(ONE, true, () => {}, 'lane', load)).toBe('v2');
    now += 5_000;
    const expired = reads.read(ONE, true, () => {}, 'lane', load);
    expect(attempts()).toBe(3);
    pending[2]!.settle('v3');
    expect(await expired).toBe('v3');
    expect(reads.counts.hits).toBe(2);
  });

  it('never caches an error', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true });
    const { load, pending, attempts } = deferredLoads();
    const failed = reads.read(ONE, true, () => {}, 'lane', load);
    pending[0]!.fail(new Error('503'));
    await expect(failed).rejects.toThrow('503');
    void reads.read(ONE, true, () => {}, 'lane', load);
    expect(attempts()).toBe(2);
  });

  it('drops a changed message and every list, keeps its media until it is deleted', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true });
    const { load, pending, attempts } = deferredLoads();
    const fill = async (key: string, value: unknown) => {
      const read = reads.read(key, true, () => {}, 'lane', load);
      pending[pending.length - 1]!.settle(value);
      return read;
    };
    await fill(ONE, 'message');
    await fill(LIST, 'list');
    await fill(MEDIA, 'media');
    await fill(`Messages/${OTHER}.json`, 'other');
    expect(attempts()).toBe(4);

    reads.invalidate(SID);
    for (const key of [ONE, LIST, MEDIA, `Messages/${OTHER}.json`]) void reads.read(key, true, () => {}, 'lane', load);
    // The message and the list were asked again; its media and the other message came from the cache.
    expect(attempts()).toBe(6);
    pending[4]!.settle('message');
    pending[5]!.settle('list');
    await tick();

    reads.forget(SID);
    void reads.read(MEDIA, true, () => {}, 'lane', load);
    expect(attempts()).toBe(7);
  });

  it('neither caches nor lets anyone join a read that was in flight when its message changed', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true });
    const { load, pending, attempts } = deferredLoads();
    const before = reads.read(LIST, true, () => {}, 'lane', load);
    reads.invalidate(OTHER); // an inbound message, say: every list may have changed
    const after = reads.read(LIST, true, () => {}, 'lane', load);
    expect(attempts()).toBe(2);
    pending[0]!.settle('list from before the change');
    pending[1]!.settle('list after it');
    expect(await before).toBe('list from before the change');
    expect(await after).toBe('list after it');
    expect(await reads.read(LIST, true, () => {}, 'lane', load)).toBe('list after it');
    expect(attempts()).toBe(2);
  });

  it('holds at most maxBytes of answers, dropping the oldest first', async () => {
    const reads = new SharedReads({ ttlMs: 5_000, coalescing: true, maxBytes: 1_000 });
    let made = 0;
    const load = async (): Promise<Loaded> => ({ value: ++made, bytes: 200 });
    for (let i = 0; i < 6; i++) await reads.read(`Messages/SM${i}.json`, true, () => {}, 'lane', load);
    expect(made).toBe(6);
    await reads.read('Messages/SM5.json', true, () => {}, 'lane', load);
    expect(made).toBe(6);
    await reads.read('Messages/SM0.json', true, () => {}, 'lane', load);
    expect(made).toBe(7);
  });
});
