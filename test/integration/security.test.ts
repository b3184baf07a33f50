/**
 * Abuse is refused before it reaches Twilio: caller auth (API keys, JWT), send rate limits, GraphQL and
 * HTTP limits, CSRF and CORS, the production posture, and status-callback signatures.
 */
import { ConfigError, loadConfig } from '../../src/config.js';
import { computeSignature } from '../../src/protocol/signature.js';
import { gql, startStack } from '../support/gateway.js';
import { startJwks, type Jwks } from '../support/jwt.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
const SEND = 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "hi" }) { message { sid } } }';
const LIST = '{ messages(first: 1) { nodes { sid } } }';

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe('caller authentication with API keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ GATEWAY_API_KEYS: 'key-one-0123456789, key-two-0123456789' });
  });
  afterAll(() => stack.stop());

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', { authorization: 'Bearer key-three-0123456789' }],
    ['Basic instead of Bearer', { authorization: 'Basic a2V5LW9uZQ==' }],
  ])('answers 401 UNAUTHENTICATED to %s, and nothing reaches Twilio', async (_name, headers) => {
    stack.emu.handler.resetCalls();
    const result = await gql(stack.url, SEND, undefined, headers);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('lets a configured key through', async () => {
    const result = await gql(stack.url, LIST, undefined, { authorization: 'Bearer key-two-0123456789' });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });
});

describe('caller authentication with JWT', () => {
  let stack: Stack;
  let jwks: Jwks;
  let sign: Jwks['sign'];

  beforeAll(async () => {
    jwks = await startJwks();
    sign = jwks.sign;
    stack = await startStack(jwks.env);
  });
  afterAll(async () => {
    await stack.stop();
    await jwks.stop();
  });

  it('accepts a valid token and refuses a wrong audience or an expired one', async () => {
    const good = await sign({ sub: 'user-1' });
    expect((await gql(stack.url, LIST, undefined, { authorization: `Bearer ${good}` })).status).toBe(200);
    const wrongAudience = await sign({ sub: 'user-1' }, { audience: 'another-api' });
    expect((await gql(stack.url, LIST, undefined, { authorization: `Bearer ${wrongAudience}` })).status).toBe(401);
    const expired = await sign({ sub: 'user-1' }, { expiresIn: '-1m' });
    expect((await gql(stack.url, LIST, undefined, { authorization: `Bearer ${expired}` })).status).toBe(401);
  });
});

describe('send rate limit per caller', () => {
  it('refuses the third send in a minute with RATE_LIMITED and sends only two', async () => {
    const stack = await startStack({ SEND_RATE_LIMIT: '2', GATEWAY_API_KEYS: 'alice-key-000000,bob-key-00000000' });
    try {
      const alice = { authorization: 'Bearer alice-key-000000' };
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await gql(stack.url, SEND, undefined, alice));
      expect(results.map((r) => r.errors?.[0]?.extensions?.['code'] ?? 'ok')).toEqual(['ok', 'ok', 'RATE_LIMITED']);
      expect(results[2]!.errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThan(0);
      expect(stack.emu.handler.calls.get('CreateMessage')).toBe(2);
      const bob = await gql(stack.url, SEND, undefined, { authorization: 'Bearer bob-key-00000000' });
      expect(bob.errors).toBeUndefined();
    } finally {
      await stack.stop();
    }
  });

  it('does not charge the budget for replays of an idempotency key', async () => {
    const stack = await startStack({ SEND_RATE_LIMIT: '1' });
    try {
      const keyed = 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "k", idempotencyKey: "once" }) { message { sid } } }';
      const first = await gql<{ createMessage: { message: { sid: string } } }>(stack.url, keyed);
      const replay = await gql<{ createMessage: { message: { sid: string } } }>(stack.url, keyed);
      expect(replay.errors).toBeUndefined();
      expect(replay.data!.createMessage.message.sid).toBe(first.data!.createMessage.message.sid);
      const other = await gql(stack.url, SEND);
      expect(other.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
      expect(stack.emu.handler.calls.get('CreateMessage')).toBe(1);
    } finally {
      await stack.stop();
    }
  });
});

describe('GraphQL and HTTP limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.emu.handler.resetCalls());

  const expectRefused = (result: { status: number; text: string }, status = 400) => {
    expect(result.status).toBe(status);
    expect(stack.emu.handler.totalCalls()).toBe(0);
  };

  it('refuses more aliases than the limit, before any upstream call', async () => {
    stack.emu.handler.resetCalls();
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: message(sid: "SM${String(i).padStart(32, '0')}") { sid }`).join(' ')} }`;
    const result = await post(stack.url, JSON.stringify({ query }));
    expectRefused(result);
    expect(result.text).toContain('aliases');
  });

  it('answers 400 (not 500) for too many tokens and for a syntax error', async () => {
    const huge = `{ ${'__typename '.repeat(6000)} }`;
    const tokens = await post(stack.url, JSON.stringify({ query: huge }));
    expectRefused(tokens);
    expect(JSON.parse(tokens.text).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const syntax = await post(stack.url, JSON.stringify({ query: '{ messages { ' }));
    expectRefused(syntax);
  });

  it('refuses batched HTTP requests', async () => {
    expectRefused(await post(stack.url, JSON.stringify([{ query: LIST }, { query: LIST }])));
  });

  it('refuses two createMessage in one operation, sending nothing', async () => {
    const two = 'mutation { a: createMessage(input: { to: "+14155550100", from: "+15005550006", body: "1" }) { message { sid } } b: createMessage(input: { to: "+14155550100", from: "+15005550006", body: "2" }) { message { sid } } }';
    const result = await post(stack.url, JSON.stringify({ query: two }));
    expectRefused(result);
    expect(result.text).toContain('At most one createMessage');
    const viaFragment = 'mutation { a: createMessage(input: { to: "+14155550100", from: "+15005550006", body: "1" }) { message { sid } } ...F } fragment F on Mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "2" }) { message { sid } } }';
    expectRefused(await post(stack.url, JSON.stringify({ query: viaFragment })));
  });

  it('answers 413 to a body over the limit', async () => {
    const big = JSON.stringify({ query: LIST, variables: { pad: 'x'.repeat(200 * 1024) } });
    expectRefused(await post(stack.url, big), 413);
  });

  it('answers 400 to a body that is not JSON', async () => {
    expectRefused(await post(stack.url, '{"query": '));
  });

  it('blocks CSRF: a simple GET or a text/plain POST without a preflight header', async () => {
    const get = await fetch(`${stack.url}/graphql?query=${encodeURIComponent(LIST)}`);
    expect(get.status).toBe(400);
    const plain = await post(stack.url, JSON.stringify({ query: LIST }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(stack.emu.handler.totalCalls()).toBe(0);
    const allowed = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
  });

  it('refuses mutations over GET', async () => {
    const get = await fetch(`${stack.url}/graphql?query=${encodeURIComponent(SEND)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(405);
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });
});

describe('CORS', () => {
  it('allows configured origins only', async () => {
    const stack = await startStack({ CORS_ORIGINS: 'https://app.example.com,http://localhost:*' });
    try {
      const ok = await post(stack.url, JSON.stringify({ query: '{ __typename }' }), { origin: 'https://app.example.com' });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const local = await post(stack.url, JSON.stringify({ query: '{ __typename }' }), { origin: 'http://localhost:5173' });
      expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const evil = await post(stack.url, JSON.stringify({ query: LIST }), { origin: 'https://evil.example' });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const tricky = await post(stack.url, JSON.stringify({ query: LIST }), { origin: 'http://localhost:5173.evil.example' });
      expect(tricky.status).toBe(403);
      const preflight = await fetch(`${stack.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    } finally {
      await stack.stop();
    }
  });
});

describe('production posture', () => {
  it('refuses to start without caller authentication unless GATEWAY_AUTH=none', () => {
    const base = { NODE_ENV: 'production', TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_AUTH_TOKEN: 't' };
    expect(() => loadConfig(base)).toThrow(ConfigError);
    expect(() => loadConfig(base)).toThrow(/GATEWAY_API_KEYS/);
    expect(loadConfig({ ...base, GATEWAY_AUTH: 'none' }).auth.disabled).toBe(true);
  });

  it('serves no landing page and no introspection, unless introspection is asked for', async () => {
    const stack = await startStack({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'prod-key-00000000' });
    const auth = { authorization: 'Bearer prod-key-00000000' };
    try {
      const page = await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/<html|sandbox/i);
      const introspection = await gql(stack.url, '{ __schema { types { name } } }', undefined, auth);
      expect(introspection.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await gql(stack.url, LIST, undefined, auth)).errors).toBeUndefined();
    } finally {
      await stack.stop();
    }
    const open = await startStack({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'prod-key-00000000', GATEWAY_INTROSPECTION: 'true' });
    try {
      const introspection = await gql(open.url, '{ __schema { queryType { name } } }', undefined, { authorization: 'Bearer prod-key-00000000' });
      expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await open.stop();
    }
  });

  it('serves the offline explorer in development, all of it from the gateway itself', async () => {
    const stack = await startStack();
    try {
      const page = await fetch(`${stack.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await page.text();
      expect(html).toContain('GraphQL explorer');
      // Scripts, styles and the icon come from this gateway (or the page itself): nothing from a CDN.
      const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      expect(references.length).toBeGreaterThan(1);
      for (const reference of references) expect(reference).toMatch(/^(\/assets\/|data:)/);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
      expect((await fetch(`${stack.url}${script}`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});

describe('status callbacks on the configured public URL', () => {
  it('accepts only signatures made for PUBLIC_URL, and never moves a status backwards', async () => {
    const stack = await startStack({ PUBLIC_URL: 'https://sms.example.com' });
    try {
      const client = stack.emu;
      const sent = await gql<{ createMessage: { message: { sid: string } } }>(stack.url, SEND);
      const sid = sent.data!.createMessage.message.sid;
      const publicUrl = 'https://sms.example.com/twilio/status-callback';
      const postCallback = (status: string, url: string) => {
        const params = { MessageSid: sid, MessageStatus: status, AccountSid: client.account.accountSid };
        return fetch(`${stack.url}/twilio/status-callback`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeSignature(client.account.authToken, url, params) },
          body: new URLSearchParams(params).toString(),
        });
      };
      expect((await postCallback('delivered', `${stack.url}/twilio/status-callback`)).status).toBe(403);
      expect((await postCallback('delivered', publicUrl)).status).toBe(204);
      expect((await postCallback('sent', publicUrl)).status).toBe(204);
      expect((await postCallback('delivered', publicUrl)).status).toBe(204);
      const status = await gql<{ message: { status: string } }>(stack.url, `{ message(sid: "${sid}") { status } }`);
      expect(status.data!.message.status).toBe('DELIVERED');
    } finally {
      await stack.stop();
    }
  });
});
