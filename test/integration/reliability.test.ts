/**
 * The send and retry rules, proved against a fault-injecting fake Twilio by counting the
 * requests it receives: a send is repeated only when Twilio cannot have processed it.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../src/telemetry/log.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeUpstream, wireMessage, type FakeUpstream, type Step } from '../support/fake-upstream.js';
import { gql, startGatewayFor } from '../support/gateway.js';

const ACCOUNT = { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN };
const SEND = 'mutation($key: String) { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "hi", idempotencyKey: $key }) { message { sid } userErrors { code twilioCode message } } }';
const FETCH = `query { message(sid: "SM${'b'.repeat(32)}") { sid status } }`;
const DELETE = `mutation { deleteMessage(sid: "SM${'b'.repeat(32)}") { deletedSid userErrors { code } } }`;
const SECRET = 'sk_live_SUPERSECRET_value_42';

describe('send and retry rules against a faulty upstream', () => {
  let fake: FakeUpstream;
  let stack: Awaited<ReturnType<typeof startGatewayFor>>;
  const lines: string[] = [];
  const logger: Logger = (level, event, fields) => lines.push(JSON.stringify({ level, event, ...fields }));

  beforeEach(async () => {
    lines.length = 0;
    fake = await startFakeUpstream();
    stack = await startGatewayFor(fake.url, ACCOUNT, {}, { logger });
  });
  afterEach(async () => {
    await stack.gateway.stop();
    await fake.stop();
  });

  const created: Step = { kind: 'json', status: 201, body: wireMessage() };

  it.each<[string, Step]>([
    ['a connection reset after the body was sent', { kind: 'reset' }],
    ['a response timeout', { kind: 'silent' }],
    ['a 500', { kind: 'json', status: 500, body: { code: 20500, message: 'Internal Server Error' } }],
    ['a 503', { kind: 'raw', status: 503, body: 'upstream connect error' }],
    ['a 201 with a body that is not JSON', { kind: 'raw', status: 201, body: '{"sid": "SM' }],
  ])('gives SEND_OUTCOME_UNKNOWN after exactly one POST on %s', async (_name, fault) => {
    fake.script('POST', [fault, created]);
    const result = await gql(stack.url, SEND);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('SEND_OUTCOME_UNKNOWN');
    expect(result.status).toBe(200);
    expect(fake.count('POST')).toBe(1);
  });

  it('retries a send that Twilio refused with 429 (not processed), honouring Retry-After', async () => {
    fake.script('POST', [{ kind: 'json', status: 429, body: { code: 20429, message: 'Too Many Requests' }, headers: { 'retry-after': '0' } }, created]);
    const result = await gql(stack.url, SEND);
    expect(result.errors).toBeUndefined();
    expect(fake.count('POST')).toBe(2);
  });

  it('gives RATE_LIMITED with retryAfter when Retry-After is past the cap, without waiting', async () => {
    fake.script('POST', [{ kind: 'json', status: 429, body: { code: 20429, message: 'Too Many Requests' }, headers: { 'retry-after': '120' } }]);
    const result = await gql(stack.url, SEND);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 120 });
    expect(fake.count('POST')).toBe(1);
  });

  it('lets the same idempotency key send again after a 429 (nothing was sent), and never after an unknown outcome', async () => {
    fake.script('POST', [{ kind: 'json', status: 429, body: { code: 20429 }, headers: { 'retry-after': '120' } }, created]);
    expect((await gql(stack.url, SEND, { key: 'k1' })).errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect((await gql(stack.url, SEND, { key: 'k1' })).errors).toBeUndefined();
    expect(fake.count('POST')).toBe(2);

    fake.script('POST', [{ kind: 'reset' }, created]);
    expect((await gql(stack.url, SEND, { key: 'k2' })).errors?.[0]?.extensions?.['code']).toBe('SEND_OUTCOME_UNKNOWN');
    expect((await gql(stack.url, SEND, { key: 'k2' })).errors?.[0]?.extensions?.['code']).toBe('SEND_OUTCOME_UNKNOWN');
    expect(fake.count('POST')).toBe(3);
  });

  it('retries GET on 5xx and network errors with backoff', async () => {
    fake.script('GET', [
      { kind: 'json', status: 503, body: {} },
      { kind: 'reset' },
      { kind: 'json', status: 200, body: wireMessage({ sid: 'SM' + 'b'.repeat(32), status: 'delivered' }) },
    ]);
    const result = await gql(stack.url, FETCH);
    expect(result.data).toEqual({ message: { sid: 'SM' + 'b'.repeat(32), status: 'DELIVERED' } });
    expect(fake.count('GET')).toBe(3);
  });

  it('gives up on GET after the retries with UPSTREAM_UNAVAILABLE or UPSTREAM_TIMEOUT', async () => {
    fake.script('GET', [{ kind: 'json', status: 502, body: {} }]);
    expect((await gql(stack.url, FETCH)).errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.count('GET')).toBe(3);
    fake.script('GET', [{ kind: 'silent' }]);
    expect((await gql(stack.url, FETCH)).errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_TIMEOUT');
    expect(fake.count('GET')).toBe(6);
  });

  it('counts a DELETE retried into 404 as deleted', async () => {
    fake.script('DELETE', [{ kind: 'json', status: 500, body: {} }, { kind: 'json', status: 404, body: { code: 20404, message: 'not found', status: 404 } }]);
    const result = await gql(stack.url, DELETE);
    expect(result.data).toEqual({ deleteMessage: { deletedSid: 'SM' + 'b'.repeat(32), userErrors: [] } });
    expect(fake.count('DELETE')).toBe(2);
  });

  it('never leaks secrets from odd upstream answers into responses or logs', async () => {
    const odd: Array<[string, Step]> = [
      ['GET', { kind: 'json', status: 401, body: { code: 20003, message: `Authenticate ${SECRET}`, detail: `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString('base64')}` } }],
      ['GET', { kind: 'raw', status: 500, body: `<html>stack trace at /srv/app.js token=${FAKE_AUTH_TOKEN} ${SECRET}</html>` }],
      ['GET', { kind: 'raw', status: 200, body: `not json ${SECRET}` }],
      ['POST', { kind: 'raw', status: 400, body: `<html>${SECRET}</html>` }],
    ];
    for (const [method, step] of odd) {
      fake.script(method, [step]);
      const result = await gql(stack.url, method === 'GET' ? FETCH : SEND);
      for (const text of [result.raw, ...lines]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(FAKE_AUTH_TOKEN);
        expect(text).not.toContain(FAKE_ACCOUNT_SID);
        expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}|stacktrace|\.js:\d+/);
      }
    }
    expect((await gql(stack.url, SEND)).data).toMatchObject({ createMessage: { userErrors: [{ code: 'REJECTED_BY_TWILIO', twilioCode: 0 }] } });
  });

  it('keeps upstream concurrency at TWILIO_MAX_CONCURRENCY', async () => {
    await stack.gateway.stop();
    stack = await startGatewayFor(fake.url, ACCOUNT, { TWILIO_MAX_CONCURRENCY: '3' }, { logger });
    fake.script('GET', [{ kind: 'slow', ms: 30, then: { kind: 'json', status: 200, body: wireMessage() } }]);
    const aliases = Array.from({ length: 12 }, (_, i) => `m${i}: message(sid: "SM${String(i).padStart(32, '0')}") { sid }`).join(' ');
    const result = await gql(stack.url, `query { ${aliases} }`);
    expect(result.errors).toBeUndefined();
    expect(fake.count('GET')).toBe(12);
    expect(fake.peakConcurrency).toBe(3);
    expect(stack.gateway.services.upstream.limiter.peak).toBe(3);
  });

  it('finishes in-flight requests on stop (graceful shutdown) and then refuses new ones', async () => {
    fake.script('POST', [{ kind: 'slow', ms: 200, then: created }]);
    const inFlight = gql(stack.url, SEND);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = stack.gateway.stop();
    const result = await inFlight;
    await stopped;
    expect(result.errors).toBeUndefined();
    expect(fake.count('POST')).toBe(1);
    await expect(fetch(`${stack.url}/healthz`)).rejects.toThrow();
  });
});

describe('a refused connection', () => {
  it('is retried (nothing was written) and ends as UPSTREAM_UNAVAILABLE, not SEND_OUTCOME_UNKNOWN', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const stack = await startGatewayFor(`http://127.0.0.1:${port}`, ACCOUNT);
    try {
      const result = await gql(stack.url, SEND);
      expect(result.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect(stack.gateway.services.upstream.requests).toBe(3);
    } finally {
      await stack.gateway.stop();
    }
  });
});
