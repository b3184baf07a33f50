/**
 * `npm run bench`: the gateway against baselines in one run (bench/README.md). The upstream stub and the
 * load generator (this process) share one core; the server under test gets the other (taskset). Each
 * measurement is the median of repeated runs after a warm-up. Prints one table, and the ratios the
 * targets of the benchmark issue are stated in. Then the Twilio-shaped section (bench/twilio-shaped.ts):
 * Twilio's latency and concurrency limit, many virtual clients. `BENCH_SECTIONS=cpu` or `=shaped` runs one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH_REDIS_URL, deleteRedisKeys, redisAnswers } from './redis.js';
import { cpuMicros, HAS_TASKSET, machine, NODE_FLAGS, peakRssMb, start, type Proc } from './processes.js';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_MESSAGE_SID, OPENAPI_SPEC, serverEnv } from './shared.js';
import { runShapedSection } from './twilio-shaped.js';
import { accountPath } from '../src/protocol/wire.js';

// Many short interleaved runs beat a few long ones on a noisy VM: the median shrugs off slow spells.
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 2);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 7);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
/** Seconds of load before the measured runs: the JIT takes a few seconds to settle (the first 2 s run is up to 2× slower). */
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 3);
/** Comma-separated target names to run (all when unset), for iterating on one of them. */
const ONLY = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim());
/**
 * The gateway as it was before the read cache and the fair queue (issue 14), built from git, so that its Q1 runs
 * beside today's in the same run: the CPU cost of the new path, measured rather than remembered.
 */
const BEFORE_REF = process.env['BENCH_BEFORE_REF'] ?? 'e871460';
/** Sections to run, comma-separated: `cpu` (this file's table) and `shaped` (bench/twilio-shaped.ts). */
const SECTIONS = (process.env['BENCH_SECTIONS'] ?? 'cpu,shaped').split(',').map((s) => s.trim());
interface Request {
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Requests per second across all connections; unset: as fast as the server answers. */
  rate?: number;
}

const gqlRequest = (query: string, variables?: Record<string, unknown>): Request => ({
  path: '/graphql',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables }),
});

const Q0 = gqlRequest('{ __typename }');
const Q1 = gqlRequest(`{ message(sid: "${BENCH_MESSAGE_SID}") { sid status body dateSent price { amount currency } } }`);
const Q2 = gqlRequest('{ messages(first: 50) { nodes { sid status media { sid } } } }');
const Q3 = gqlRequest('mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "bench" }) { message { sid status } userErrors { code } } }');
/** Q1 in the names GraphQL Mesh generates from Twilio's spec. */
/** Q3 with an idempotency key, a new one per request (autocannon fills in `[<id>]`), in a variable as clients send it. */
const Q3K = gqlRequest(
  'mutation($key: String!) { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "bench", idempotencyKey: $key }) { message { sid status } userErrors { code } } }',
  { key: '[<id>]' },
);
/**
 * Sends at a rate neither state store saturates the core at: their p99s then differ by what Redis adds to a send,
 * not by queueing behind a busier event loop.
 */
const SEND_RATE = Number(process.env['BENCH_SEND_RATE'] ?? 200);
const SENDS_AT_RATE: Array<[string, Request]> = [[`Q3 at ${SEND_RATE}/s`, { ...Q3, rate: SEND_RATE }], [`Q3K at ${SEND_RATE}/s`, { ...Q3K, rate: SEND_RATE }]];
const MESH_Q1 = gqlRequest(`{ FetchMessage(AccountSid: "${BENCH_ACCOUNT_SID}", Sid: "${BENCH_MESSAGE_SID}") { sid status body date_sent price price_unit } }`);
const DIRECT: Request = {
  path: `${accountPath(BENCH_ACCOUNT_SID)}/Messages/${BENCH_MESSAGE_SID}.json`,
  method: 'GET',
  headers: { authorization: `Basic ${Buffer.from(`${BENCH_ACCOUNT_SID}:${BENCH_AUTH_TOKEN}`).toString('base64')}` },
};

interface Row {
  target: string;
  query: string;
  rps: number;
  p99: number;
  cpuUs: number;
  upstreamPerQuery: number;
  non2xx: number;
  rssMb: number;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function stubCalls(stub: Proc): Promise<number> {
  const stats = (await (await fetch(`${stub.url}/__stats`)).json()) as Record<string, number>;
  return Object.values(stats).reduce((a, b) => a + b, 0);
}

async function once(target: Proc, request: Request, seconds: number) {
  const result = await autocannon({
    url: target.url + request.path,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: CONNECTIONS,
    duration: seconds,
    ...(request.rate ? { overallRate: request.rate } : {}),
    // Only where asked for: with it, autocannon builds every request anew and becomes the bottleneck.
    idReplacement: request.body?.includes('[<id>]') ?? false,
  });
  return result;
}

interface Case {
  target: string;
  query: string;
  proc: Proc;
  request: Request;
  upstreamPerQuery: number;
  runs: Array<{ rps: number; p99: number; cpuUs: number; non2xx: number }>;
}

/** Upstream calls one request of a case costs, counted exactly at the stub on an otherwise idle system. */
async function countUpstream(c: Case, stub: Proc): Promise<number> {
  if (c.proc === stub) return 1;
  // Requests still in flight from a load run must not be counted against this one.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await fetch(`${stub.url}/__reset`, { method: 'POST' });
  const response = await fetch(c.proc.url + c.request.path, { method: c.request.method, headers: c.request.headers, body: c.request.body });
  // Every target must do the whole job: a baseline that answers with errors would measure nothing.
  const answer = await response.text();
  if (!response.ok || answer.includes('"errors"')) throw new Error(`${c.target} ${c.query} answered ${response.status}: ${answer.slice(0, 300)}`);
  return stubCalls(stub);
}

/** One timed load run of a case, with the server's CPU time per request. */
async function runOnce(c: Case): Promise<void> {
  const pid = c.proc.child.pid!;
  const cpuBefore = cpuMicros(pid);
  const result = await once(c.proc, c.request, SECONDS);
  const cpu = cpuMicros(pid) - cpuBefore;
  c.runs.push({ rps: result.requests.average, p99: result.latency.p99, cpuUs: cpu / Math.max(1, result.requests.total), non2xx: result.non2xx + result.errors });
}

/**
 * Runs `work` with only `proc` awake among the servers of core 0. The others are stopped (SIGSTOP):
 * a server that has just been under load goes on collecting garbage for seconds after it, and would
 * steal core 0 from the next case.
 */
async function alone<T>(proc: Proc, servers: readonly Proc[], work: () => Promise<T>): Promise<T> {
  for (const other of servers) if (other !== proc) other.child.kill('SIGSTOP');
  proc.child.kill('SIGCONT');
  await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    return await work();
  } finally {
    for (const other of servers) other.child.kill('SIGCONT');
  }
}

/** Builds the gateway at `ref` into .bench-before/ (its own src and schema); null, with a line why, when it cannot. */
function buildBefore(ref: string): string | null {
  try {
    rmSync('.bench-before', { recursive: true, force: true });
    mkdirSync('.bench-before');
    const archive = execFileSync('git', ['archive', ref, 'src', 'schema', 'tsconfig.json', 'tsconfig.build.json'], { maxBuffer: 64 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', '.bench-before'], { input: archive });
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.bench-before/tsconfig.build.json'], { stdio: 'inherit' });
    return '.bench-before/dist/main.js';
  } catch (error) {
    console.error(`gateway before skipped: could not build ${ref} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return null;
  }
}

/** The CPU section: each server alone against an instant stub, autocannon's closed loop. */
async function cpuSection(): Promise<void> {
  const began = Date.now();
  if (HAS_TASKSET) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  // Every server runs with the same Node flags as `npm start`, so that the ratios compare code, not runtime settings.
  const node = [process.execPath, ...NODE_FLAGS];
  // The baselines run compiled (tsconfig.bench.json, `npm run bench` builds them) like the gateway, not
  // through a TypeScript loader. They read the SDL beside their compiled src/, as the gateway does.
  cpSync('schema', 'dist-bench/schema', { recursive: true });
  const baseline = (name: string) => [...node, `dist-bench/bench/${name}.js`];
  const stub = await start('stub', 1, baseline('stub'), {});
  const upstreamEnv = serverEnv(stub.url);
  const redisPrefix = `bench:${process.pid}:`;
  const PROXY_Q1: Request = { path: '/', method: 'GET', headers: {} };
  const UNSHARED = { CACHE_TTL_MS: '0', UPSTREAM_COALESCING: 'off' };
  const before = !ONLY || ONLY.includes('gateway before') ? buildBefore(BEFORE_REF) : null;
  const servers: Array<[string, string[], Array<[string, Request]>, Record<string, string>?]> = [
    ...(before ? [['gateway before', [...node, before], [['Q1', Q1]]] as [string, string[], Array<[string, Request]>]] : []),
    ['bare got proxy', baseline('got-proxy'), [['Q1', PROXY_Q1]]],
    ['tuned got proxy', baseline('got-proxy'), [['Q1', PROXY_Q1]], { GOT_PROXY: 'tuned' }],
    ['bare Apollo', baseline('bare-apollo'), [['Q0', Q0]]],
    ['naive server', baseline('naive-gateway'), [['Q2', Q2]], UNSHARED],
    ['stock Apollo + got', baseline('stock-apollo'), [['Q1', Q1], ['Q2', Q2]]],
    ['GraphQL Mesh', baseline('mesh'), [['Q1', MESH_Q1]]],
    // Cache and coalescing off: every request pays its upstream call, as in the baselines (the cached rows follow).
    ['gateway', [...node, 'dist/main.js'], [['Q0', Q0], ['Q1', Q1], ['Q2', Q2], ['Q3', Q3], ...SENDS_AT_RATE], UNSHARED],
    ['gateway cached', [...node, 'dist/main.js'], [['Q1', Q1], ['Q2', Q2]]],
    // The same gateway with its state on Redis (the machine's): what sharing state with other replicas costs a send.
    ['gateway on Redis', [...node, 'dist/main.js'], [['Q3', Q3], ...SENDS_AT_RATE], { ...UNSHARED, REDIS_URL: BENCH_REDIS_URL, REDIS_KEY_PREFIX: redisPrefix }],
  ];
  const cases: Case[] = [];
  const procs: Proc[] = [];
  if (!ONLY || ONLY.includes('direct upstream')) cases.push({ target: 'direct upstream', query: 'Q1', proc: stub, request: DIRECT, upstreamPerQuery: 1, runs: [] });
  // All servers are started up front, all pinned to core 0; only the one under load uses it at any time.
  for (const [name, command, queries, env] of servers) {
    if (ONLY && !ONLY.includes(name)) continue;
    if (name === 'GraphQL Mesh' && !existsSync(OPENAPI_SPEC)) {
      console.error(`GraphQL Mesh skipped: no OpenAPI spec at ${OPENAPI_SPEC} (set TWILIO_OPENAPI_SPEC)`);
      continue;
    }
    if (name === 'gateway on Redis' && !(await redisAnswers())) {
      console.error(`gateway on Redis skipped: Redis does not answer at ${BENCH_REDIS_URL} (set BENCH_REDIS_URL)`);
      continue;
    }
    const proc = await start(name, 0, command, { ...upstreamEnv, ...env });
    procs.push(proc);
    for (const [query, request] of queries) cases.push({ target: name, query, proc, request, upstreamPerQuery: 0, runs: [] });
  }
  // Cases of one query run back to back, so a ratio compares runs made seconds apart.
  cases.sort((a, b) => a.query.localeCompare(b.query));
  console.error(`benchmark: ${cases.length} cases, ${SECONDS}s × ${REPEATS} interleaved runs (median), ${CONNECTIONS} connections, taskset ${HAS_TASKSET ? 'on' : 'off'}`);
  for (const c of cases) {
    c.upstreamPerQuery = await countUpstream(c, stub);
    await alone(c.proc, procs, () => once(c.proc, c.request, WARMUP_SECONDS));
  }
  // Interleaved: a slow spell of the machine hits every case once rather than one case three times.
  for (let i = 0; i < REPEATS; i++) {
    for (const c of cases) await alone(c.proc, procs, () => runOnce(c));
    console.error(`  round ${i + 1}/${REPEATS}: ${cases.map((c) => `${c.target} ${c.query} ${Math.round(c.runs[i]!.rps)}/s ${Math.round(c.runs[i]!.cpuUs)}µs`).join(', ')}`);
  }
  const rows: Row[] = cases.map((c) => ({
    target: c.target,
    query: c.query,
    rps: median(c.runs.map((r) => r.rps)),
    p99: median(c.runs.map((r) => r.p99)),
    cpuUs: median(c.runs.map((r) => r.cpuUs)),
    upstreamPerQuery: c.upstreamPerQuery,
    non2xx: c.runs.reduce((a, r) => a + r.non2xx, 0),
    rssMb: peakRssMb(c.proc.child.pid!),
  }));
  // Servers first (they drain), then the stub, so no request in flight meets a dead upstream.
  await Promise.all(procs.map((proc) => new Promise((resolve) => proc.child.once('exit', resolve).kill('SIGTERM'))));
  stub.child.kill('SIGTERM');
  await deleteRedisKeys(redisPrefix);

  const find = (target: string, query: string): Row =>
    rows.find((r) => r.target === target && r.query === query) ?? { target, query, rps: NaN, p99: NaN, cpuUs: NaN, upstreamPerQuery: NaN, non2xx: 0, rssMb: NaN };
  /** Median over rounds of a/b, each round's pair measured back to back: steadier than a ratio of medians on a noisy machine. */
  const paired = (a: [string, string], b: [string, string], metric: 'rps' | 'p99' | 'cpuUs'): number => {
    const ca = cases.find((c) => c.target === a[0] && c.query === a[1]);
    const cb = cases.find((c) => c.target === b[0] && c.query === b[1]);
    if (!ca || !cb) return NaN;
    return median(ca.runs.map((run, i) => run[metric] / Math.max(1e-9, cb.runs[i]![metric])));
  };
  /** Median over rounds of a − b, each round's pair measured back to back. */
  const pairedDifference = (a: [string, string], b: [string, string], metric: 'p99'): number => {
    const ca = cases.find((c) => c.target === a[0] && c.query === a[1]);
    const cb = cases.find((c) => c.target === b[0] && c.query === b[1]);
    if (!ca || !cb) return NaN;
    return median(ca.runs.map((run, i) => run[metric] - cb.runs[i]![metric]));
  };
  const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? 'not run' : n.toFixed(digits));
  const lines = [
    `| target | query | req/s | p99 ms | CPU µs/req | upstream calls/query | peak RSS MB | non-2xx |`,
    `|---|---|---:|---:|---:|---:|---:|---:|`,
    ...rows.map((r) => `| ${r.target} | ${r.query} | ${fmt(r.rps)} | ${r.p99} | ${fmt(r.cpuUs)} | ${r.upstreamPerQuery} | ${fmt(r.rssMb)} | ${r.non2xx} |`),
  ];
  const G = (q: string): [string, string] => ['gateway', q];
  const ratios = [
    `| ratio (median of per-round ratios) | value | target |`,
    `|---|---:|---|`,
    `| Q1 gateway / bare got proxy, req/s | ${fmt(paired(G('Q1'), ['bare got proxy', 'Q1'], 'rps'), 2)} | ≥ 0.8 |`,
    `| Q1 gateway / bare got proxy, p99 | ${fmt(paired(G('Q1'), ['bare got proxy', 'Q1'], 'p99'), 2)} | ≤ 1.5 |`,
    `| Q1 bare got proxy / gateway, CPU µs per request | ${fmt(paired(['bare got proxy', 'Q1'], G('Q1'), 'cpuUs'), 2)} | (≈ req/s ratio when CPU-bound) |`,
    `| Q1 gateway / tuned got proxy (same got instance), req/s | ${fmt(paired(G('Q1'), ['tuned got proxy', 'Q1'], 'rps'), 2)} | (the GraphQL layer alone) |`,
    `| Q1 gateway / stock Apollo + got, req/s | ${fmt(paired(G('Q1'), ['stock Apollo + got', 'Q1'], 'rps'), 2)} | > 1 |`,
    `| Q1 gateway / GraphQL Mesh, req/s | ${fmt(paired(G('Q1'), ['GraphQL Mesh', 'Q1'], 'rps'), 2)} | ≥ 3 |`,
    `| Q1 gateway / gateway before (${BEFORE_REF}), CPU µs per request | ${fmt(paired(G('Q1'), ['gateway before', 'Q1'], 'cpuUs'), 2)} | ≤ 1 (no worse) |`,
    `| Q1 gateway cached / gateway, CPU µs per request | ${fmt(paired(['gateway cached', 'Q1'], G('Q1'), 'cpuUs'), 2)} | (a cache hit) |`,
    `| Q1 gateway / direct upstream, req/s | ${fmt(paired(G('Q1'), ['direct upstream', 'Q1'], 'rps'), 2)} | (the limit) |`,
    `| Q0 gateway / bare Apollo, req/s | ${fmt(paired(G('Q0'), ['bare Apollo', 'Q0'], 'rps'), 2)} | ≥ 0.83 (within 1.2×) |`,
    `| Q2 upstream calls: gateway, naive, stock | ${find('gateway', 'Q2').upstreamPerQuery}, ${find('naive server', 'Q2').upstreamPerQuery}, ${find('stock Apollo + got', 'Q2').upstreamPerQuery} | 11 (1 + 10) |`,
    `| Q2 gateway / naive server, req/s | ${fmt(paired(G('Q2'), ['naive server', 'Q2'], 'rps'), 2)} | > 1 |`,
    `| Q2 gateway / stock Apollo + got, req/s | ${fmt(paired(G('Q2'), ['stock Apollo + got', 'Q2'], 'rps'), 2)} | > 1 |`,
    `| Q3 upstream POSTs per mutation | ${find('gateway', 'Q3').upstreamPerQuery} | 1 |`,
    `| Q3 / Q1 gateway req/s | ${fmt(find('gateway', 'Q3').rps / find('gateway', 'Q1').rps, 2)} | ≥ 0.8 |`,
    ...SENDS_AT_RATE.map(([q]) => `| ${q}: p99 on Redis − in memory, ms | ${fmt(pairedDifference(['gateway on Redis', q], G(q), 'p99'), 1)} | ≤ 2 |`),
    `| Q3 at full load: req/s on Redis / in memory | ${fmt(paired(['gateway on Redis', 'Q3'], G('Q3'), 'rps'), 2)} | |`,
    `| gateway peak RSS MB | ${fmt(Math.max(...rows.filter((r) => r.target === 'gateway').map((r) => r.rssMb)))} | < 200 |`,
  ];
  console.log(`\n${machine()}`);
  console.log(`${SECONDS}s × ${REPEATS} runs (median) after a ${WARMUP_SECONDS}s warm-up, ${CONNECTIONS} connections; server on core 0, stub + load on core 1${HAS_TASKSET ? '' : ' (taskset unavailable: not pinned)'}; node ${NODE_FLAGS.join(' ') || '(no flags)'} for every server\n`);
  console.log(lines.join('\n'));
  console.log(`\n${ratios.join('\n')}`);
  console.log(`\nbenchmark took ${fmt((Date.now() - began) / 1000)} s`);
}

async function main(): Promise<void> {
  if (SECTIONS.includes('cpu')) await cpuSection();
  if (SECTIONS.includes('shaped')) await runShapedSection();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
