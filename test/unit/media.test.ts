/** Signed media links: stable within a period, expiring, bound to their media and key. */
import { MEDIA_URL_PERIOD_MS, mediaUrls } from '../../src/server/media.js';

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
