/** Small pieces behind the trust review's fixes, without sockets: media links, readiness, keys, posture. */
import { loadConfig } from '../../src/config.js';
import { idempotencyKeyProblem } from '../../src/state/idempotency.js';
import { MEDIA_URL_PERIOD_MS, mediaUrls } from '../../src/server/media.js';
import { postureWarnings } from '../../src/posture.js';
import { NOT_READY_FOR_MS, readinessCheck } from '../../src/server/readiness.js';

const MM = 'MM' + 'a'.repeat(32);
const ME = 'ME' + 'b'.repeat(32);

describe('media links', () => {
  let now = Date.UTC(2026, 0, 15, 10, 30);
  const urls = mediaUrls(Buffer.alloc(32, 7), () => now);
  const parts = (url: string) => {
    const parsed = new URL(url);
    return [parsed.searchParams.get('expires')!, parsed.searchParams.get('signature')!] as const;
  };

  it('are the same within a period, valid for at least a period, and refused after', () => {
    const url = urls.url('https://sms.example.com', MM, ME);
    expect(url).toMatch(new RegExp(`^https://sms\\.example\\.com/media/${MM}/${ME}\\?expires=\\d+&signature=[\\w-]{43}$`));
    const [expires, signature] = parts(url);
    now += 10 * 60_000;
    expect(urls.url('https://sms.example.com', MM, ME)).toBe(url);
    now += MEDIA_URL_PERIOD_MS - 10 * 60_000;
    expect(urls.verify(MM, ME, expires, signature)).toBe(true);
    now = Number(expires) + 1;
    expect(urls.verify(MM, ME, expires, signature)).toBe(false);
  });

  it('refuse a signature moved to another media, another expiry, or another key', () => {
    now = Date.UTC(2026, 0, 15, 10, 30);
    const [expires, signature] = parts(urls.url('http://x', MM, ME));
    expect(urls.verify(MM, 'ME' + 'c'.repeat(32), expires, signature)).toBe(false);
    expect(urls.verify(MM, ME, String(Number(expires) + MEDIA_URL_PERIOD_MS), signature)).toBe(false);
    expect(mediaUrls(Buffer.alloc(32, 8), () => now).verify(MM, ME, expires, signature)).toBe(false);
    expect(urls.verify(MM, ME, expires, signature.slice(0, -1))).toBe(false);
  });
});

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

describe('idempotency keys', () => {
  it.each([[''], ['k'.repeat(256)], ['has space'], ['naïve']])('refuses the key %j', (key) => {
    expect(idempotencyKeyProblem(key)).toMatch(/1 to 255 visible ASCII/);
  });

  it('accepts a UUID', () => {
    expect(idempotencyKeyProblem('0f8fad5b-d9cb-469f-a165-70867728950e')).toBeNull();
  });
});

describe('posture warnings at start', () => {
  it('warn about a live account without caller auth, and about callbacks without PUBLIC_URL', () => {
    const open = loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32), TWILIO_AUTH_TOKEN: 't', GATEWAY_AUTH: 'none' });
    const warnings = postureWarnings(open, 'http://127.0.0.1:4000');
    expect(warnings).toEqual([
      expect.stringMatching(/^WARNING: live Twilio account and GATEWAY_AUTH=none: anyone who can reach http:\/\/127\.0\.0\.1:4000 can send billed SMS/),
      expect.stringMatching(/^WARNING: PUBLIC_URL is not set/),
    ]);
    expect(postureWarnings(loadConfig({}), 'http://127.0.0.1:4000')).toEqual([expect.stringContaining("signed with the emulator's published auth token")]);
    const safe = loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32), TWILIO_AUTH_TOKEN: 't', GATEWAY_API_KEYS: 'k', PUBLIC_URL: 'https://sms.example.com' });
    expect(postureWarnings(safe, 'http://127.0.0.1:4000')).toEqual([]);
    expect(postureWarnings(loadConfig({ HOST: '0.0.0.0' }), 'http://127.0.0.1:4000')).toContainEqual(
      expect.stringMatching(/^WARNING: listening on 0\.0\.0\.0 with caller auth off: anyone on your network/),
    );
  });
});
