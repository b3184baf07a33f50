/**
 * The emulator's stand-in for the storage host that Twilio's media content redirects to. On Twilio,
 * `GET …/Messages/{MM}/Media/{ME}` (HTTP Basic) answers a redirect to a pre-signed URL on another host that
 * needs no credentials. Here the redirect points at `/emulator/media-content/{token}` on the emulator's own
 * origin, where the token is the message and media SIDs with an HMAC over them: it cannot be forged without the
 * emulator's key, which is random per emulator, so storage URLs stop working when the emulator restarts, and
 * when the media or its message is deleted.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The path prefix of storage URLs. */
export const STORAGE_PATH = '/emulator/media-content/';

/** The media a storage token names. */
export interface MediaRef {
  messageSid: string;
  mediaSid: string;
}

const TOKEN = /^(MM[0-9a-f]{32}|SM[0-9a-f]{32})-(ME[0-9a-f]{32})-([A-Za-z0-9_-]{43})$/;
/** A Host header worth building a URL from: a name, IPv4 or bracketed IPv6 address, and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Makes and checks storage tokens for one account, with a key of its own. */
export class MediaStorageSigner {
  constructor(
    private readonly accountSid: string,
    private readonly key: Buffer = randomBytes(32),
  ) {}

  /** The token for a media: `{MM…}-{ME…}-{HMAC-SHA256, base64url}`. */
  token(ref: MediaRef): string {
    return `${ref.messageSid}-${ref.mediaSid}-${this.mac(ref).toString('base64url')}`;
  }

  /** The media a token names, or null when it is malformed or its HMAC is wrong. */
  verify(token: string): MediaRef | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const ref = { messageSid: match[1]!, mediaSid: match[2]! };
    const given = Buffer.from(match[3]!, 'latin1');
    const expected = Buffer.from(this.mac(ref).toString('base64url'), 'latin1');
    return given.length === expected.length && timingSafeEqual(given, expected) ? ref : null;
  }

  private mac(ref: MediaRef): Buffer {
    return createHmac('sha256', this.key).update(`${this.accountSid}/${ref.messageSid}/${ref.mediaSid}`).digest();
  }
}

/**
 * The origin to put in a redirect's absolute `Location`: `http://` and the request's Host header (what the
 * client reached the emulator by, which stays right behind a port mapping), else `fallback` (the server's own
 * URL), else '' (a relative Location, which HTTP also allows).
 */
export function requestOrigin(host: string | string[] | undefined, fallback: string): string {
  const value = Array.isArray(host) ? host[0] : host;
  return value && HOST.test(value) ? `http://${value}` : fallback.replace(/\/+$/, '');
}
