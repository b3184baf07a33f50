/**
 * Twilio's webhook signature (`X-Twilio-Signature`), as twilio-node's `validateRequest` checks it:
 * HMAC-SHA1, keyed with the account's auth token, over the full URL followed by every POST parameter
 * name and value, names sorted by code point. The emulator signs its status callbacks with it; the
 * gateway checks the callbacks it receives with it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as a webhook carries them; an array contributes each distinct value, sorted. */
export type SignedParams = Record<string, string | readonly string[]>;

/** Computes the base64 `X-Twilio-Signature` for a form POST to `url`. */
export function computeSignature(authToken: string, url: string, params: SignedParams): string {
  let data = url;
  for (const name of Object.keys(params).sort(byCodePoint)) {
    const value = params[name];
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort(byCodePoint);
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Checks a signature in constant time against the URL as given and with the scheme's default port
 * added or removed, as Twilio's own validators do.
 */
export function isValidSignature(authToken: string, signature: string, url: string, params: SignedParams): boolean {
  const given = Buffer.from(signature);
  return urlVariants(url).some((candidate) => {
    const expected = Buffer.from(computeSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const withoutPort = url.replace(`${parsed.hostname}:${defaultPort}`, parsed.hostname);
  const withPort = parsed.port === '' && defaultPort !== '' ? url.replace(parsed.host, `${parsed.hostname}:${defaultPort}`) : url;
  return [...new Set([url, withoutPort, withPort])];
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
