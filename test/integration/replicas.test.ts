/**
 * Two gateway processes on one Redis, in front of one emulator, as a load balancer would run them: events,
 * idempotency keys and send budgets are shared; a subscriber resumes on the other replica; Redis going away
 * in the middle of a send burst duplicates nothing, crashes nothing, and service comes back with it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { connectRedis, redisReady } from '../../src/state/redis/connection.js';
import { computeSignature } from '../../src/protocol/signature.js';
import { gql } from '../support/gateway.js';
import { startEmulator } from '../support/emulator.js';
import { cleanEnv, output, root } from '../support/processes.js';
import { deleteKeys, redisReachable, TEST_REDIS_URL, testPrefix } from '../support/redis.js';
import { startRedisProxy, type RedisProxy } from '../support/redis-proxy.js';
import { until, wsClient } from '../support/ws.js';

const reachable = await redisReachable();
if (!reachable) console.warn(`Redis is not reachable at ${TEST_REDIS_URL}: the two-replica tests are skipped.`);
const describeRedis = reachable ? describe : describe.skip;

/** One API key per test, so that each has a send budget of its own. */
const KEYS = ['events-key-0123456789', 'idempotency-key-0123456789', 'budget-key-0123456789', 'burst-key-0123456789'] as const;
const bearer = (key: (typeof KEYS)[number]) => ({ authorization: `Bearer ${key}` });
const SEND_RATE_LIMIT = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Replica {
  url: string;
  child: ChildProcess;
  text: () => string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SEND = 'mutation($input: CreateMessageInput!) { createMessage(input: $input) { message { sid } userErrors { code } } }';
type Sent = { createMessage: { message: { sid: string } | null; userErrors: Array<{ code: string }> } | null };

describeRedis('two replicas on one Redis', () => {
  const prefix = testPrefix();
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  let proxy: RedisProxy;
  let redis: Redis;
  let a: Replica;
  let b: Replica;

  const start = async (port: number, publicUrl: string): Promise<Replica> => {
    const env = cleanEnv({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      TWILIO_ACCOUNT_SID: emu.account.accountSid,
      TWILIO_AUTH_TOKEN: emu.account.authToken,
      TWILIO_API_BASE_URL: emu.url,
      REDIS_URL: proxy.url,
      REDIS_KEY_PREFIX: prefix,
      GATEWAY_API_KEYS: KEYS.join(','),
      GATEWAY_SECRET: 'replicas-share-this-secret-0123456789abcdef',
      SEND_RATE_LIMIT: String(SEND_RATE_LIMIT),
      // Cached answers outlive the test: only an invalidation can refresh them.
      CACHE_TTL_MS: '600000',
    });
    const child = spawn(process.execPath, ['dist-test/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = output(child);
    const [, url] = await out.waitFor(/GraphQL gateway on (http:\/\/[\d.:]+)\/graphql/);
    return { url: url!, child, text: out.text };
  };
  const ready = async (replica: Replica) => (await fetch(`${replica.url}/readyz`)).status;
  const send = (replica: Replica, key: (typeof KEYS)[number], input: Record<string, unknown>) =>
    gql<Sent>(replica.url, SEND, { input: { to: '+14155550100', from: '+15005550006', ...input } }, bearer(key));
  const creates = () => emu.handler.calls.get('CreateMessage') ?? 0;

  beforeAll(async () => {
    // The processes run the compiled gateway, as `npm start` does, from a folder of this test's own.
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', 'dist-test'], { cwd: root });
    emu = await startEmulator();
    proxy = await startRedisProxy();
    redis = connectRedis(TEST_REDIS_URL);
    await redisReady(redis);
    // Status callbacks go to PUBLIC_URL, which is replica B: a load balancer that sent them there.
    const portB = await freePort();
    const publicUrl = `http://127.0.0.1:${portB}`;
    [a, b] = await Promise.all([start(0, publicUrl), start(portB, publicUrl)]);
    await until(async () => (await ready(a!)) === 200 && (await ready(b!)) === 200);
  }, 60_000);

  afterAll(async () => {
    for (const replica of [a, b]) {
      if (!replica || replica.child.exitCode !== null) continue;
      replica.child.kill('SIGTERM');
      await once(replica.child, 'exit');
    }
    await proxy?.close();
    await emu?.stop();
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('delivers a status callback that reached B to a subscriber on A, and a subscriber that moves to B with `after` misses nothing', async () => {
    const onA = wsClient(a.url, bearer('events-key-0123456789').authorization);
    const query = 'subscription { messageEvents { cursor type message { sid status } } }';
    const seenOnA: Array<{ cursor: string; status: string; sid: string }> = [];
    const iterator = onA.iterate<{ messageEvents: { cursor: string; message: { sid: string; status: string } } }>({ query });
    const reading = (async () => {
      for await (const result of iterator) {
        const event = result.data!.messageEvents;
        seenOnA.push({ cursor: event.cursor, status: event.message.status, sid: event.message.sid });
      }
    })();
    // Slack for the subscription to be set up on A before the send; the events come only once the clock moves.
    await sleep(200);
    const sent = await send(a, 'events-key-0123456789', { body: 'across replicas' });
    const sid = sent.data!.createMessage!.message!.sid;
    emu.clock.advance(1_000);
    await until(() => seenOnA.some((e) => e.sid === sid && e.status === 'SENDING'));
    // A goes away (a deploy, a dropped connection); what happens meanwhile is picked up on B.
    const cursor = seenOnA.find((e) => e.sid === sid && e.status === 'SENDING')!.cursor;
    await iterator.return?.();
    await onA.dispose();
    await reading;
    // One step at a time: callbacks of one tick race each other, and a late one never moves a status back.
    emu.clock.advance(1_000);
    await until(() => b.text().includes(`"messageSid":"${sid}","reported":"sent"`));
    emu.clock.advance(3_000);
    await until(() => b.text().includes(`"messageSid":"${sid}","reported":"delivered"`));
    const onB = wsClient(b.url, bearer('events-key-0123456789').authorization);
    const resumed: string[] = [];
    const resume = { query: 'subscription($after: String) { messageEvents(after: $after) { message { sid status } } }', variables: { after: cursor } };
    for await (const result of onB.iterate<{ messageEvents: { message: { sid: string; status: string } } }>(resume)) {
      const event = result.data!.messageEvents.message;
      if (event.sid === sid) resumed.push(event.status);
      if (event.status === 'DELIVERED') break;
    }
    await onB.dispose();
    expect(resumed).toEqual(['SENT', 'DELIVERED']);
    // Every callback went to B; A heard of them only through Redis.
    expect(b.text()).toContain(`"event":"status_callback","messageSid":"${sid}"`);
    expect(a.text()).not.toContain('"event":"status_callback"');
  });

  it('sends once for one idempotency key sent to both replicas at the same time', async () => {
    const before = creates();
    const input = { body: 'once, whichever replica', idempotencyKey: 'replicas-3f1c2a' };
    const results = await Promise.all([a, b, a, b, a, b].map((replica) => send(replica, 'idempotency-key-0123456789', input)));
    const sids = new Set(results.map((r) => r.data?.createMessage?.message?.sid));
    expect(sids.size).toBe(1);
    expect([...sids][0]).toMatch(/^SM[0-9a-f]{32}$/);
    expect(creates() - before).toBe(1);
  });

  it('drops the lists A cached when B sends: the invalidation crosses Redis', async () => {
    const key = 'events-key-0123456789' as const;
    const bodies = async () =>
      ((await gql<{ messages: { nodes: Array<{ body: string }> } }>(a.url, 'query { messages(first: 50) { nodes { body } } }', undefined, bearer(key))).data?.messages.nodes ?? []).map((m) => m.body);
    const lists = () => emu.handler.calls.get('ListMessage') ?? 0;
    await bodies();
    const before = lists();
    await bodies();
    expect(lists()).toBe(before); // from A's cache
    expect((await send(b, key, { body: 'sent on B, listed on A' })).errors).toBeUndefined();
    await until(async () => (await bodies()).includes('sent on B, listed on A'));
    expect(lists()).toBe(before + 1);
  });

  it('shares a caller\'s send budget between the replicas', async () => {
    const before = creates();
    const codes: string[] = [];
    for (let n = 0; n < SEND_RATE_LIMIT + 2; n++) {
      const result = await send(n % 2 === 0 ? a : b, 'budget-key-0123456789', { body: `budget ${n}` });
      codes.push(result.data?.createMessage?.message ? 'SENT' : String(result.errors?.[0]?.extensions?.['code']));
    }
    expect(codes).toEqual([...Array(SEND_RATE_LIMIT).fill('SENT'), 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(creates() - before).toBe(SEND_RATE_LIMIT);
  });

  it('refuses sends while Redis is away, sends nothing twice, stays up, and recovers, subscribers included', async () => {
    const key = 'burst-key-0123456789' as const;
    const before = creates();
    const bodies = Array.from({ length: 10 }, (_, n) => `burst ${prefix}${n}`);
    const attempt = (n: number) => send(n % 2 === 0 ? a : b, key, { body: bodies[n], idempotencyKey: `burst-${n}` });
    const outcome = (result: { data?: Sent | null; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
      result.data?.createMessage?.message?.sid ?? String(result.errors?.[0]?.extensions?.['code']);
    // A subscriber on A from before the outage.
    const live = wsClient(a.url, bearer(key).authorization);
    const heard: string[] = [];
    const listening = (async () => {
      for await (const result of live.iterate<{ messageEvents: { message: { body: string } } }>({ query: 'subscription { messageEvents { message { body } } }' })) {
        heard.push(result.data!.messageEvents.message.body);
      }
    })();
    // Sends spread over 200 ms; Redis goes away in the middle of them.
    const burst = Promise.all(bodies.map(async (_, n) => (await sleep(n * 20), outcome(await attempt(n)))));
    await sleep(90);
    await proxy.cut();
    const first = await burst;
    expect(first.every((o) => /^SM[0-9a-f]{32}$/.test(o) || o === 'STATE_UNAVAILABLE' || o === 'SEND_OUTCOME_UNKNOWN')).toBe(true);
    expect(first).toContain('STATE_UNAVAILABLE');

    // While Redis is away: both replicas are up, not ready, refuse sends, and still answer reads.
    await until(async () => (await ready(a)) === 503 && (await ready(b)) === 503);
    expect(outcome(await attempt(0))).toBe('STATE_UNAVAILABLE');
    const read = await gql<{ messages: { nodes: Array<{ sid: string }> } }>(b.url, '{ messages(first: 1) { nodes { sid } } }', {}, bearer(key));
    expect(read.errors).toBeUndefined();
    // A status callback cannot be recorded: 503, so that Twilio's retry (or the fallback URL) can deliver it later.
    const params = { MessageSid: first.find((o) => o.startsWith('SM')) ?? `SM${'0'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: emu.account.accountSid };
    const callbackUrl = `${b.url}/twilio/status-callback`;
    const callback = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeSignature(emu.account.authToken, callbackUrl, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect([callback.status, callback.headers.get('retry-after')]).toEqual([503, '1']);
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null]);

    // Redis is back: ready again, and every key retried has its one message: the one sent before the outage
    // (its replica wrote the outcome once Redis was back), or one sent now. Never two.
    await proxy.restore();
    await until(async () => (await ready(a)) === 200 && (await ready(b)) === 200);
    const second = await Promise.all(bodies.map(async (_, n) => outcome(await attempt(n))));
    bodies.forEach((_, n) => {
      if (/^SM/.test(first[n]!)) expect(second[n]).toBe(first[n]);
      else expect(second[n]).toMatch(/^SM[0-9a-f]{32}$/);
    });
    const stored = emu.store.list(emu.account.accountSid).filter((m) => bodies.includes(m.body));
    expect(bodies.map((body) => stored.filter((m) => m.body === body).map((m) => m.sid))).toEqual(second.map((sid) => [sid]));
    expect(creates() - before).toBe(bodies.length);

    // The subscriber from before the outage hears what happens after it, without reconnecting.
    const after = await send(b, key, { body: `after the outage ${prefix}` });
    expect(after.data?.createMessage?.message?.sid).toMatch(/^SM/);
    emu.clock.advance(1_000);
    await until(() => heard.includes(`after the outage ${prefix}`));
    await live.dispose();
    await listening;
  }, 60_000);
});
