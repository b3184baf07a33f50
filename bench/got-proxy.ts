/**
 * Baseline "bare got proxy": every request becomes one got GET to the upstream, answered as it came. It
 * has the same got options as the gateway (keep-alive, timeouts, no retry), so the gap between it and
 * the direct upstream is the cost of the HTTP client, and the gap between it and the gateway is ours.
 */
import { createServer } from 'node:http';
import { loadConfig } from '../src/config.js';
import { createTwilioHttp } from '../src/twilio/client.js';
import { announce, BENCH_MESSAGE_SID } from './shared.js';

const upstream = createTwilioHttp(loadConfig().twilio);
const server = createServer((req, res) => {
  req.resume();
  upstream.got(`Messages/${BENCH_MESSAGE_SID}.json`).then(
    (response) => {
      res.writeHead(response.statusCode, { 'content-type': 'application/json' });
      res.end(response.body);
    },
    () => res.writeHead(502).end(),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(server));
