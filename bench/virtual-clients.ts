/**
 * The Twilio-shaped section's load generator: many virtual clients over node:http, each with a socket of
 * its own (one keep-alive Agent with room for all of them), as screens and senders would be. Two shapes:
 * - {@link runPeriodic}: each client polls once per period, closed loop (a poll slower than the period is
 *   followed at once by the next, never overlapped), so "asked" is the polls that came due;
 * - {@link runClosedLoop}: a fixed number of requests as fast as `callers` concurrent callers send them.
 * Every answer is judged: correct, or an error code (GraphQL `extensions.code`, a userError's code, the HTTP
 * status, a network error), and separately whether it carries Twilio's 429 to the client.
 */
import http from 'node:http';

/** What a workload measured. `latencyMs` holds correct answers only: a fast error is not a fast answer. */
export interface Tally {
  asked: number;
  correct: number;
  latencyMs: number[];
  /** Failed answers by code, Twilio's 429s excluded (they are in `twilio429`). */
  errors: Record<string, number>;
  /** Answers that handed Twilio's 429 / 20429 (or the server's RATE_LIMITED translation of it) to the client. */
  twilio429: number;
  /** Seconds the measured requests were asked over (periodic: the window; closed loop: first start to last answer). */
  seconds: number;
  /**
   * Correct answers that arrived within the window, whenever they were asked: with the upstream calls made
   * in the window, the cost per answer at steady state (polls asked in the window may be answered after it).
   */
  correctInWindow: number;
  /** When each counted correct answer arrived, ms from the start. */
  answeredAtMs: number[];
}

/**
 * Judges the `data` of a GraphQL answer that has no `errors`: null when it is the right answer, else an error
 * code (a userError's code, or WRONG_ANSWER).
 */
export type Check = (data: unknown) => string | null;

type Outcome = { status: number; text: string } | { error: string };

// Whatever shape a server gives it, Twilio's rate limit is recognisable by one of these.
const TWILIO_429 = /20429|Too Many Requests|RATE_LIMITED/;

/**
 * Answers per second in the middle of a burst (between its 10th and 90th percentile answers): the rate it
 * settles at, without the ramp at its start and the stragglers at its end.
 */
export function steadyRate(answeredAtMs: readonly number[]): number {
  const sorted = [...answeredAtMs].sort((a, b) => a - b);
  const [from, to] = [Math.floor(sorted.length * 0.1), Math.floor(sorted.length * 0.9)];
  return to > from ? ((to - from) * 1000) / (sorted[to]! - sorted[from]!) : NaN;
}

/** Sorted-copy percentile (p in 0..1); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function post(agent: http.Agent, url: URL, body: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        });
        res.on('error', () => undefined); // the request's 'error' reports it
      },
    );
    // A whole-request deadline: a poll that takes longer than this is no answer for a screen.
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'CLIENT_TIMEOUT' })), timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ error: error.code ?? 'NETWORK_ERROR' });
    });
    req.end(body);
  });
}

interface GraphQLAnswer {
  data?: unknown;
  errors?: Array<{ extensions?: { code?: unknown } }>;
}

/** Judges one answer and adds it to the tally: correct, a Twilio 429 that reached the client, or another error by code. True when correct. */
function record(tally: Tally, outcome: Outcome, check: Check, ms: number): boolean {
  const fail = (code: string) => ((tally.errors[code] = (tally.errors[code] ?? 0) + 1), false);
  if ('error' in outcome) return fail(outcome.error);
  if (outcome.status === 429 || TWILIO_429.test(outcome.text)) return (tally.twilio429++, false);
  let answer: GraphQLAnswer;
  try {
    answer = JSON.parse(outcome.text) as GraphQLAnswer;
  } catch {
    return fail(`HTTP ${outcome.status}, not JSON`);
  }
  if (answer.errors?.length) {
    const code = answer.errors[0]?.extensions?.code;
    return fail(typeof code === 'string' ? code : `GraphQL error (HTTP ${outcome.status})`);
  }
  if (outcome.status !== 200) return fail(`HTTP ${outcome.status}`);
  const problem = check(answer.data);
  if (problem) return fail(problem);
  tally.correct++;
  tally.latencyMs.push(ms);
  return true;
}

const newTally = (): Tally => ({ asked: 0, correct: 0, latencyMs: [], errors: {}, twilio429: 0, seconds: 0, correctInWindow: 0, answeredAtMs: [] });
const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

/** Periodic clients: screens that poll. */
export interface PeriodicOptions {
  /** The GraphQL endpoint. */
  url: string;
  clients: number;
  periodMs: number;
  /** Polls before this are not counted (the JIT, sockets and caches warm up). */
  warmupMs: number;
  /** Polls that come due within this window after the warm-up are counted. */
  durationMs: number;
  /** A poll unanswered after this counts as CLIENT_TIMEOUT. */
  timeoutMs: number;
  /** The JSON body of client `client`'s poll. */
  body: (client: number) => string;
  /** Judges client `client`'s answer. */
  check: (client: number) => Check;
  /** Called when the counted window opens (to reset the upstream stub's counters). */
  onWindowStart: () => Promise<void>;
  /** Called when it closes (to read them). */
  onWindowEnd: () => Promise<void>;
}

/**
 * Runs periodic clients: each polls once per period from a random offset within the first period, and a
 * poll that comes due while the previous one is unanswered starts right after that answer. Resolves once
 * every counted poll is answered or timed out.
 */
export async function runPeriodic(o: PeriodicOptions): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients, maxFreeSockets: o.clients });
  const url = new URL(o.url);
  const tally = newTally();
  const begin = performance.now();
  const windowStart = begin + o.warmupMs;
  const windowEnd = windowStart + o.durationMs;
  const opened = sleepUntil(windowStart).then(o.onWindowStart);
  const closed = sleepUntil(windowEnd).then(o.onWindowEnd);
  const warmup = newTally();
  const client = async (id: number) => {
    const body = o.body(id);
    const check = o.check(id);
    let due = begin + Math.random() * o.periodMs;
    while (due < windowEnd) {
      await sleepUntil(due);
      const started = performance.now();
      const counted = started >= windowStart;
      if (counted) tally.asked++;
      const outcome = await post(agent, url, body, o.timeoutMs);
      const now = performance.now();
      // Judged even in the warm-up: an answer that arrives in the window counts towards the cost per answer.
      const correct = counted ? record(tally, outcome, check, now - started) : record(warmup, outcome, check, 0);
      if (correct && now >= windowStart && now < windowEnd) tally.correctInWindow++;
      if (correct && counted) tally.answeredAtMs.push(now - begin);
      due = Math.max(performance.now(), due + o.periodMs);
    }
  };
  await Promise.all([opened, closed, ...Array.from({ length: o.clients }, (_, id) => client(id))]);
  agent.destroy();
  tally.seconds = o.durationMs / 1000;
  return tally;
}

/** A burst: `total` requests, `callers` at a time. */
export interface ClosedLoopOptions {
  url: string;
  callers: number;
  total: number;
  timeoutMs: number;
  /** The JSON body of request `i` (0 ≤ i < total). */
  body: (i: number) => string;
  check: Check;
}

/**
 * Runs `total` requests with `callers` concurrent callers, each sending its next request as soon as its
 * previous one is answered. No request is retried: a failed send is the caller's to handle, and is counted.
 */
export async function runClosedLoop(o: ClosedLoopOptions): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.callers, maxFreeSockets: o.callers });
  const url = new URL(o.url);
  const tally = newTally();
  let next = 0;
  const begin = performance.now();
  const caller = async () => {
    while (next < o.total) {
      const body = o.body(next++);
      const started = performance.now();
      tally.asked++;
      const correct = record(tally, await post(agent, url, body, o.timeoutMs), o.check, performance.now() - started);
      if (correct) tally.answeredAtMs.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: o.callers }, caller));
  tally.seconds = (performance.now() - begin) / 1000;
  tally.correctInWindow = tally.correct;
  agent.destroy();
  return tally;
}
