/**
 * The Twilio-shaped section of `npm run bench` (bench/README.md): the servers against a stub that answers
 * like Twilio under load (about 150 ms a fetch, slower lists, 429 / 20429 beyond 100 requests in flight;
 * bench/stub.ts with STUB_SHAPE=twilio), with many virtual clients (bench/virtual-clients.ts):
 * - W1, inbox wall: clients polling `messages(first: 20)` with media every second;
 * - W2, status screens: clients polling `message(sid)` across a few hundred recent messages every second;
 * - W3, campaign burst: `createMessage` as fast as concurrent callers send, each with its own body and key.
 * One server runs at a time (started and stopped per configuration) on core 0; the stub and the load on
 * core 1. Runs standalone (`node dist-bench/bench/twilio-shaped.js`) or from run.ts (`BENCH_SECTIONS`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HAS_TASKSET, machine, NODE_FLAGS, start, type Proc } from './processes.js';
import { BENCH_ACCOUNT_SID, OPENAPI_SPEC, serverEnv } from './shared.js';
import { percentile, runClosedLoop, runPeriodic, steadyRate, type Check, type Tally } from './virtual-clients.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const W1_CLIENTS = num('BENCH_SHAPED_W1_CLIENTS', 200);
const W2_CLIENTS = num('BENCH_SHAPED_W2_CLIENTS', 1000);
const W2_MESSAGES = num('BENCH_SHAPED_W2_MESSAGES', 300);
const W3_SENDS = num('BENCH_SHAPED_W3_SENDS', 500);
const W3_CALLERS = num('BENCH_SHAPED_W3_CALLERS', 100);
const PERIOD_MS = num('BENCH_SHAPED_PERIOD_MS', 1000);
/** Polls before the window are not counted: sockets open, the JIT's first pass, caches fill. */
const WARMUP_MS = num('BENCH_SHAPED_WARMUP_SECONDS', 2) * 1000;
/** 8 s windows keep six configurations × three workloads within the section's 5 minutes. */
const WINDOW_MS = num('BENCH_SHAPED_SECONDS', 8) * 1000;
/** A poll or send unanswered after this is a failure (CLIENT_TIMEOUT); it also bounds the wait after a window. */
const TIMEOUT_MS = num('BENCH_SHAPED_TIMEOUT_SECONDS', 10) * 1000;
/** Configurations to run by key (gateway, no-cache, no-coalescing, as-before, stock, mesh), comma-separated; all when unset. */
const ONLY = process.env['BENCH_SHAPED_ONLY']?.split(',').map((s) => s.trim());
const WORKLOADS = (process.env['BENCH_SHAPED_WORKLOADS'] ?? 'W1,W2,W3').split(',').map((s) => s.trim());

type Workload = 'W1' | 'W2' | 'W3';

/** The queries of one schema: the gateway's (which stock Apollo serves too), or the one Mesh generates. */
interface Dialect {
  w1: string;
  checkW1: Check;
  w2: (sid: string) => string;
  checkW2: (sid: string) => Check;
  w3: (body: string, key: string) => string;
  checkW3: Check;
}

const gql = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
type Node = { sid?: unknown; status?: unknown; numMedia?: unknown; media?: unknown[] };
/** W1 asks for this many messages (the stub gives media to every 4th: 5 of them). */
const W1_PAGE = 20;

const GATEWAY_DIALECT: Dialect = {
  w1: gql(`{ messages(first: ${W1_PAGE}) { nodes { sid status numMedia media { sid url } } } }`),
  // Every message with its media, exactly as many as numMedia says (the stub gives one to every 4th).
  checkW1: (data) => {
    const nodes = (data as { messages?: { nodes?: Node[] } } | null)?.messages?.nodes;
    const ok = nodes?.length === W1_PAGE && nodes.every((n) => typeof n.sid === 'string' && typeof n.status === 'string' && n.media?.length === n.numMedia);
    return ok && nodes.some((n) => n.numMedia === 1) ? null : 'WRONG_ANSWER';
  },
  w2: (sid) => gql('query($sid: ID!) { message(sid: $sid) { sid status } }', { sid }),
  checkW2: (sid) => (data) => {
    const m = (data as { message?: Node | null } | null)?.message;
    return m?.sid === sid && typeof m.status === 'string' ? null : 'WRONG_ANSWER';
  },
  w3: (body, key) =>
    gql('mutation($input: CreateMessageInput!) { createMessage(input: $input) { message { sid status } userErrors { code field message } } }', {
      input: { to: '+14155550100', from: '+15005550006', body, idempotencyKey: key },
    }),
  checkW3: (data) => {
    const payload = (data as { createMessage?: { message?: Node | null; userErrors?: Array<{ code: string }> } } | null)?.createMessage;
    return payload?.userErrors?.[0]?.code ?? (typeof payload?.message?.sid === 'string' ? null : 'WRONG_ANSWER');
  },
};

/** Mesh's names from Twilio's spec (introspected once). It cannot reach media in the same query: its W1 is the list alone. */
const MESH_DIALECT: Dialect = {
  w1: gql(`{ ListMessage(AccountSid: "${BENCH_ACCOUNT_SID}", PageSize: ${W1_PAGE}) { messages { sid status num_media } } }`),
  checkW1: (data) => {
    const messages = (data as { ListMessage?: { messages?: Node[] } } | null)?.ListMessage?.messages;
    return messages?.length === W1_PAGE && messages.every((m) => typeof m.sid === 'string') ? null : 'WRONG_ANSWER';
  },
  // Inline: Mesh types the SID argument with a scalar of its own, named after the spec's pattern.
  w2: (sid) => gql(`{ FetchMessage(AccountSid: "${BENCH_ACCOUNT_SID}", Sid: "${sid}") { sid status } }`),
  checkW2: (sid) => (data) => ((data as { FetchMessage?: Node | null } | null)?.FetchMessage?.sid === sid ? null : 'WRONG_ANSWER'),
  // Twilio's API has no idempotency key for a send; Mesh passes on what the spec has.
  w3: (body) => gql(`mutation($input: CreateMessageRequest_Input) { CreateMessage(AccountSid: "${BENCH_ACCOUNT_SID}", input: $input) { sid status } }`, {
    input: { To: '+14155550100', From: '+15005550006', Body: body },
  }),
  checkW3: (data) => (typeof (data as { CreateMessage?: Node | null } | null)?.CreateMessage?.sid === 'string' ? null : 'WRONG_ANSWER'),
};

interface ServerConfig {
  /** Short name for BENCH_SHAPED_ONLY (the names have commas). */
  key: string;
  name: string;
  command: string[];
  env: Record<string, string>;
  dialect: Dialect;
}

type StubOp = 'fetch' | 'list' | 'media' | 'create';

/** What the shaped stub reports (bench/stub.ts, shapedStats). */
interface StubStats {
  calls: Record<string, number>;
  rejected: Record<string, number>;
  peakInFlight: number;
  limit: number;
  latencyMs: Record<StubOp, { n: number; p50: number | null; p99: number | null }>;
  configuredMs: Record<StubOp, { p50: number; p99: number }>;
  posts: Record<string, number>;
}

/** One measured workload of one server. */
export interface ShapedRow {
  workload: Workload;
  server: string;
  tally: Tally;
  /** The stub's counts over the window (W1, W2) or the burst (W3); its latency percentiles over the whole section. */
  stub: StubStats;
  /** W3: sends POSTed more than once (extra POSTs), and sends never POSTed. */
  duplicates?: number;
  missing?: number;
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stubStats(stub: Proc): Promise<StubStats> {
  return (await (await fetch(`${stub.url}/__stats`)).json()) as StubStats;
}
async function resetStub(stub: Proc): Promise<void> {
  await fetch(`${stub.url}/__reset`, { method: 'POST' });
}

/** W2's messages: distinct SIDs of the shape Twilio gives, which the stub answers. */
const W2_SIDS = Array.from({ length: W2_MESSAGES }, (_, i) => 'SM' + (0x5000 + i).toString(16).padStart(32, '0'));

/** Runs the workloads against one server, and stops it. */
async function measure(config: ServerConfig, stub: Proc, runId: string): Promise<ShapedRow[]> {
  const server = await start(config.name, 0, config.command, config.env);
  const url = `${server.url}/graphql`;
  const rows: ShapedRow[] = [];
  const d = config.dialect;
  try {
    /** Runs periodic clients; the stub's counts are those of the window, so they match `correctInWindow`. */
    const periodic = async (clients: number, body: (id: number) => string, check: (id: number) => Check) => {
      let stats: StubStats | undefined;
      const onWindowEnd = async () => void (stats = await stubStats(stub));
      const tally = await runPeriodic({ url, clients, periodMs: PERIOD_MS, warmupMs: WARMUP_MS, durationMs: WINDOW_MS, timeoutMs: TIMEOUT_MS, body, check, onWindowStart: () => resetStub(stub), onWindowEnd });
      return { tally, stats: stats! };
    };
    if (WORKLOADS.includes('W1')) {
      const { tally, stats } = await periodic(W1_CLIENTS, () => d.w1, () => d.checkW1);
      rows.push({ workload: 'W1', server: config.name, tally, stub: stats });
      console.error(`  ${config.name} W1: ${summary(tally)}`);
    }
    if (WORKLOADS.includes('W2')) {
      // Each client is a screen following one message; a few screens follow each.
      const sidOf = (id: number) => W2_SIDS[id % W2_SIDS.length]!;
      const { tally, stats } = await periodic(W2_CLIENTS, (id) => d.w2(sidOf(id)), (id) => d.checkW2(sidOf(id)));
      rows.push({ workload: 'W2', server: config.name, tally, stub: stats });
      console.error(`  ${config.name} W2: ${summary(tally)}`);
    }
    if (WORKLOADS.includes('W3')) {
      // Queued retries of the polls above must not land in the burst's counts.
      await sleep(500);
      await resetStub(stub);
      // Distinct per run and server, so a send can only be counted where it was made.
      const bodies = Array.from({ length: W3_SENDS }, (_, i) => `campaign ${runId} ${config.name} #${i}`);
      const tally = await runClosedLoop({ url, callers: W3_CALLERS, total: W3_SENDS, timeoutMs: TIMEOUT_MS, body: (i) => d.w3(bodies[i]!, `${runId}-${i}`), check: d.checkW3 });
      // A send the server still holds (a retry after a 429) may reach the stub after its caller gave up.
      await sleep(1000);
      const stats = await stubStats(stub);
      const duplicates = bodies.reduce((n, body) => n + Math.max(0, (stats.posts[body] ?? 0) - 1), 0);
      const missing = bodies.filter((body) => !stats.posts[body]).length;
      rows.push({ workload: 'W3', server: config.name, tally, stub: stats, duplicates, missing });
      console.error(`  ${config.name} W3: ${summary(tally)}, ${duplicates} duplicates, ${missing} missing`);
    }
  } finally {
    await stop(server);
  }
  return rows;
}

/** SIGTERM (the gateway drains), SIGKILL if it has not exited within 5 s. */
async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const summary = (t: Tally) =>
  `${fmt(t.asked / t.seconds)} asked/s, ${fmt(t.correct / t.seconds)} correct/s, p99 ${fmt(percentile(t.latencyMs, 0.99))} ms, ${t.twilio429} 429s to clients, errors ${JSON.stringify(t.errors)}`;

/** The stub call a workload's answer waits for: W1 on a list, W2 on a fetch, W3 on a create. */
const BEHIND: Record<Workload, StubOp> = { W1: 'list', W2: 'fetch', W3: 'create' };

/** The stub's p50 or p99 of an operation: of the latencies it chose, or as configured when it chose too few (a cached server). */
function stubLatency(stub: StubStats, op: StubOp, p: 'p50' | 'p99'): number {
  const chosen = stub.latencyMs[op];
  return chosen.n >= 100 ? (chosen[p] ?? NaN) : stub.configuredMs[op][p];
}
/** p99 of the stub call behind a workload's answer. */
const behindP99 = (r: ShapedRow) => stubLatency(r.stub, BEHIND[r.workload], 'p99');

/** Sends per second the account's concurrency limit allows at the stub's median POST latency. */
const sendLimit = (stub: StubStats) => stub.limit / (stubLatency(stub, 'create', 'p50') / 1000);

/** The per-workload table (markdown). */
export function shapedTable(rows: readonly ShapedRow[]): string {
  const lines = [
    '| workload | server | asked/s | correct/s | correct % | p50 ms | p99 ms | stub p99 ms of the call behind | upstream calls/answer | peak upstream in flight | 429s at stub | 429s reaching clients | other errors (by code) | W3: duplicates / missing; steady sends/s ÷ limit |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const t = r.tally;
    const errors = Object.entries(t.errors).map(([code, n]) => `${code} ${n}`).join(', ') || '0';
    const calls = sum(r.stub.calls);
    const w3 = r.workload === 'W3' ? `${r.duplicates} / ${r.missing}; ${fmt(steadyRate(t.answeredAtMs))} ÷ ${fmt(sendLimit(r.stub))} = ${fmt(steadyRate(t.answeredAtMs) / sendLimit(r.stub), 2)}` : '';
    lines.push(
      `| ${r.workload} | ${r.server}${r.workload === 'W1' && r.server === 'GraphQL Mesh' ? ' (no media)' : ''} | ${fmt(t.asked / t.seconds)} | ${fmt(t.correct / t.seconds)} | ${fmt((100 * t.correct) / t.asked, 1)} | ` +
        `${fmt(percentile(t.latencyMs, 0.5))} | ${fmt(percentile(t.latencyMs, 0.99))} | ${fmt(behindP99(r))} (${BEHIND[r.workload]}) | ` +
        `${fmt(calls / t.correctInWindow, 3)} | ${r.stub.peakInFlight} | ${sum(r.stub.rejected)} | ${t.twilio429} | ${errors} | ${w3} |`,
    );
  }
  return lines.join('\n');
}

const GATEWAYS = ['gateway', 'gateway, no cache', 'gateway, no cache, no coalescing', 'gateway as before'];

/** The targets table: each target's value for every gateway configuration run, and whether `gateway` meets it. */
export function shapedTargets(rows: readonly ShapedRow[]): string {
  const find = (server: string, w: Workload) => rows.find((r) => r.server === server && r.workload === w);
  const columns = GATEWAYS.filter((g) => rows.some((r) => r.server === g));
  if (columns.length === 0) return '(targets: no gateway configuration was run)';
  type Target = [label: string, value: (server: string) => number, target: string, met: (v: number) => boolean, digits: number];
  // Against the load offered (every client once per period), not the polls a slow server let its clients send.
  const offered = (w: Workload) => ((w === 'W1' ? W1_CLIENTS : W2_CLIENTS) * 1000) / PERIOD_MS;
  const correctPct = (w: Workload) => (s: string) => ((r) => (r ? (100 * r.tally.correct) / r.tally.seconds / offered(w) : NaN))(find(s, w));
  const callsPerAnswer = (w: Workload) => (s: string) => ((r) => (r ? sum(r.stub.calls) / r.tally.correctInWindow : NaN))(find(s, w));
  const p99Ratio = (w: Workload) => (s: string) => ((r) => (r ? percentile(r.tally.latencyMs, 0.99) / behindP99(r) : NaN))(find(s, w));
  const correctPerSecond = (s: string, w: Workload) => ((r) => (r ? r.tally.correct / r.tally.seconds : NaN))(find(s, w));
  const w3 = find('gateway', 'W3');
  const targets: Target[] = [
    [`W1 correct answers, % of the ${offered('W1')} polls/s offered`, correctPct('W1'), '≥ 95', (v) => v >= 95, 1],
    ['W1 upstream calls per answer', callsPerAnswer('W1'), '≤ 0.1', (v) => v <= 0.1, 2],
    ['W1 p99 ÷ stub list p99', p99Ratio('W1'), '≤ 2', (v) => v <= 2, 2],
    [`W2 correct answers, % of the ${offered('W2')} polls/s offered`, correctPct('W2'), '≥ 95', (v) => v >= 95, 1],
    ['W2 upstream calls per answer', callsPerAnswer('W2'), '≤ 0.1', (v) => v <= 0.1, 2],
    ['W2 p99 ÷ stub fetch p99', p99Ratio('W2'), '≤ 2', (v) => v <= 2, 2],
    ['W2 correct/s ÷ GraphQL Mesh correct/s', (s) => correctPerSecond(s, 'W2') / correctPerSecond('GraphQL Mesh', 'W2'), '≥ 2', (v) => v >= 2, 2],
    ['Twilio 429s reaching clients, all workloads', (s) => (rows.some((r) => r.server === s) ? rows.filter((r) => r.server === s).reduce((n, r) => n + r.tally.twilio429, 0) : NaN), '0', (v) => v === 0, 0],
    ['W3 duplicate sends', (s) => find(s, 'W3')?.duplicates ?? NaN, '0', (v) => v === 0, 0],
    ['W3 missing sends', (s) => find(s, 'W3')?.missing ?? NaN, '0', (v) => v === 0, 0],
    [`W3 steady sends/s ÷ limit (${w3 ? fmt(sendLimit(w3.stub)) : '—'}/s: ${w3?.stub.limit ?? '—'} in flight ÷ median POST)`, (s) => ((r) => (r ? steadyRate(r.tally.answeredAtMs) / sendLimit(r.stub) : NaN))(find(s, 'W3')), '≥ 0.9', (v) => v >= 0.9, 2],
  ];
  const lines = [`| target | ${columns.join(' | ')} | target | gateway meets it |`, `|---|${columns.map(() => '---:|').join('')}---|---|`];
  for (const [label, value, target, met, digits] of targets) {
    const v = value('gateway');
    lines.push(`| ${label} | ${columns.map((c) => fmt(value(c), digits)).join(' | ')} | ${target} | ${Number.isFinite(v) ? (met(v) ? 'yes' : '**no**') : 'not run'} |`);
  }
  return lines.join('\n');
}

/**
 * Runs the Twilio-shaped section: starts the shaped stub, measures each configuration in turn (one
 * server process at a time), prints the two tables to stdout and progress to stderr, stops everything.
 */
export async function runShapedSection(): Promise<ShapedRow[]> {
  const began = Date.now();
  if (HAS_TASKSET) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const node = [process.execPath, ...NODE_FLAGS];
  // The baselines read the SDL beside their compiled src/, as the gateway does.
  cpSync('schema', 'dist-bench/schema', { recursive: true });
  const baseline = (name: string) => [...node, `dist-bench/bench/${name}.js`];
  const stub = await start('shaped stub', 1, baseline('stub'), { STUB_SHAPE: 'twilio' });
  const upstreamEnv = serverEnv(stub.url);
  const gateway = (key: string, name: string, env: Record<string, string>): ServerConfig => ({
    key, name, command: [...node, 'dist/main.js'], env: { ...upstreamEnv, ...env }, dialect: GATEWAY_DIALECT,
  });
  const configs: ServerConfig[] = [
    gateway('gateway', 'gateway', {}),
    gateway('no-cache', 'gateway, no cache', { CACHE_TTL_MS: '0' }),
    gateway('no-coalescing', 'gateway, no cache, no coalescing', { CACHE_TTL_MS: '0', UPSTREAM_COALESCING: 'off' }),
    // TWILIO_MAX_CONCURRENCY's default was 25 before the gateway learnt to use the account's 100.
    gateway('as-before', 'gateway as before', { CACHE_TTL_MS: '0', UPSTREAM_COALESCING: 'off', TWILIO_MAX_CONCURRENCY: '25' }),
    { key: 'stock', name: 'stock Apollo + got', command: baseline('stock-apollo'), env: upstreamEnv, dialect: GATEWAY_DIALECT },
    { key: 'mesh', name: 'GraphQL Mesh', command: baseline('mesh'), env: upstreamEnv, dialect: MESH_DIALECT },
  ].filter((c) => !ONLY || ONLY.includes(c.key));
  const runId = Date.now().toString(36);
  const rows: ShapedRow[] = [];
  let shape = '';
  console.error(
    `Twilio-shaped section: ${configs.map((c) => c.key).join(', ')} × ${WORKLOADS.join(', ')}; W1 ${W1_CLIENTS} clients, W2 ${W2_CLIENTS} clients over ${W2_MESSAGES} messages, ` +
      `W3 ${W3_SENDS} sends by ${W3_CALLERS} callers; ${WARMUP_MS / 1000} s warm-up + ${WINDOW_MS / 1000} s window per workload`,
  );
  try {
    for (const config of configs) {
      if (config.name === 'GraphQL Mesh' && !existsSync(OPENAPI_SPEC)) {
        console.error(`GraphQL Mesh skipped: no OpenAPI spec at ${OPENAPI_SPEC} (set TWILIO_OPENAPI_SPEC)`);
        continue;
      }
      rows.push(...(await measure(config, stub, runId)));
    }
    // The latency the stub chose for every call of the section. Its distribution does not change, so every row
    // is compared with all of it: a window of a server that made few calls would give a p99 of a few samples.
    const { latencyMs } = await stubStats(stub);
    for (const row of rows) row.stub.latencyMs = latencyMs;
    shape = Object.entries(latencyMs).map(([op, l]) => `${op} p50 ${fmt(l.p50 ?? NaN)} / p99 ${fmt(l.p99 ?? NaN)} ms over ${l.n} calls`).join(', ');
  } finally {
    stub.child.kill('SIGTERM');
  }
  // Workloads first, then servers in the order they ran: each workload's rows side by side.
  const order = (r: ShapedRow) => r.workload + String(configs.findIndex((c) => c.name === r.server)).padStart(2, '0');
  rows.sort((a, b) => order(a).localeCompare(order(b)));
  console.log(`\nTwilio-shaped section. ${machine()}`);
  console.log(
    `Stub: ${rows[0]?.stub.limit ?? '—'} requests in flight at most (429 / 20429 beyond), latency chosen per call (${shape}). ` +
      `W1 ${W1_CLIENTS} clients polling messages(first: ${W1_PAGE}) with media, W2 ${W2_CLIENTS} clients polling message(sid) over ${W2_MESSAGES} messages, every ${PERIOD_MS} ms, ` +
      `${WARMUP_MS / 1000} s warm-up, then polls due in the next ${WINDOW_MS / 1000} s are counted (asked) and awaited; W3 ${W3_SENDS} createMessage by ${W3_CALLERS} callers, no client retries. ` +
      `p50/p99 of correct answers. Upstream calls per answer: the stub's calls in the window ÷ correct answers that arrived in it; ` +
      `steady sends/s: between the burst's 10th and 90th percentile answers. Server on core 0, stub + clients on core 1${HAS_TASKSET ? '' : ' (taskset unavailable: not pinned)'}.\n`,
  );
  console.log(shapedTable(rows));
  console.log('\nGraphQL Mesh cannot fetch media in the same query: its W1 answers are the list alone (1 call per answer at best).');
  console.log(`\n${shapedTargets(rows)}`);
  console.log(`\nTwilio-shaped section took ${fmt((Date.now() - began) / 1000)} s`);
  return rows;
}

// Standalone: `node dist-bench/bench/twilio-shaped.js`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runShapedSection().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
