/**
 * A scripted fake Twilio for faults the emulator cannot produce: resets, silence, 5xx, malformed bodies,
 * 429 with Retry-After. Each request is answered by the next step of the script for its method (the last
 * step repeats); requests and peak concurrency are counted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { toRfc2822 } from '../../src/protocol/dates.js';
import type { WireMessage } from '../../src/protocol/wire.js';

export const FAKE_ACCOUNT_SID = 'AC' + 'a'.repeat(32);
export const FAKE_AUTH_TOKEN = 'fake-auth-token-0123456789abcdef';

/** What the fake does with one request. */
export type Step =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'reset' } // destroy the socket after reading the request
  | { kind: 'silent' } // never answer
  | { kind: 'slow'; ms: number; then: Step }
  | { kind: 'fn'; answer: (body: string) => Step }; // decide per request

/** A Twilio message JSON with every key, for fake answers. */
export function wireMessage(overrides: Partial<WireMessage> = {}): WireMessage {
  const sid = overrides.sid ?? 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32);
  const now = toRfc2822(Date.now());
  return {
    account_sid: FAKE_ACCOUNT_SID, api_version: '2010-04-01', body: 'fake', date_created: now, date_sent: null, date_updated: now,
    direction: 'outbound-api', error_code: null, error_message: null, from: '+15005550006', messaging_service_sid: null,
    num_media: '0', num_segments: '1', price: null, price_unit: 'USD', sid, status: 'queued',
    subresource_uris: {}, to: '+14155550100', uri: `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages/${sid}.json`,
    ...overrides,
  };
}

export interface FakeUpstream {
  url: string;
  /** Requests seen, as `METHOD /path` (no query). */
  requests: string[];
  count(method: string): number;
  peakConcurrency: number;
  /** Replaces the script for a method. */
  script(method: string, steps: Step[]): void;
  stop(): Promise<void>;
}

export async function startFakeUpstream(scripts: Record<string, Step[]> = {}): Promise<FakeUpstream> {
  const steps = new Map<string, Step[]>(Object.entries(scripts));
  const sockets = new Set<Socket>();
  let active = 0;
  const fake: FakeUpstream = {
    url: '',
    requests: [],
    count: (method) => fake.requests.filter((r) => r.startsWith(`${method} `)).length,
    peakConcurrency: 0,
    script: (method, list) => steps.set(method, [...list]),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  const perform = async (step: Step, req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    switch (step.kind) {
      case 'json':
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(JSON.stringify(step.body));
        return;
      case 'raw':
        res.writeHead(step.status, { 'content-type': 'text/plain', ...step.headers });
        res.end(step.body);
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'silent':
        return;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        return perform(step.then, req, res, body);
      case 'fn':
        return perform(step.answer(body), req, res, body);
    }
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      fake.requests.push(`${method} ${(req.url ?? '').split('?')[0]}`);
      active++;
      fake.peakConcurrency = Math.max(fake.peakConcurrency, active);
      res.on('close', () => active--);
      const list = steps.get(method) ?? [{ kind: 'json', status: 200, body: wireMessage() }];
      const step = list.length > 1 ? list.shift()! : list[0]!;
      void perform(step, req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
