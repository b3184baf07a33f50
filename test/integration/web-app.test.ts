/**
 * The inbox's static handler (src/server/web.ts) as a browser and an attacker see it: the page and its hashed
 * assets with their types, caching, compression and CSP; GET and HEAD only; no way out of web/dist/assets; and in
 * production nothing unless WEB_APP=true.
 */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config.js';
import { startStack, type Stack } from '../support/gateway.js';

/** A raw request (fetch would normalise `..` away before sending it). */
function raw(url: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the inbox at /', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('serves the page, never cached, under a CSP of this origin and its socket', async () => {
    const page = await fetch(`${stack.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const host = new URL(stack.url).host;
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe|https?:\/\//);
    expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/assets\/inbox-[\w-]+\.js">/);
  });

  it('serves hashed assets with their type, cached for good, gzipped when asked, and 304 for a known ETag', async () => {
    const html = await (await fetch(`${stack.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await fetch(`${stack.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await plain.arrayBuffer());
    const zipped = await raw(stack.url, script);
    expect(zipped.headers['content-encoding']).toBeUndefined(); // no Accept-Encoding, no gzip
    let gzTag: string | undefined;
    const gz = await new Promise<Buffer>((resolve, reject) => {
      const { hostname, port } = new URL(stack.url);
      request({ hostname, port, path: script, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        expect(res.headers['content-encoding']).toBe('gzip');
        gzTag = res.headers.etag;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject).end();
    });
    expect(gunzipSync(gz).equals(body)).toBe(true);
    // Two representations, two tags; a list of tags, weak or not, is understood.
    expect(gzTag).toBeDefined();
    expect(gzTag).not.toBe(plain.headers.get('etag'));
    const again = await fetch(`${stack.url}${script}`, { headers: { 'accept-encoding': 'identity', 'if-none-match': `"other", W/${plain.headers.get('etag')!}` } });
    expect(again.status).toBe(304);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(`${stack.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    const post = await fetch(`${stack.url}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    '/assets/../package.json',
    '/assets/..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/.vite/manifest.json',
    '/assets/',
    '/assets/nope.js',
    '/assets//etc/passwd',
  ])('serves nothing outside web/dist/assets: %s', async (path) => {
    const response = await raw(stack.url, path);
    expect(response.status).toBe(404);
  });

  it('leaves other paths to the rest of the gateway', async () => {
    expect((await fetch(`${stack.url}/explorer.html`)).status).toBe(404);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
  });
});

describe('the inbox in production', () => {
  const production = { NODE_ENV: 'production', GATEWAY_API_KEYS: 'web-key-0123456789' };

  it('is not served unless WEB_APP=true', async () => {
    const off = await startStack(production);
    try {
      expect((await fetch(`${off.url}/`)).status).toBe(404);
      expect((await fetch(`${off.url}/assets/anything.js`)).status).toBe(404);
    } finally {
      await off.stop();
    }
    const on = await startStack({ ...production, WEB_APP: 'true' });
    try {
      expect((await fetch(`${on.url}/`)).status).toBe(200);
    } finally {
      await on.stop();
    }
    expect(() => loadConfig({ ...production, WEB_APP: 'yes' })).toThrow(/WEB_APP must be "true" or "false"/);
  });
});
