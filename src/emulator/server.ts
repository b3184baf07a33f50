/**
 * The emulator's thin node:http transport: reads the body (with a size limit), hands the request to the
 * pure handler, writes the answer, runs the lifecycle clock and delivers signed status callbacks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLocalHostHeader, readBody } from '../http.js';
import { computeSignature } from '../protocol/signature.js';
import { API_VERSION } from '../protocol/wire.js';
import type { EmulatorAccount } from './account.js';
import { ApiError } from './api-error.js';
import { createHandler, errorResponse, type EmulatorHandler, type EmulatorResponse } from './handler.js';
import { seedMessages } from './seed.js';
import { type Clock } from './clock.js';
import { type StatusChange } from './records.js';
import { MessageStore } from './store.js';

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** The account and credentials to accept. */
  account: EmulatorAccount;
  clock?: Clock;
  /** Time from creation to a final status, in ms (default 5000). */
  deliveryMs?: number;
  /** Messages kept at most (default 10000). */
  maxMessages?: number;
  /** Add a few finished messages at start (default true). */
  seed?: boolean;
  /** How often the lifecycle advances, in ms (default 100). */
  tickMs?: number;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Log a line per status callback failure (default: console.warn). */
  log?: (line: string) => void;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:4010`; set once started. */
  readonly url: string;
  readonly account: EmulatorAccount;
  readonly store: MessageStore;
  /** The request handler, with its per-operation call counters. */
  readonly handler: EmulatorHandler;
  /** Listens on `port` (0: any free port) on 127.0.0.1 unless another host is given. */
  start(port?: number, host?: string): Promise<string>;
  /** Stops listening and waits for callbacks under way. */
  stop(): Promise<void>;
}

/** Builds an emulator; nothing listens until `start()`. */
export function createEmulator(options: EmulatorOptions): Emulator {
  const { account } = options;
  const store = new MessageStore({ clock: options.clock, deliveryMs: options.deliveryMs, maxMessages: options.maxMessages });
  if (options.seed ?? true) seedMessages(store, account.accountSid);
  let url = '';
  const handler = createHandler(store, account, { origin: () => url });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.log ?? ((line: string) => console.warn(line));
  const pending = new Set<Promise<void>>();
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;

  store.onStatusChange((change) => {
    const delivery = deliverCallback(account, change).catch((error: unknown) => {
      log(`emulator: status callback for ${change.message.sid} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  });

  const onRequest = async (req: IncomingMessage): Promise<EmulatorResponse> => {
    // Its credentials are published: a web page reaching it through a DNS name re-pointed at this machine must not drive it.
    if (!isLocalHostHeader(req.headers.host)) {
      return errorResponse(new ApiError(421, 20403, 'The emulator answers only localhost or an IP address.'));
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === null) return errorResponse(new ApiError(413, 20001, 'Request body too large'));
    return handler.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
  };

  const send = (res: ServerResponse, answer: EmulatorResponse): void => {
    // byteLength counts a string's UTF-8 bytes and a Buffer's length; HEAD answers keep it without a body.
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  return {
    get url() {
      return url;
    },
    account,
    store,
    handler,
    async start(port = 0, host = '127.0.0.1') {
      server = createServer((req, res) => {
        onRequest(req).then(
          (answer) => send(res, answer),
          (error: unknown) => {
            log(`emulator: internal error: ${error instanceof Error ? error.message : String(error)}`);
            send(res, errorResponse(new ApiError(500, 20500, 'Internal Server Error')));
          },
        );
      });
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${host}:${address.port}`;
      timer = setInterval(() => store.tick(), options.tickMs ?? 100);
      timer.unref();
      return url;
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (server) {
        const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeAllConnections();
        await closing;
      }
      await Promise.allSettled([...pending]);
    },
  };
}

/** The parameters Twilio posts to a status callback. */
export function callbackParams(account: EmulatorAccount, change: StatusChange): Record<string, string> {
  const m = change.message;
  const params: Record<string, string> = {
    AccountSid: account.accountSid,
    ApiVersion: API_VERSION,
    From: m.from ?? '',
    MessageSid: m.sid,
    MessageStatus: change.status,
    SmsSid: m.sid,
    SmsStatus: change.status,
    To: m.to,
  };
  if (m.messagingServiceSid) params['MessagingServiceSid'] = m.messagingServiceSid;
  if ((change.status === 'failed' || change.status === 'undelivered') && m.errorCode !== null) {
    params['ErrorCode'] = String(m.errorCode);
  }
  if (change.status === 'delivered' || change.status === 'undelivered') {
    const d = new Date(m.dateUpdated);
    const two = (n: number) => String(n).padStart(2, '0');
    params['RawDlrDoneDate'] =
      two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes());
  }
  return params;
}

async function deliverCallback(account: EmulatorAccount, change: StatusChange): Promise<void> {
  const target = change.message.statusCallback;
  if (!target) return;
  const params = callbackParams(account, change);
  const response = await fetch(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': computeSignature(account.authToken, target, params),
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(5000),
  });
  await response.arrayBuffer();
  if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
}
