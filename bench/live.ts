/**
 * `npm run bench:live`: subscriptions under load (bench/README.md). The gateway runs compiled on core 0 against
 * the benchmark's Twilio stub; this process (core 1, with the stub) holds the subscribers on real WebSockets
 * (graphql-ws's client) and plays Twilio, posting signed inbound-message webhooks, one new message each.
 * Two scenarios of `SUBSCRIBERS` sockets with one `messageEvents` subscription each:
 * - conversations: each subscriber follows one customer (`filter: { from }`), webhooks spread over the customers
 *   at `RATE` per second: memory per idle subscription, and webhook → socket latency;
 * - broadcast: every subscriber takes every event: latency at `BROADCAST_RATE` webhooks per second, and
 *   deliveries per second in a burst.
 * - two replicas on Redis (when Redis answers at `BENCH_REDIS_URL`, default the machine's): half the subscribers on each of two gateway
 *   processes sharing one Redis, a burst of webhooks posted alternately to both: deliveries per second combined.
 * Every subscriber must receive every event meant for it, once, in cursor order; the run fails otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { computeSignature } from '../src/protocol/signature.js';
import { INBOUND_PATH } from '../src/server/webhooks.js';
import { BENCH_REDIS_URL, deleteRedisKeys, redisAnswers } from './redis.js';
import { HAS_TASKSET, machine, NODE_FLAGS, rssMb, start } from './processes.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './shared.js';

const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 1_000);
/** Conversations: webhooks per second, for `SECONDS`. */
const RATE = Number(process.env['BENCH_WEBHOOK_RATE'] ?? 100);
/** Broadcast: webhooks per second (each one an event for every subscriber), for `SECONDS`. */
const BROADCAST_RATE = Number(process.env['BENCH_BROADCAST_RATE'] ?? 10);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/** Broadcast burst: this many webhooks, `BURST_CONCURRENCY` in flight. */
const BURST = Number(process.env['BENCH_BURST'] ?? 200);
const BURST_CONCURRENCY = 8;
/** Where to write CPU profiles of the gateway (`--cpu-prof`), when set. */
const PROFILE = process.env['BENCH_PROFILE'];

const sidOf = (n: number) => 'SM' + n.toString(16).padStart(32, '0');
const customer = (i: number) => `+1415${String(5_000_000 + i).padStart(7, '0')}`;
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port free now, so that PUBLIC_URL can name it before the gateway starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Subscriber {
  client: Client;
  /** Cursors received, in order. */
  cursors: string[];
  /** The arrival time of each message SID. */
  arrivals: Map<string, number>;
  failed: unknown;
}

type Event = { messageEvents: { cursor: string; message: { sid: string } } };

/** Opens `count` sockets with one messageEvents subscription each (`from` filter when given) and waits until each listens. */
async function subscribe(wsUrl: string, count: number, from: ((i: number) => string) | null): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < count; i++) {
    const subscriber: Subscriber = { client: createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }), cursors: [], arrivals: new Map(), failed: null };
    const query = 'subscription($filter: MessageEventFilter) { messageEvents(filter: $filter) { cursor type occurredAt message { sid status from to body numMedia } } }';
    subscriber.client.subscribe<Event>(
      { query, variables: { filter: from ? { from: from(i) } : null } },
      {
        next: (result) => {
          const event = result.data?.messageEvents;
          if (!event) return void (subscriber.failed ??= result.errors);
          subscriber.arrivals.set(event.message.sid, performance.now());
          subscriber.cursors.push(event.cursor);
        },
        error: (error) => void (subscriber.failed ??= error),
        complete: () => void (subscriber.failed ??= 'completed'),
      },
    );
    subscribers.push(subscriber);
  }
  // A query after each subscription on the same socket: once it is answered, the subscription listens.
  await Promise.all(subscribers.map((s) => s.client.iterate({ query: '{ __typename }' }).next()));
  return subscribers;
}

/** Waits until each subscriber has `expected(i)` events, or fails after `ms`. */
async function received(subscribers: Subscriber[], expected: (i: number) => number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  for (;;) {
    const short = subscribers.filter((s, i) => s.arrivals.size < expected(i));
    if (short.length === 0) return;
    if (performance.now() > deadline) throw new Error(`${short.length} subscribers are missing events (the first has ${short[0]!.arrivals.size}; ${JSON.stringify(short[0]!.failed)})`);
    await sleep(50);
  }
}

/** A cursor's position: `<log>.<sequence>` in memory, `<stream>.<ms>-<sequence>` on Redis. */
function position(cursor: string): [number, number] {
  const [ms, sequence] = cursor.slice(cursor.indexOf('.') + 1).split('-');
  return sequence === undefined ? [0, Number(ms)] : [Number(ms), Number(sequence)];
}

/** Subscribers that missed an error-free stream, got an event twice, or out of cursor order. */
function broken(subscribers: Subscriber[]): number {
  return subscribers.filter((s) => {
    const at = s.cursors.map(position);
    const before = (i: number) => at[i]![0] < at[i - 1]![0] || (at[i]![0] === at[i - 1]![0] && at[i]![1] <= at[i - 1]![1]);
    return s.failed || new Set(s.cursors).size !== s.cursors.length || at.some((_, i) => i > 0 && before(i));
  }).length;
}

/** Every latency of `sent` (SID → post time) at every subscriber that has it, sorted. */
function latencies(subscribers: Subscriber[], sent: Map<string, number>): Float64Array {
  const values: number[] = [];
  for (const s of subscribers) for (const [sid, at] of sent) {
    const arrived = s.arrivals.get(sid);
    if (arrived !== undefined) values.push(arrived - at);
  }
  return Float64Array.from(values).sort();
}

/** Runs `send(i)` `rate` times a second for `seconds`, on schedule. */
async function paced(rate: number, seconds: number, send: (i: number) => Promise<void>): Promise<void> {
  const pending: Promise<void>[] = [];
  const startAt = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = startAt + (i * 1_000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(i));
  }
  await Promise.all(pending);
}

async function main(): Promise<void> {
  const began = Date.now();
  if (HAS_TASKSET) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const node = [process.execPath, ...NODE_FLAGS];
  const stub = await start('stub', 1, [...node, 'dist-bench/bench/stub.js'], {});
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  /** A gateway on `port` on core 0; `env` adds configuration (Redis). */
  const gatewayOn = (name: string, gatewayPort: number, env: Record<string, string> = {}) =>
    start(name, 0, [...node, ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), 'dist/main.js'], {
      TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
      TWILIO_API_BASE_URL: stub.url,
      NODE_ENV: 'production',
      GATEWAY_AUTH: 'none',
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      MAX_SOCKETS_PER_CALLER: String(2 * SUBSCRIBERS + 10), // room for sockets of the last scenario still closing
      MAX_SUBSCRIPTIONS_PER_CALLER: String(2 * SUBSCRIBERS + 10),
      ...env,
    });
  const gateway = await gatewayOn('gateway', port);
  const pid = gateway.child.pid!;
  const inboundUrl = publicUrl + INBOUND_PATH;
  let next = 1;
  /**
   * Posts one signed inbound-message webhook (a new message from `from`) to `to` (PUBLIC_URL's gateway by
   * default; replicas share PUBLIC_URL, the load balancer's address); records when in `sent`.
   */
  const inbound = async (sent: Map<string, number>, from: string, to = publicUrl): Promise<void> => {
    const sid = sidOf(next++);
    const params = {
      AccountSid: BENCH_ACCOUNT_SID, ApiVersion: '2010-04-01', From: from, To: '+15005550006', Body: 'Is my order on its way?',
      MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, SmsStatus: 'received', NumMedia: '0', NumSegments: '1',
    };
    sent.set(sid, performance.now());
    const response = await fetch(to + INBOUND_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeSignature(BENCH_AUTH_TOKEN, inboundUrl, params) },
      body: new URLSearchParams(params).toString(),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`inbound webhook answered ${response.status}`);
  };

  // Some events and sockets first, so that what is measured next is the subscriptions', not the JIT's.
  const warm = await subscribe(wsUrl, 50, null);
  await paced(200, 2, () => inbound(new Map(), customer(0)));
  await Promise.all(warm.map((s) => s.client.dispose()));
  await sleep(1_000);
  const rssBefore = rssMb(pid);

  // Conversations: one customer per subscriber.
  const conversations = await subscribe(wsUrl, SUBSCRIBERS, customer);
  await sleep(2_000);
  const rssIdle = rssMb(pid);
  const kbPerSubscription = ((rssIdle - rssBefore) * 1024) / SUBSCRIBERS;
  const perCustomer = new Map<string, number>();
  await paced(RATE, SECONDS, (i) => inbound(perCustomer, customer(i % SUBSCRIBERS)));
  const sentTo = (i: number) => Math.floor((RATE * SECONDS) / SUBSCRIBERS) + (i < (RATE * SECONDS) % SUBSCRIBERS ? 1 : 0);
  await received(conversations, sentTo, 30_000);
  const conversationLatency = latencies(conversations, perCustomer);
  const conversationsBroken = broken(conversations);
  await Promise.all(conversations.map((s) => s.client.dispose()));

  // Broadcast: every subscriber takes every event.
  const everyone = await subscribe(wsUrl, SUBSCRIBERS, null);
  const steady = new Map<string, number>();
  await paced(BROADCAST_RATE, SECONDS, () => inbound(steady, customer(0)));
  await received(everyone, () => steady.size, 60_000);
  const broadcastLatency = latencies(everyone, steady);
  const burst = new Map<string, number>();
  const burstStart = performance.now();
  let left = BURST;
  await Promise.all(Array.from({ length: BURST_CONCURRENCY }, async () => {
    while (left-- > 0) await inbound(burst, customer(1));
  }));
  await received(everyone, () => steady.size + burst.size, 120_000);
  let lastArrival = 0;
  for (const s of everyone) for (const sid of burst.keys()) lastArrival = Math.max(lastArrival, s.arrivals.get(sid)!);
  const deliveriesPerSecond = (burst.size * SUBSCRIBERS) / ((lastArrival - burstStart) / 1_000);
  const broadcastBroken = broken(everyone);
  const rssAfter = rssMb(pid);
  await Promise.all(everyone.map((s) => s.client.dispose()));
  gateway.child.kill('SIGTERM');
  await new Promise((resolve) => gateway.child.once('exit', resolve));

  // Two replicas on one Redis: half the subscribers on each, webhooks to both alternately.
  let replicas: { deliveriesPerSecond: number; broken: number } | null = null;
  if (await redisAnswers()) {
    const prefix = `bench:${process.pid}:`;
    const env = { REDIS_URL: BENCH_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    const pair = [await gatewayOn('replica A', port, env), await gatewayOn('replica B', await freePort(), env)];
    const halves = [await subscribe(wsUrl, SUBSCRIBERS / 2, null), await subscribe(pair[1]!.url.replace('http', 'ws') + '/graphql', SUBSCRIBERS / 2, null)];
    const all = halves.flat();
    await paced(200, 1, (i) => inbound(new Map(), customer(2), pair[i % 2]!.url));
    await received(all, () => 200, 60_000);
    const shared = new Map<string, number>();
    const startAt = performance.now();
    let remaining = BURST;
    await Promise.all(Array.from({ length: BURST_CONCURRENCY }, async (_, lane) => {
      while (remaining-- > 0) await inbound(shared, customer(3), pair[lane % 2]!.url);
    }));
    await received(all, () => 200 + shared.size, 120_000);
    let last = 0;
    for (const s of all) for (const sid of shared.keys()) last = Math.max(last, s.arrivals.get(sid)!);
    replicas = { deliveriesPerSecond: (shared.size * all.length) / ((last - startAt) / 1_000), broken: broken(all) };
    await Promise.all(all.map((s) => s.client.dispose()));
    for (const replica of pair) replica.child.kill('SIGTERM');
    await Promise.all(pair.map((replica) => new Promise((resolve) => replica.child.once('exit', resolve))));
    await deleteRedisKeys(prefix);
  } else {
    console.error(`two replicas skipped: Redis does not answer at ${BENCH_REDIS_URL} (set BENCH_REDIS_URL)`);
  }
  stub.child.kill('SIGTERM');

  const f = (n: number, digits = 0) => n.toFixed(digits);
  const p = (sorted: Float64Array) => `${f(percentile(sorted, 50), 1)} / ${f(percentile(sorted, 99), 1)} / ${f(sorted[sorted.length - 1]!, 1)}`;
  console.log(`\n${machine()}`);
  console.log(`gateway on core 0 (node ${NODE_FLAGS.join(' ') || '(no flags)'}); stub, webhooks and ${SUBSCRIBERS} graphql-ws clients on core 1${HAS_TASKSET ? '' : ' (taskset unavailable: not pinned)'}; ${SECONDS} s per rate\n`);
  console.log('| measure | value | target |');
  console.log('|---|---:|---|');
  console.log(`| memory per idle subscription (its socket included), KB | ${f(kbPerSubscription, 1)} | ≤ 50 |`);
  console.log(`| conversations: webhook → socket at ${RATE}/s, ${SUBSCRIBERS} subscribers, p50 / p99 / max ms | ${p(conversationLatency)} | p99 ≤ 20 |`);
  console.log(`| broadcast: webhook → socket at ${BROADCAST_RATE}/s × ${SUBSCRIBERS} subscribers (${BROADCAST_RATE * SUBSCRIBERS} deliveries/s), p50 / p99 / max ms | ${p(broadcastLatency)} | |`);
  console.log(`| broadcast: burst of ${BURST} events × ${SUBSCRIBERS} subscribers, deliveries/s | ${f(deliveriesPerSecond)} | ≥ 10,000 |`);
  console.log(`| two replicas on one Redis: burst of ${BURST} events × ${SUBSCRIBERS / 2} subscribers on each, deliveries/s combined | ${replicas ? f(replicas.deliveriesPerSecond) : 'not run'} | ≥ 5,000 |`);
  const brokenTotal = conversationsBroken + broadcastBroken + (replicas?.broken ?? 0);
  console.log(`| subscribers that missed, repeated or reordered an event | ${brokenTotal} | 0 |`);
  console.log(`| gateway RSS before / idle / end, MB | ${f(rssBefore)} / ${f(rssIdle)} / ${f(rssAfter)} | |`);
  console.log(`\nbenchmark took ${f((Date.now() - began) / 1000)} s`);
  process.exit(brokenTotal === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
