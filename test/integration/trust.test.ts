/**
 * What a security review and a first-time user broke, each as a check that failed before the fix: auth
 * skipped for "landing page" requests, expensive documents, masking, status callbacks, idempotency keys,
 * readiness amplification and slow clients, introspection, scheduling, media and inconsistent answers.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { createContext } from '../../src/graphql/context.js';
import type { Logger } from '../../src/telemetry/log.js';
import { computeSignature } from '../../src/protocol/signature.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeUpstream, wireMessage } from '../support/fake-upstream.js';
import { gql, startGatewayFor, startStack } from '../support/gateway.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
const FROM = '+15005550006';
const KEY = { authorization: 'Bearer trust-key-0123456789' };
const send = (input: string) =>
  `mutation { createMessage(input: { to: "+14155550100", from: "${FROM}", ${input} }) { message { sid status body } userErrors { field code message } } }`;
type SendResult = { createMessage: { message: { sid: string; status: string; body: string } | null; userErrors: Array<{ field: string[]; code: string; message: string }> } };

describe('requests without credentials', () => {
  let dev: Stack;
  beforeAll(async () => {
    dev = await startStack({ GATEWAY_API_KEYS: 'trust-key-0123456789' });
  });
  afterAll(() => dev.stop());

  const getQuery = (url: string, accept: string) =>
    fetch(`${url}/graphql?query=${encodeURIComponent('{ messages(first: 1) { nodes { sid body } } }')}`, {
      headers: { accept, 'apollo-require-preflight': '1' },
    });

  it.each([
    ['development', {}],
    ['production', { NODE_ENV: 'production' }],
  ])('get 401 in %s when Accept merely mentions text/html, and reach nothing upstream', async (_name, env) => {
    const stack = Object.keys(env).length === 0 ? dev : await startStack({ GATEWAY_API_KEYS: 'trust-key-0123456789', ...env });
    try {
      stack.emu.handler.resetCalls();
      const response = await getQuery(stack.url, 'application/json, text/html;q=0.1');
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(stack.emu.handler.totalCalls()).toBe(0);
    } finally {
      if (stack !== dev) await stack.stop();
    }
  });

  it('get only the landing page itself, which executes nothing', async () => {
    dev.emu.handler.resetCalls();
    const page = await getQuery(dev.url, 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toContain('"data"');
    expect(dev.emu.handler.totalCalls()).toBe(0);
  });
});

describe('expensive documents', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('refuses 30 aliased messages(first: 1000) with media before any upstream call (QUERY_TOO_EXPENSIVE)', async () => {
    stack.emu.handler.resetCalls();
    const aliases = Array.from({ length: 30 }, (_, i) => `m${i}: messages(first: 1000) { nodes { media { sid } } }`).join(' ');
    const result = await gql(stack.url, `{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimate: 30 * 1001, budget: 200 });
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('applies variable defaults to the estimate', async () => {
    stack.emu.handler.resetCalls();
    const result = await gql(stack.url, 'query($n: Int = 1000) { messages(first: $n) { nodes { media { sid } } } }');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_EXPENSIVE');
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('lets an ordinary inbox query through: messages(first: 50) with media, nodes and edges alike', async () => {
    const result = await gql(stack.url, '{ messages(first: 50) { nodes { sid media { sid url } } edges { node { media { contentType } } } } }');
    expect(result.errors).toBeUndefined();
  });

  it('refuses an operation that asks for more than 2000 messages in all, before any call', async () => {
    stack.emu.handler.resetCalls();
    const aliases = Array.from({ length: 3 }, (_, i) => `m${i}: messages(first: 1000) { nodes { sid body } }`).join(' ');
    const result = await gql(stack.url, `{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', messages: 3000, maxMessages: 2000 });
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('makes no more Twilio calls once the request has been answered', async () => {
    const slow = await startStack({ TWILIO_MAX_CONCURRENCY: '1' });
    try {
      for (let i = 0; i < 10; i++) {
        await gql(slow.url, send(`body: "m${i}", mediaUrls: ["https://example.com/${i}.png"]`));
      }
      slow.emu.handler.resetCalls();
      // The last alias fails at once and, being non-null, nulls the whole answer while the others are still queued.
      const aliases = Array.from({ length: 5 }, (_, i) => `m${i}: messages(first: 10) { nodes { media { sid } } }`).join(' ');
      const result = await gql(slow.url, `{ ${aliases} z: messages(first: 0) { nodes { sid } } }`);
      expect(result.data).toBeNull();
      const atAnswer = slow.emu.handler.totalCalls();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = slow.emu.handler.totalCalls();
      expect(later - atAnswer).toBeLessThanOrEqual(1);
      expect(later).toBeLessThan(5 * 11);
    } finally {
      await slow.stop();
    }
  });

  it('stops at the budget during execution too', async () => {
    const ctx = createContext(stack.gateway.services, { id: 'test' }, 2);
    stack.emu.handler.resetCalls();
    const sids = ['1', '2', '3'].map((d) => `SM${d.repeat(32)}`);
    await ctx.twilio.fetchMessage(sids[0]!);
    await ctx.twilio.fetchMessage(sids[1]!);
    await expect(ctx.twilio.fetchMessage(sids[2]!)).rejects.toMatchObject({ extensions: { code: 'QUERY_TOO_EXPENSIVE' } });
    expect(stack.emu.handler.totalCalls()).toBe(2);
  });

  it('answers a fragment chain that doubles at every step at once, and reports mutual spreads as a cycle', async () => {
    const chain = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const chained = await gql(stack.url, `{ ...F0 } ${chain} fragment F40 on Query { __typename }`);
    expect(chained.errors).toBeUndefined();
    const cycle = await gql(stack.url, '{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A }');
    expect(cycle.status).toBe(400);
    expect(cycle.errors?.[0]?.message).toContain('Cannot spread fragment');
  });

  it('serves the standard introspection query with every option tools use', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const result = await gql<{ __schema: { types: Array<{ name: string }> } }>(stack.url, query);
    expect(result.errors).toBeUndefined();
    expect(result.data!.__schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(['Message', 'MessageConnection', 'DateTime']));
  });
});

describe('errors the gateway did not make on purpose', () => {
  it('are masked and logged; Twilio 4xx text on a read never reaches the caller', async () => {
    const fake = await startFakeUpstream();
    const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const logger: Logger = (_level, event, fields) => lines.push({ event, fields });
    const { gateway, url } = await startGatewayFor(fake.url, { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN }, { GATEWAY_AUTH: 'none' }, { logger });
    try {
      // A list whose item is null makes the gateway's own code throw a native TypeError.
      fake.script('GET', [{ kind: 'json', status: 200, body: { messages: [null], next_page_uri: null } }]);
      const native = await gql(url, '{ messages(first: 1) { nodes { sid } } }');
      expect(native.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(native.raw).not.toContain('Cannot read properties');
      expect(lines.some((line) => line.event === 'graphql.unexpected_error' && String(line.fields?.['message']).includes('Cannot read'))).toBe(true);

      fake.script('GET', [{ kind: 'json', status: 400, body: { code: 21211, message: 'Invalid To token=abcd1234secret', more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } }]);
      const rejected = await gql(url, '{ messages(first: 1, filter: { to: "+14155550100" }) { nodes { sid } } }');
      expect(rejected.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', twilioCode: 21211 });
      expect(rejected.raw).not.toContain('abcd1234secret');
      expect(rejected.raw).not.toContain('token=');

      // more_info passes only as a link to Twilio's page for an error code.
      const moreInfo = `https://www.twilio.com/docs/errors/21211?account=${FAKE_ACCOUNT_SID}&token=${FAKE_AUTH_TOKEN}`;
      fake.script('GET', [{ kind: 'json', status: 400, body: { code: 21211, message: 'Invalid', more_info: moreInfo, status: 400 } }]);
      const odd = await gql(url, '{ messages(first: 1, filter: { to: "+14155550100" }) { nodes { sid } } }');
      expect(odd.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', twilioCode: 21211, moreInfo: null });
      expect(odd.raw).not.toContain(FAKE_AUTH_TOKEN);

      // A document nested deep enough to overflow the parser's stack: Apollo calls it a parse failure, the text is native.
      const deep = await gql(url, `{ messages(filter: { to: ${'['.repeat(2400)}"x"${']'.repeat(2400)} }) { nodes { sid } } }`);
      expect(deep.errors?.[0]?.message).toBe('Internal server error');
      expect(deep.raw).not.toContain('call stack');
    } finally {
      await gateway.stop();
      await fake.stop();
    }
  });
});

describe('status callbacks', () => {
  let stack: Stack;
  let sid: string;
  beforeAll(async () => {
    stack = await startStack();
    sid = (await gql<SendResult>(stack.url, send('body: "cb"'))).data!.createMessage.message!.sid;
  });
  afterAll(() => stack.stop());

  /** Posts a callback signed for `signedUrl`, optionally with another Host header. */
  const callback = (params: Record<string, string>, signedUrl: string, host?: string): Promise<number> => {
    const body = new URLSearchParams(params).toString();
    const target = new URL(`${stack.url}/twilio/status-callback`);
    return new Promise((resolve, reject) => {
      const req = httpRequest(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': computeSignature(stack.emu.account.authToken, signedUrl, params),
          ...(host ? { host } : {}),
        },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  const own = () => `${stack.url}/twilio/status-callback`;
  const statusOf = async () => (await gql<{ message: { status: string } }>(stack.url, `{ message(sid: "${sid}") { status } }`)).data!.message.status;

  it('without PUBLIC_URL, verify against the gateway\'s own address, never the Host header', async () => {
    // A loopback name the gateway is reachable by, but not its own address: signed for what Host claims.
    const claimed = own().replace('127.0.0.1', '127.0.0.2');
    expect(await callback({ MessageSid: sid, MessageStatus: 'sent' }, claimed, new URL(claimed).host)).toBe(403);
    expect(await callback({ MessageSid: sid, MessageStatus: 'sent' }, own())).toBe(204);
    const localhost = own().replace('127.0.0.1', 'localhost');
    expect(await callback({ MessageSid: sid, MessageStatus: 'sent' }, localhost)).toBe(204);
  });

  it('refuse malformed or oversized parameters even when signed', async () => {
    expect(await callback({ MessageSid: 'SM' + 'f'.repeat(200), MessageStatus: 'sent' }, own())).toBe(400);
    expect(await callback({ MessageSid: sid, MessageStatus: 'teleported' }, own())).toBe(400);
    expect(await callback({ MessageSid: 'SM' + 'f'.repeat(100_000), MessageStatus: 'sent' }, own())).toBe(413);
  });

  it('never turn a final failure into a success', async () => {
    expect(await callback({ MessageSid: sid, MessageStatus: 'failed' }, own())).toBe(204);
    expect(await callback({ MessageSid: sid, MessageStatus: 'delivered' }, own())).toBe(204);
    expect(await callback({ MessageSid: sid, MessageStatus: 'read' }, own())).toBe(204);
    expect(await statusOf()).toBe('FAILED');
  });
});

describe('idempotency keys', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());
  const posts = () => stack.emu.handler.calls.get('CreateMessage') ?? 0;

  it('refuse a key longer than 255 characters before any call', async () => {
    stack.emu.handler.resetCalls();
    const result = await gql<SendResult>(stack.url, send(`body: "long", idempotencyKey: "${'k'.repeat(256)}"`));
    expect(result.data!.createMessage.userErrors).toEqual([expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'INVALID_IDEMPOTENCY_KEY' })]);
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('are bound to their input: other input with the same key is IDEMPOTENCY_KEY_REUSED and sends nothing', async () => {
    stack.emu.handler.resetCalls();
    const first = await gql<SendResult>(stack.url, send('body: "first", idempotencyKey: "hello-1"'));
    expect(first.data!.createMessage.message?.body).toBe('first');
    const second = await gql<SendResult>(stack.url, send('body: "second", idempotencyKey: "hello-1"'));
    expect(second.data!.createMessage).toEqual({
      message: null,
      userErrors: [expect.objectContaining({ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_KEY_REUSED' })],
    });
    expect(posts()).toBe(1);
  });

  it('replay the message as it is now, not as it was when sent', async () => {
    stack.emu.handler.resetCalls();
    const first = await gql<SendResult>(stack.url, send('body: "later", idempotencyKey: "order-7"'));
    expect(first.data!.createMessage.message?.status).toBe('QUEUED');
    stack.emu.clock.advance(10_000);
    const replay = await gql<SendResult>(stack.url, send('body: "later", idempotencyKey: "order-7"'));
    expect(replay.data!.createMessage.message).toEqual({ ...first.data!.createMessage.message, status: 'DELIVERED' });
    expect(posts()).toBe(1);
  });

  it('refuse sendAt without a Messaging Service instead of sending at once', async () => {
    stack.emu.handler.resetCalls();
    const result = await gql<SendResult>(stack.url, send('body: "tomorrow", sendAt: "2030-01-15T12:00:00Z"'));
    expect(result.data!.createMessage.userErrors).toEqual([expect.objectContaining({ field: ['input', 'messagingServiceSid'], code: 'SCHEDULE_NEEDS_MESSAGING_SERVICE' })]);
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });
});

describe('one clear answer to each mistake', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('gives malformed and unknown SIDs the same code and the same kind of message', async () => {
    const redact = (sid: string) => gql<{ redactMessage: { userErrors: Array<{ field: string[]; code: string; message: string }> } }>(
      stack.url, `mutation { redactMessage(sid: "${sid}") { userErrors { field code message } } }`);
    const malformed = (await redact('nope')).data!.redactMessage.userErrors[0]!;
    const unknown = (await redact(`SM${'0'.repeat(32)}`)).data!.redactMessage.userErrors[0]!;
    expect([malformed.code, unknown.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect([malformed.field, unknown.field]).toEqual([['sid'], ['sid']]);
    expect(malformed.message).toMatch(/^No message "nope" in this account \(a message SID is SM or MM/);
    expect(unknown.message).toBe(`No message "SM${'0'.repeat(32)}" in this account`);
  });

  it('points cancelMessage\'s userError at the argument it has', async () => {
    const sid = (await gql<SendResult>(stack.url, send('body: "now"'))).data!.createMessage.message!.sid;
    const result = await gql<{ cancelMessage: { userErrors: Array<{ field: string[]; code: string }> } }>(
      stack.url, `mutation { cancelMessage(sid: "${sid}") { userErrors { field code } } }`);
    expect(result.data!.cancelMessage.userErrors).toEqual([{ field: ['sid'], code: 'NOT_CANCELABLE' }]);
  });

  it('refuses a `to` filter without + and says what to send', async () => {
    const result = await gql(stack.url, '{ messages(filter: { to: "14155550100" }) { nodes { sid } } }');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('Did you mean "+14155550100"?');
  });

  it('takes a plain date for a day filter and refuses dates that do not exist', async () => {
    const day = await gql(stack.url, '{ messages(filter: { dateSent: "2026-01-15" }) { nodes { sid } } }');
    expect(day.errors).toBeUndefined();
    for (const impossible of ['2026-02-30', '2026-02-30T00:00:00Z', '2026-01-15T24:00:00Z']) {
      const result = await gql(stack.url, `{ messages(filter: { dateSentAfter: "${impossible}" }) { nodes { sid } } }`);
      expect(result.errors?.[0]?.message).toContain('DateTime must be a real date');
    }
  });
});

describe('a development gateway', () => {
  /** A GET with a Host header of our choosing (fetch does not let one set it). */
  const askWithHost = (url: string, host: string, headers: Record<string, string> = {}): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { ...headers, host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('answers only loopback names and IP addresses, so a rebound DNS name cannot read it (nor the emulator)', async () => {
    const stack = await startStack();
    try {
      const query = `${stack.url}/graphql?query=${encodeURIComponent('{ messages(first: 1) { nodes { body } } }')}`;
      const ask = (host: string) => askWithHost(query, host, { 'apollo-require-preflight': '1' });
      const { port } = new URL(stack.url);
      stack.emu.handler.resetCalls();
      expect(await ask(`attacker.example:${port}`)).toBe(421);
      expect(stack.emu.handler.totalCalls()).toBe(0);
      expect(await ask(`localhost:${port}`)).toBe(200);
      expect(await ask(`127.0.0.1:${port}`)).toBe(200);
      expect(await ask(`192.168.1.20:${port}`)).toBe(200);
      const emulatorList = `${stack.emu.url}/2010-04-01/Accounts/${stack.emu.account.accountSid}/Messages.json`;
      expect(await askWithHost(emulatorList, 'attacker.example')).toBe(421);
    } finally {
      await stack.stop();
    }
  });
});

describe('readiness and slow clients', () => {
  it('coalesces readiness checks and makes one upstream attempt while Twilio fails', async () => {
    const fake = await startFakeUpstream({ GET: [{ kind: 'json', status: 500, body: { code: 20500, message: 'boom' } }] });
    const { gateway, url } = await startGatewayFor(fake.url, { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN }, { GATEWAY_AUTH: 'none' });
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${url}/readyz`)).status));
      expect(new Set(statuses)).toEqual(new Set([503]));
      // Reusing the answer for a while is checked on an injected clock (test/unit/readiness.test.ts).
      expect(fake.count('GET')).toBe(1);
    } finally {
      await gateway.stop();
      await fake.stop();
    }
  });

  it('cuts a client that sends its headers or body too slowly, and makes room at the connection cap', async () => {
    const fake = await startFakeUpstream({ GET: [{ kind: 'json', status: 200, body: wireMessage() }] });
    const { gateway, url } = await startGatewayFor(fake.url, { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN }, { GATEWAY_AUTH: 'none' }, {
      http: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 2 },
    });
    const { port } = new URL(url);
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
      });
    const closed = (socket: Socket): Promise<string> =>
      new Promise((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
    try {
      const slow = await open();
      slow.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      expect(await closed(slow)).toContain('408');
      const trickle = await open();
      trickle.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');
      const timer = setInterval(() => trickle.writable && trickle.write(' '), 100);
      const trickled = await closed(trickle);
      clearInterval(timer);
      expect(trickled).toContain('408');

      // Two connections fill the cap: one idle after a keep-alive answer, one in the middle of its headers.
      const idle = await open();
      const idleClosed = closed(idle);
      const answered = new Promise<void>((resolve) => idle.once('data', () => resolve()));
      idle.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await answered;
      const busy = await open();
      busy.write('GET /healthz HTTP/1.1\r\n');
      // The next one is refused, and makes room by closing the idle one.
      expect(await closed(await open())).toBe('');
      expect(await idleClosed).toContain('200 OK');
      const next = await open();
      next.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      expect(await closed(next)).toContain('200 OK');
      busy.destroy();
    } finally {
      await gateway.stop();
      await fake.stop();
    }
  });
});

describe('media through the gateway', () => {
  let stack: Stack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({ GATEWAY_API_KEYS: 'trust-key-0123456789' });
    const sent = await gql<SendResult>(stack.url, send('body: "pic", mediaUrls: ["https://example.com/cat.png"]'), undefined, KEY);
    const sid = sent.data!.createMessage.message!.sid;
    const media = await gql<{ message: { media: Array<{ url: string }> } }>(stack.url, `{ message(sid: "${sid}") { media { url } } }`, undefined, KEY);
    url = media.data!.message.media[0]!.url;
  });
  afterAll(() => stack.stop());

  it('serves the bytes to a browser with no credentials, never as a page of the gateway', async () => {
    stack.emu.handler.resetCalls();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect([stack.emu.handler.calls.get('FetchMediaContent'), stack.emu.handler.calls.get('FetchMediaStorage')]).toEqual([1, 1]);
  });

  it('answers 403 to a forged or altered link, before any upstream call', async () => {
    stack.emu.handler.resetCalls();
    const forged = url.replace(/signature=([\w-])/, (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`);
    const later = url.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3_600_000}`);
    const otherMedia = url.replace(/\/ME[0-9a-f]{32}\?/, `/ME${'0'.repeat(32)}?`);
    for (const bad of [forged, later, otherMedia, url.split('?')[0]!]) expect((await fetch(bad)).status).toBe(403);
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });
});
