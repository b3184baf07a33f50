/**
 * How the gateway uses the account's capacity, counted at the upstream: identical reads in flight are one
 * call, answers are reused until something the gateway hears of changes them, callers get a fair share of
 * the concurrency, and 429s and a busy limiter are waited out instead of passed on.
 */
import { basicAuth } from '../support/emulator.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeUpstream, wireMessage, type FakeUpstream, type Step } from '../support/fake-upstream.js';
import { gql, startGatewayFor, startWiredStack, type Stack } from '../support/gateway.js';
import { until } from '../support/ws.js';

const ACCOUNT = { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN };
const KEYS = ['caller-a-key-0123456789', 'caller-b-key-0123456789'];
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const sid = (n: number) => 'SM' + n.toString(16).padStart(32, '0');
const fetchOf = (n: number) => `query { message(sid: "${sid(n)}") { sid status } }`;
const SEND = 'mutation($key: String) { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "hi", idempotencyKey: $key }) { message { sid } userErrors { code } } }';
const ok = (body: unknown): Step => ({ kind: 'json', status: 200, body });
const tooMany: Step = { kind: 'json', status: 429, body: { code: 20429, message: 'Too Many Requests' } };

describe('sharing the upstream (fake Twilio)', () => {
  let fake: FakeUpstream;
  let gateway: Awaited<ReturnType<typeof startGatewayFor>> | undefined;
  const start = async (env: Record<string, string>, patienceMs = 10_000) => {
    gateway = await startGatewayFor(fake.url, ACCOUNT, { GATEWAY_API_KEYS: KEYS.join(','), ...env }, {
      upstream: { timeouts: { connect: 500, response: 2_000, total: 3_000 }, retry: { baseDelayMs: 5, maxDelayMs: 1_000, patienceMs } },
    });
    return gateway.url;
  };
  const stack = () => gateway!.gateway.services.upstream;
  beforeEach(async () => {
    fake = await startFakeUpstream();
  });
  afterEach(async () => {
    await gateway?.gateway.stop();
    gateway = undefined;
    await fake.stop();
  });

  it('makes 20 identical reads from two callers, in flight together, one upstream call', async () => {
    const url = await start({ CACHE_TTL_MS: '0' });
    fake.script('GET', [{ kind: 'slow', ms: 300, then: ok(wireMessage({ sid: sid(1) })) }]);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => gql(url, fetchOf(1), undefined, as(KEYS[i % 2]!))));
    for (const answer of answers) expect(answer.data).toEqual({ message: { sid: sid(1), status: 'QUEUED' } });
    expect(fake.count('GET')).toBe(1);
  });

  it('makes each of them its own call with UPSTREAM_COALESCING=off', async () => {
    const url = await start({ CACHE_TTL_MS: '0', UPSTREAM_COALESCING: 'off' });
    fake.script('GET', [{ kind: 'slow', ms: 100, then: ok(wireMessage({ sid: sid(1) })) }]);
    await Promise.all(Array.from({ length: 6 }, () => gql(url, fetchOf(1), undefined, as(KEYS[0]!))));
    expect(fake.count('GET')).toBe(6);
  });

  it('answers a repeated read from the cache for CACHE_TTL_MS, and from Twilio with the cache off', async () => {
    let url = await start({});
    fake.script('GET', [ok(wireMessage({ sid: sid(2) }))]);
    for (let i = 0; i < 3; i++) expect((await gql(url, fetchOf(2), undefined, as(KEYS[i % 2]!))).errors).toBeUndefined();
    expect(fake.count('GET')).toBe(1);
    await gateway!.gateway.stop();
    url = await start({ CACHE_TTL_MS: '0' });
    for (let i = 0; i < 3; i++) await gql(url, fetchOf(2), undefined, as(KEYS[0]!));
    expect(fake.count('GET')).toBe(4);
  });

  it('waits out Twilio\'s 429s on a read for as long as its patience lasts: no 429 reaches the caller', async () => {
    const url = await start({});
    fake.script('GET', [tooMany, tooMany, tooMany, tooMany, tooMany, ok(wireMessage({ sid: sid(3) }))]);
    const answer = await gql(url, fetchOf(3), undefined, as(KEYS[0]!));
    expect(answer.errors).toBeUndefined();
    expect(fake.count('GET')).toBe(6); // five more tries than the two retries of other failures
  });

  it('lets a send wait for a slot rather than fail, and refuses it with RATE_LIMITED, having sent nothing, once its patience is spent', async () => {
    const url = await start({ TWILIO_MAX_CONCURRENCY: '1', CACHE_TTL_MS: '0' }, 400);
    const created: Step = { kind: 'json', status: 201, body: wireMessage() };
    fake.script('POST', [created]);
    // A read holds the only slot for 150 ms: the send waits, then goes.
    fake.script('GET', [{ kind: 'slow', ms: 150, then: ok(wireMessage({ sid: sid(4) })) }]);
    const read = gql(url, fetchOf(4), undefined, as(KEYS[0]!));
    await until(() => fake.count('GET') === 1);
    const sent = await gql(url, SEND, { key: 'k1' }, as(KEYS[1]!));
    expect(sent.errors).toBeUndefined();
    expect(fake.count('POST')).toBe(1);
    await read;
    // Held for 1 s, past the send's 400 ms of patience: refused, nothing sent, and the same key sends later.
    fake.script('GET', [{ kind: 'slow', ms: 1_000, then: ok(wireMessage({ sid: sid(5) })) }]);
    const slow = gql(url, fetchOf(5), undefined, as(KEYS[0]!));
    await until(() => fake.count('GET') === 2);
    const refused = await gql(url, SEND, { key: 'k2' }, as(KEYS[1]!));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });
    expect(fake.count('POST')).toBe(1);
    await slow;
    expect((await gql(url, SEND, { key: 'k2' }, as(KEYS[1]!))).errors).toBeUndefined();
    expect(fake.count('POST')).toBe(2);
  });

  it('gives callers the account\'s capacity in turn: one caller\'s 25 reads do not queue another\'s one behind them', async () => {
    const url = await start({ TWILIO_MAX_CONCURRENCY: '2', CACHE_TTL_MS: '0' });
    fake.script('GET', [{ kind: 'fn', answer: () => ({ kind: 'slow', ms: 40, then: ok(wireMessage()) }) }]);
    const aliases = Array.from({ length: 25 }, (_, i) => `m${i}: message(sid: "${sid(100 + i)}") { sid }`).join(' ');
    const burst = gql(url, `query { ${aliases} }`, undefined, as(KEYS[0]!));
    await until(() => fake.count('GET') >= 2);
    expect(stack().limiter.inFlight).toBe(2);
    const other = await gql(url, fetchOf(999), undefined, as(KEYS[1]!));
    expect(other.errors).toBeUndefined();
    expect((await burst).errors).toBeUndefined();
    const order = fake.requests.filter((r) => r.startsWith('GET ')).map((r) => r.slice(r.lastIndexOf('/') + 1, -'.json'.length));
    expect(order).toHaveLength(26);
    // In arrival order it would have been 26th; in turn it goes with the next free slot.
    expect(order.indexOf(sid(999))).toBeLessThanOrEqual(3);
  });

  it('lets a read shared with a caller\'s backlog go in the turn of anyone who joined it', async () => {
    const url = await start({ TWILIO_MAX_CONCURRENCY: '2', CACHE_TTL_MS: '0' });
    fake.script('GET', [{ kind: 'fn', answer: () => ({ kind: 'slow', ms: 40, then: ok(wireMessage()) }) }]);
    // A's 25 reads queue in A's lane, the popular message last among them.
    const aliases = Array.from({ length: 24 }, (_, i) => `m${i}: message(sid: "${sid(100 + i)}") { sid }`).join(' ');
    const burst = gql(url, `query { ${aliases} popular: message(sid: "${sid(7)}") { sid } }`, undefined, as(KEYS[0]!));
    await until(() => fake.count('GET') >= 2);
    const joined = await gql(url, fetchOf(7), undefined, as(KEYS[1]!));
    expect(joined.errors).toBeUndefined();
    await burst;
    const order = fake.requests.filter((r) => r.startsWith('GET ')).map((r) => r.slice(r.lastIndexOf('/') + 1, -'.json'.length));
    expect(order.filter((s) => s === sid(7))).toHaveLength(1); // one read, shared
    expect(order.indexOf(sid(7))).toBeLessThanOrEqual(3); // in B's turn, not after A's 24 others
  });

  it('drops every cached list after a send whose outcome is unknown, so the look-up it asks for sees the send', async () => {
    const url = await start({});
    const LIST = 'query { messages(first: 5, filter: { to: "+14155550100" }) { nodes { sid } } }';
    fake.script('GET', [ok({ messages: [], page: 0, page_size: 5, next_page_uri: null })]);
    await gql(url, LIST, undefined, as(KEYS[0]!));
    await gql(url, LIST, undefined, as(KEYS[0]!));
    expect(fake.count('GET')).toBe(1);
    fake.script('POST', [{ kind: 'json', status: 500, body: { code: 20500, message: 'Internal Server Error' } }]);
    expect((await gql(url, SEND, { key: 'k1' }, as(KEYS[0]!))).errors?.[0]?.extensions?.['code']).toBe('SEND_OUTCOME_UNKNOWN');
    await gql(url, LIST, undefined, as(KEYS[0]!));
    expect(fake.count('GET')).toBe(2);
  });

  it('drops a message after a delete whose answer was lost', async () => {
    const url = await start({});
    fake.script('GET', [ok(wireMessage({ sid: sid(8) }))]);
    await gql(url, fetchOf(8), undefined, as(KEYS[0]!));
    fake.script('DELETE', [{ kind: 'json', status: 503, body: { code: 20503, message: 'Service Unavailable' } }]);
    const deleted = await gql(url, `mutation { deleteMessage(sid: "${sid(8)}") { deletedSid } }`, undefined, as(KEYS[0]!));
    expect(deleted.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    await gql(url, fetchOf(8), undefined, as(KEYS[0]!));
    expect(fake.count('GET')).toBe(2);
  });

  it('keeps the retries of other failures for them: 429s do not use them up, and do not make a 404 look deleted', async () => {
    const url = await start({});
    fake.script('GET', [tooMany, tooMany, { kind: 'json', status: 503, body: { code: 20503 } }, ok(wireMessage({ sid: sid(9) }))]);
    expect((await gql(url, fetchOf(9), undefined, as(KEYS[0]!))).errors).toBeUndefined();
    fake.script('DELETE', [tooMany, { kind: 'json', status: 404, body: { code: 20404, message: 'not found' } }]);
    const deleted = await gql<{ deleteMessage: { deletedSid: string | null; userErrors: Array<{ code: string }> } }>(url, `mutation { deleteMessage(sid: "${sid(10)}") { deletedSid userErrors { code } } }`, undefined, as(KEYS[0]!));
    expect(deleted.data?.deleteMessage).toEqual({ deletedSid: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('a cache that stays correct (emulator)', () => {
  let stack: Stack;
  afterEach(async () => stack.stop());

  const LIST = 'query { messages(first: 50) { nodes { sid body status } } }';
  const bodies = async () => ((await gql<{ messages: { nodes: Array<{ body: string }> } }>(stack.url, LIST)).data?.messages.nodes ?? []).map((m) => m.body);

  it('reuses a list until the gateway hears of a change: its own send, an inbound message', async () => {
    stack = await startWiredStack();
    stack.emu.setSmsUrl(`${stack.url}/twilio/inbound`);
    const upstream = stack.gateway.services.upstream;
    await bodies();
    const calls = upstream.requests;
    await bodies();
    await bodies();
    expect(upstream.requests).toBe(calls);

    const sent = await gql<{ createMessage: { message: { sid: string } } }>(stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "sent just now" }) { message { sid } } }');
    expect(sent.errors).toBeUndefined();
    expect(await bodies()).toContain('sent just now');

    const events = async () => ((await stack.gateway.services.eventLog.after(null, 100)) ?? []).filter((e) => e.type === 'RECEIVED').length;
    const response = await fetch(`${stack.emu.url}/emulator/inbound`, {
      method: 'POST',
      headers: { authorization: basicAuth(stack.emu.account), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: '+14155550111', To: '+15005550006', Body: 'a reply just now' }).toString(),
    });
    expect(response.status).toBe(201);
    stack.emu.clock.advance(1_000);
    await until(async () => (await events()) === 1);
    expect(await bodies()).toContain('a reply just now');
    const after = upstream.requests;
    await bodies();
    expect(upstream.requests).toBe(after);
  });
});
