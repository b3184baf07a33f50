/**
 * The inbox (web/, built by Vite into web/dist/) served at `/`: its page and its hashed assets, GET and HEAD only,
 * nothing outside web/dist/assets, a CSP that allows only this origin (and its own WebSocket), hashed files cached
 * for a year and the page never. In production it is served only with `WEB_APP=true`.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Where `node web/build.mjs` writes the build (the same path from src/server and dist/server). */
const WEB_DIST = new URL('../../web/dist/', import.meta.url);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Types worth compressing on the way out (fonts and images are compressed already, or nearly). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.ttf']);

/** One file name in assets/: no slashes, no leading dot, so no way out of the folder. */
const ASSET = /^\/assets\/([A-Za-z0-9_-][A-Za-z0-9._-]*)$/;

/** Vite's content hash in a file name (`inbox-DvEsK-kL.js`): such a file never changes. */
const HASHED = /-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

/** A Host header fit to name in a CSP (the host check has already run; this keeps odd bytes out of the header). */
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/** The paths this handler answers: the inbox's page and its assets. */
export function isWebAppPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/assets/');
}

/** The inbox's CSP: scripts, styles, images, fonts and connections from this origin only (media is served here too). */
export function webAppCsp(host: string | undefined): string {
  const socket = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${socket}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Compressed copies, made once per file version (the build is a few files; memory stays small). */
const gzipped = new Map<string, { version: string; body: Buffer }>();

function compressed(file: string, version: string, body: Buffer): Buffer {
  const cached = gzipped.get(file);
  if (cached?.version === version) return cached.body;
  const made = gzipSync(body);
  gzipped.set(file, { version, body: made });
  return made;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string, head: boolean): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(head ? undefined : body);
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Inbox not built</title>
<p>The inbox has not been built. <code>npm start</code> builds it; or run <code>node web/build.mjs</code>.</p>`;

/** Serves `GET|HEAD /`, `/index.html` and `/assets/<file>` from web/dist. */
export async function serveWebApp(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  const security = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'content-security-policy': webAppCsp(req.headers.host) };
  if (method !== 'GET' && !head) return send(res, 405, { ...security, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'Method not allowed', false);
  const asset = ASSET.exec(path)?.[1];
  if (path.startsWith('/assets/') && asset === undefined) return send(res, 404, { ...security, 'content-type': 'text/plain; charset=utf-8' }, 'Not found', head);
  const name = asset === undefined ? 'index.html' : `assets/${asset}`;
  const file = new URL(name, WEB_DIST);
  let body: Buffer;
  let version: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    version = `${info.size}-${info.mtimeMs}`;
    body = await readFile(file);
  } catch {
    if (asset !== undefined) return send(res, 404, { ...security, 'content-type': 'text/plain; charset=utf-8' }, 'Not found', head);
    return send(res, 503, { ...security, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, NOT_BUILT, head);
  }
  const extension = name.slice(name.lastIndexOf('.'));
  const headers: Record<string, string> = {
    ...security,
    'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
    // Hashed assets never change under their name; the page names the current ones, so it is always revalidated.
    'cache-control': asset !== undefined && HASHED.test(asset) ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag: `"${createHash('sha1').update(version).digest('base64url')}"`,
    vary: 'accept-encoding',
  };
  const gzip = COMPRESSIBLE.has(extension) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  // The gzip bytes are another representation: another tag, so no cache mixes the two up.
  if (gzip) headers['etag'] = `${headers['etag']!.slice(0, -1)}-gz"`;
  const matches = String(req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (matches.includes(headers['etag']!) || matches.includes('*')) {
    res.writeHead(304, gzip ? { ...headers, 'content-encoding': 'gzip' } : headers);
    return void res.end();
  }
  if (gzip) return send(res, 200, { ...headers, 'content-encoding': 'gzip' }, compressed(name, version, body), head);
  send(res, 200, headers, body, head);
}
