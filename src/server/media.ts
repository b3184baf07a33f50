/**
 * Media through the gateway: `Media.url` is `/media/{MessageSid}/{MediaSid}?expires=…&signature=…` on the
 * gateway, signed with the gateway's secret and expiring, so a browser can load it with no headers (an
 * `<img src>`) while nothing secret is exposed. The gateway fetches the bytes from Twilio with its own
 * credentials and streams them, size-capped.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import type { Logger } from '../telemetry/log.js';
import type { TwilioMessages } from '../twilio/messages.js';
import { ErrorCode } from '../graphql/errors.js';
import { UpstreamError } from '../twilio/errors.js';
import { MEDIA_SID, MESSAGE_SID } from '../protocol/wire.js';

/** Where media are served. */
export const MEDIA_PATH = '/media/';
/** How long a media URL stays valid at least; it is issued per whole period, so repeated answers share one URL (and browser caches). */
export const MEDIA_URL_PERIOD_MS = 3_600_000;
/** Largest media item passed on: Twilio's own limit for MMS media is 5 MB. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** Types a browser may show inline; anything else is sent as a download. */
const INLINE_TYPE = /^(image|audio|video)\/[a-z0-9.+-]+$/;
const SAFE_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/;

/** Signs and checks media URLs. */
export interface MediaUrls {
  /** The signed URL of a media item, on `base` (the gateway's public address). */
  url(base: string, messageSid: string, mediaSid: string): string;
  /** True when the signature is ours and has not expired. */
  verify(messageSid: string, mediaSid: string, expires: string, signature: string): boolean;
}

/** Media URLs signed with `secret` (HMAC-SHA256). */
export function mediaUrls(secret: Buffer, now: () => number = Date.now): MediaUrls {
  const sign = (messageSid: string, mediaSid: string, expires: string): Buffer =>
    createHmac('sha256', secret).update(`media\n${messageSid}\n${mediaSid}\n${expires}`).digest();
  return {
    url(base, messageSid, mediaSid) {
      // Valid for the rest of this period and the whole next one: at least MEDIA_URL_PERIOD_MS.
      const expires = String(Math.ceil(now() / MEDIA_URL_PERIOD_MS) * MEDIA_URL_PERIOD_MS + MEDIA_URL_PERIOD_MS);
      const signature = sign(messageSid, mediaSid, expires).toString('base64url');
      return `${base}${MEDIA_PATH}${messageSid}/${mediaSid}?expires=${expires}&signature=${signature}`;
    },
    verify(messageSid, mediaSid, expires, signature) {
      if (!/^\d{1,15}$/.test(expires) || Number(expires) < now()) return false;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(messageSid, mediaSid, expires);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/**
 * `GET /media/{MessageSid}/{MediaSid}?expires=…&signature=…`: 403 when forged or expired, 404 when Twilio
 * has no such media, else the bytes with Twilio's content type.
 */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  urls: MediaUrls,
  twilio: TwilioMessages,
  logger: Logger,
): Promise<void> {
  const target = new URL(req.url ?? '/', 'http://gateway.invalid');
  const [messageSid = '', mediaSid = '', ...rest] = target.pathname.slice(MEDIA_PATH.length).split('/');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Media is read with GET.' }, { allow: 'GET, HEAD' });
  const wellFormed = rest.length === 0 && MESSAGE_SID.test(messageSid) && MEDIA_SID.test(mediaSid);
  const expires = target.searchParams.get('expires') ?? '';
  const signature = target.searchParams.get('signature') ?? '';
  if (!wellFormed || !urls.verify(messageSid, mediaSid, expires, signature)) {
    return sendJson(res, 403, { error: 'This media link is not valid or has expired: query the message again for a fresh Media.url.' });
  }
  let content;
  try {
    content = await twilio.mediaContent(messageSid, mediaSid, req.method === 'HEAD' ? 'HEAD' : 'GET');
  } catch (error) {
    const code = error instanceof UpstreamError ? error.code : ErrorCode.InternalServerError;
    logger('warn', 'media.failed', { messageSid, mediaSid, code });
    return sendJson(res, 502, { error: 'Twilio did not give the media content.', code });
  }
  if (!content) return sendJson(res, 404, { error: 'Twilio has no such media (it may have been deleted).' });
  if (content.contentLength !== null && content.contentLength > MAX_MEDIA_BYTES) {
    content.body.destroy();
    return sendJson(res, 502, { error: `The media is larger than ${MAX_MEDIA_BYTES} bytes.` });
  }
  const type = content.contentType.split(';')[0]!.trim().toLowerCase();
  const headers: Record<string, string> = {
    'content-type': SAFE_TYPE.test(type) ? type : 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    // Media are files someone sent: never let one run as a page on the gateway's origin.
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'cross-origin',
    'cache-control': 'private, max-age=3600',
  };
  if (!INLINE_TYPE.test(type)) headers['content-disposition'] = 'attachment';
  if (content.contentLength !== null) headers['content-length'] = String(content.contentLength);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    content.body.destroy();
    res.end();
    return;
  }
  let sent = 0;
  content.body.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    if (sent > MAX_MEDIA_BYTES) {
      // The storage sent more than it declared or than we pass on: cut the answer rather than buffer it.
      logger('warn', 'media.too_large', { messageSid, mediaSid });
      content.body.destroy();
      res.destroy();
      return;
    }
    if (!res.write(chunk)) content.body.pause();
  });
  res.on('drain', () => content.body.resume());
  res.on('close', () => content.body.destroy());
  await new Promise<void>((resolve) => {
    content.body.once('end', () => {
      res.end();
      resolve();
    });
    content.body.once('error', () => {
      res.destroy();
      resolve();
    });
    content.body.once('close', () => resolve());
  });
}
