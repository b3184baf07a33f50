/**
 * The benchmark's upstream: a minimal Twilio stand-in that answers from precomputed JSON as fast as
 * node:http allows, and counts calls per operation (GET /__stats, POST /__reset).
 *
 * With `STUB_SHAPE=twilio` it behaves like Twilio under load instead (the Twilio-shaped section,
 * bench/twilio-shaped.ts): each operation takes a random while (log-normal, median per operation from
 * `STUB_LATENCY_MS`, p99 = `STUB_P99_RATIO` × median), and beyond `STUB_CONCURRENCY` requests in flight it
 * answers 429 with Twilio's 20429 body at once. See {@link shapedHandler}.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { toRfc2822 } from '../src/protocol/dates.js';
import { accountPath, type WireMedia, type WireMessage } from '../src/protocol/wire.js';
import { announce, BENCH_ACCOUNT_SID } from './shared.js';

const BASE = accountPath(BENCH_ACCOUNT_SID);
const now = toRfc2822(Date.now());
const sidOf = (prefix: string, n: number) => prefix + n.toString(16).padStart(32, '0');

function message(sid: string, numMedia: number): WireMessage {
  return {
    account_sid: BENCH_ACCOUNT_SID, api_version: '2010-04-01', body: 'Your order has shipped.', date_created: now, date_sent: now,
    date_updated: now, direction: 'outbound-api', error_code: null, error_message: null, from: '+15005550006', messaging_service_sid: null,
    num_media: String(numMedia), num_segments: '1', price: '-0.00790', price_unit: 'USD', sid, status: 'delivered',
    subresource_uris: { media: `${BASE}/Messages/${sid}/Media.json` }, to: '+14155550100', uri: `${BASE}/Messages/${sid}.json`,
  };
}

// 50 messages, every fifth with one media: Q2 should cost 1 list call + 10 media calls.
const list = Array.from({ length: 50 }, (_, i) => message(sidOf(i % 5 === 0 ? 'MM' : 'SM', i + 1), i % 5 === 0 ? 1 : 0));
const listJson = JSON.stringify({
  messages: list, page: 0, page_size: 50, start: 0, end: 49, uri: `${BASE}/Messages.json?PageSize=50&Page=0`,
  first_page_uri: `${BASE}/Messages.json?PageSize=50&Page=0`, previous_page_uri: null,
  next_page_uri: `${BASE}/Messages.json?PageSize=50&Page=1&PageToken=PA50`,
});
const mediaJson = (parent: string) => {
  const media: WireMedia = {
    account_sid: BENCH_ACCOUNT_SID, content_type: 'image/jpeg', date_created: now, date_updated: now, parent_sid: parent,
    sid: sidOf('ME', 1), uri: `${BASE}/Messages/${parent}/Media/${sidOf('ME', 1)}.json`,
  };
  return JSON.stringify({ media_list: [media], page: 0, page_size: 100, start: 0, end: 0, uri: '', first_page_uri: '', previous_page_uri: null, next_page_uri: null });
};
const created = JSON.stringify({ ...message(sidOf('SM', 999), 0), status: 'queued', price: null, date_sent: null });

const calls: Record<string, number> = {};
const count = (op: string) => (calls[op] = (calls[op] ?? 0) + 1);
const json = { 'content-type': 'application/json' };

function fastHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  const path = url.split('?')[0]!;
  if (path === '/__stats') return void res.writeHead(200, json).end(JSON.stringify(calls));
  if (path === '/__reset') {
    for (const key of Object.keys(calls)) delete calls[key];
    return void res.writeHead(204).end();
  }
  const rest = path.startsWith(BASE) ? path.slice(BASE.length) : '';
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && rest === '/Messages.json') {
      count('CreateMessage');
      return void res.writeHead(201, json).end(created);
    }
    if (rest === '/Messages.json') {
      count('ListMessage');
      return void res.writeHead(200, json).end(listJson);
    }
    const media = /^\/Messages\/([A-Z]{2}[0-9a-f]{32})\/Media\.json$/.exec(rest);
    if (media) {
      count('ListMedia');
      return void res.writeHead(200, json).end(mediaJson(media[1]!));
    }
    const one = /^\/Messages\/([A-Z]{2}[0-9a-f]{32})\.json$/.exec(rest);
    if (one) {
      count('FetchMessage');
      return void res.writeHead(200, json).end(JSON.stringify(message(one[1]!, 0)));
    }
    count('Unrouted');
    res.writeHead(404, json).end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
  });
}

// ---- Twilio-shaped mode ----

type ShapedOp = 'fetch' | 'list' | 'media' | 'create';
/** Medians in ms. Lists are slower than fetches at Twilio; a send is about a fetch. */
const SHAPE_MEDIANS: Record<ShapedOp, number> = { fetch: 150, list: 250, media: 150, create: 150 };
for (const pair of (process.env['STUB_LATENCY_MS'] ?? '').split(',').filter(Boolean)) {
  const [op, ms] = pair.split('=');
  if (!op || !(op in SHAPE_MEDIANS) || !(Number(ms) >= 0)) throw new Error(`STUB_LATENCY_MS: bad entry "${pair}" (want e.g. fetch=150,list=250,media=150,create=150)`);
  SHAPE_MEDIANS[op as ShapedOp] = Number(ms);
}
/** p99 / median of every operation's latency: about 2 at Twilio on a normal day. */
const P99_RATIO = Number(process.env['STUB_P99_RATIO'] ?? 2);
/** Twilio's default per-account concurrency limit: requests in flight beyond it get 429 / 20429. */
const CONCURRENCY = Number(process.env['STUB_CONCURRENCY'] ?? 100);
const SIGMA = Math.log(P99_RATIO) / 2.3263; // z of the 99th percentile
const TOO_MANY = JSON.stringify({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });

/** A log-normal draw around `median`: most answers near it, a long-ish tail, never negative. */
function draw(median: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return median * Math.exp(SIGMA * z);
}

const shaped = {
  calls: {} as Record<string, number>,
  rejected: {} as Record<string, number>,
  inFlight: 0,
  peakInFlight: 0,
  /** The latency chosen for every admitted call since start (not cleared by /__reset: the distribution does not change). */
  chosen: { fetch: [], list: [], media: [], create: [] } as Record<ShapedOp, number[]>,
  /** Admitted POSTs per `Body`: exactly-once is checked against these. */
  posts: new Map<string, number>(),
  created: 0,
};

// Every 4th message has one media: a list of 20 without a cache costs 1 + 5 calls.
const shapedMessage = (i: number) => message(sidOf(i % 4 === 0 ? 'MM' : 'SM', i + 1), i % 4 === 0 ? 1 : 0);
const shapedPages = new Map<number, string>();
function shapedList(pageSize: number): string {
  let page = shapedPages.get(pageSize);
  if (!page) {
    const uri = (n: number) => `${BASE}/Messages.json?PageSize=${pageSize}&Page=${n}`;
    page = JSON.stringify({
      messages: Array.from({ length: pageSize }, (_, i) => shapedMessage(i)), page: 0, page_size: pageSize, start: 0, end: pageSize - 1,
      uri: uri(0), first_page_uri: uri(0), previous_page_uri: null, next_page_uri: `${uri(1)}&PageToken=PA${pageSize}`,
    });
    shapedPages.set(pageSize, page);
  }
  return page;
}

const NO_MEDIA = JSON.stringify({ media_list: [], page: 0, page_size: 50, start: 0, end: 0, uri: '', first_page_uri: '', previous_page_uri: null, next_page_uri: null });
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** What the shaped stub has seen since the last /__reset (latency: since start). */
function shapedStats() {
  const latencyMs = Object.fromEntries(
    Object.entries(shaped.chosen).map(([op, all]) => {
      const sorted = [...all].sort((a, b) => a - b);
      return [op, { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
    }),
  );
  // The distribution as configured, for when too few calls were made to read a p99 off them.
  const configuredMs = Object.fromEntries(Object.entries(SHAPE_MEDIANS).map(([op, median]) => [op, { p50: median, p99: median * P99_RATIO }]));
  return { calls: shaped.calls, rejected: shaped.rejected, peakInFlight: shaped.peakInFlight, limit: CONCURRENCY, latencyMs, configuredMs, posts: Object.fromEntries(shaped.posts) };
}

/** Which operation a request is, and what it answers (status, body) given its form, once its latency has passed. */
function route(method: string, rest: string): { op: ShapedOp; answer: (form: string) => [number, string] } | null {
  if (method === 'POST' && rest === '/Messages.json') {
    return {
      op: 'create',
      // A send is counted when its answer goes out, as Twilio would have processed it by then.
      answer: (form) => {
        const params = new URLSearchParams(form);
        const body = params.get('Body') ?? '';
        shaped.posts.set(body, (shaped.posts.get(body) ?? 0) + 1);
        const sid = sidOf('SM', 0xc000_0000 + ++shaped.created);
        const sent = { ...message(sid, 0), status: 'queued', price: null, date_sent: null, body, to: params.get('To') ?? '', from: params.get('From') ?? '' };
        return [201, JSON.stringify(sent)];
      },
    };
  }
  if (method !== 'GET') return null;
  const path = rest.split('?')[0]!;
  if (path === '/Messages.json') {
    const pageSize = Math.min(1000, Math.max(1, Number(new URLSearchParams(rest.split('?')[1] ?? '').get('PageSize') ?? 50) || 50));
    return { op: 'list', answer: () => [200, shapedList(pageSize)] };
  }
  const media = /^\/Messages\/((?:SM|MM)[0-9a-f]{32})\/Media\.json$/.exec(path);
  // Only MM… messages have media (one each), as at Twilio: a server that asks about every message learns it costs.
  if (media) return { op: 'media', answer: () => [200, media[1]!.startsWith('MM') ? mediaJson(media[1]!) : NO_MEDIA] };
  const one = /^\/Messages\/((SM|MM)[0-9a-f]{32})\.json$/.exec(path);
  if (one) return { op: 'fetch', answer: () => [200, JSON.stringify(message(one[1]!, one[2] === 'MM' ? 1 : 0))] };
  return null;
}

/**
 * Twilio under load: a request beyond the concurrency limit is refused at once with 429 / 20429 (it is
 * counted as a call and as rejected, not as in flight); an admitted one is in flight from its arrival to
 * the end of its answer, which comes after the latency drawn for its operation.
 */
function shapedHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  const path = url.split('?')[0]!;
  if (path === '/__stats') return void res.writeHead(200, json).end(JSON.stringify(shapedStats()));
  if (path === '/__reset') {
    shaped.calls = {};
    shaped.rejected = {};
    shaped.posts.clear();
    shaped.peakInFlight = shaped.inFlight;
    return void res.writeHead(204).end();
  }
  const arrived = performance.now();
  const routed = route(req.method ?? 'GET', url.startsWith(BASE) ? url.slice(BASE.length) : '');
  const op = routed?.op ?? 'unrouted';
  shaped.calls[op] = (shaped.calls[op] ?? 0) + 1;
  if (routed && shaped.inFlight >= CONCURRENCY) {
    shaped.rejected[op] = (shaped.rejected[op] ?? 0) + 1;
    req.resume();
    return void res.writeHead(429, json).end(TOO_MANY);
  }
  shaped.inFlight++;
  shaped.peakInFlight = Math.max(shaped.peakInFlight, shaped.inFlight);
  // 'close' comes once per response, whether it ended or its socket did.
  res.once('close', () => shaped.inFlight--);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (!routed) return void res.writeHead(404, json).end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
    const latency = draw(SHAPE_MEDIANS[routed.op]);
    shaped.chosen[routed.op].push(latency);
    const form = Buffer.concat(chunks).toString();
    setTimeout(() => {
      const [status, body] = routed.answer(form);
      res.writeHead(status, json).end(body);
    }, Math.max(0, latency - (performance.now() - arrived)));
  });
}

const server = createServer(process.env['STUB_SHAPE'] === 'twilio' ? shapedHandler : fastHandler);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(server));
