/**
 * The benchmark's upstream: a minimal Twilio stand-in that answers from precomputed JSON as fast as
 * node:http allows, and counts calls per operation (GET /__stats, POST /__reset).
 */
import { createServer } from 'node:http';
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

const server = createServer((req, res) => {
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
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(server));
