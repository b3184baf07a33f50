/** Small node:http helpers shared by the gateway and the emulator. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Reads a request body as UTF-8 text, up to `limit` bytes. Resolves null when it is larger (declared or
 * actual); the rest is drained, not stored, so memory stays bounded.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? '0') > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes a JSON answer with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A predicate for browser origins allowed by a list of patterns, compiled once. `*` alone allows any
 * origin; inside an entry it stands for one host label or a port (no `.`, `:` or `/`), so
 * `http://localhost:*` does not admit `http://localhost:80.evil.example`.
 */
export function originMatcher(allowlist: readonly string[]): (origin: string) => boolean {
  if (allowlist.includes('*')) return () => true;
  const escape = (part: string) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
  const patterns = allowlist.map((pattern) => new RegExp(`^${pattern.split('*').map(escape).join('[^/.:]*')}$`));
  return (origin) => patterns.some((pattern) => pattern.test(origin));
}

/** A one-line hint for a port that is taken, instead of a stack trace. */
export function listenHint(error: unknown, variable: string, port: number): string | null {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${port} is already in use: stop what is listening there, or set ${variable} to another port`;
  if (code === 'EACCES') return `no permission to listen on port ${port}: set ${variable} to a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `this machine has no interface with the address in HOST`;
  return null;
}

const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const IP_LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

/**
 * True for a Host header a server on a developer's machine may answer: a loopback name, an IP address, or one
 * of `extra`. A DNS rebinding attack needs a name of the attacker's own, which is none of these.
 */
export function isLocalHostHeader(host: string | undefined, extra: readonly string[] = []): boolean {
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK_NAMES.has(name) || IP_LITERAL.test(name) || extra.includes(name);
}
