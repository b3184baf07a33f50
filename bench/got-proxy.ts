/**
 * Baselines "bare got proxy" and "tuned got proxy": every request becomes one got GET to the upstream,
 * answered as it came. The gap between them and the direct upstream is the cost of the HTTP client.
 * - bare (the default): got as its documentation sets it up: one instance with the base URL, the
 *   Authorization header and a keep-alive agent, got's defaults for the rest.
 * - tuned (GOT_PROXY=tuned): the gateway's own got instance (src/twilio/http.ts), so the gap between
 *   it and the gateway is the GraphQL layer alone.
 */
import { Agent, createServer } from 'node:http';
import got from 'got';
import { loadConfig } from '../src/config.js';
import { basicAuthorization, createTwilioHttp } from '../src/twilio/http.js';
import { accountPath } from '../src/protocol/wire.js';
import { announce, BENCH_MESSAGE_SID } from './shared.js';

const { twilio } = loadConfig();
const upstream =
  process.env['GOT_PROXY'] === 'tuned'
    ? createTwilioHttp(twilio).got
    : got.extend({
        prefixUrl: `${twilio.baseUrl}${accountPath(twilio.accountSid)}/`,
        headers: { authorization: basicAuthorization(twilio) },
        agent: { http: new Agent({ keepAlive: true }) },
      });
const server = createServer((req, res) => {
  req.resume();
  upstream(`Messages/${BENCH_MESSAGE_SID}.json`).then(
    (response) => {
      res.writeHead(response.statusCode, { 'content-type': 'application/json' });
      res.end(response.body);
    },
    () => res.writeHead(502).end(),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(server));
