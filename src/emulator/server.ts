/**
 * The emulator's thin node:http transport: reads the body (with a size limit), hands the request to the
 * pure handler, writes the answer, runs the lifecycle clock and makes the signed webhook calls: status
 * callbacks, and each received message to its number's SmsUrl (SmsFallbackUrl when that fails).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLocalHostHeader, readBody } from '../http.js';
import type { WireWebhookMethod } from '../protocol/incoming-number.js';
import type { EmulatorAccount } from './account.js';
import { ApiError } from './api-error.js';
import { createHandler, errorResponse, type EmulatorHandler, type EmulatorResponse } from './handler.js';
import { PhoneNumbers } from './numbers.js';
import { seedMessages } from './seed.js';
import { type Clock } from './clock.js';
import { type StatusChange } from './records.js';
import { MessageStore } from './store.js';
import { callbackParams, inboundParams, sendWebhook, type WebhookCall } from './webhooks.js';

/** How long a status callback may take to answer. */
const STATUS_CALLBACK_TIMEOUT_MS = 5_000;
/** How long Twilio waits for a number's SmsUrl before it tries the SmsFallbackUrl. */
const SMS_URL_TIMEOUT_MS = 15_000;

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
  /** Log a line per failed webhook call, status callback or incoming message (default: console.warn). */
  log?: (line: string) => void;
  /** The account's phone numbers, E.164 (default: `['+15005550006']`, the number the emulator sends from). */
  phoneNumbers?: readonly string[];
  /**
   * Where the account's numbers send the messages they receive (their `SmsUrl`), from the start: an absolute
   * http(s) URL, e.g. a gateway's `/twilio/inbound`. Default: nowhere (`sms_url` is `""`). To set it once the
   * receiver's address is known, use {@link Emulator.setSmsUrl}.
   */
  smsUrl?: string;
  /** The method for {@link EmulatorOptions.smsUrl}: `POST` (form body, the default) or `GET` (query string). */
  smsMethod?: WireWebhookMethod;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:4010`; set once started. */
  readonly url: string;
  readonly account: EmulatorAccount;
  readonly store: MessageStore;
  /** The account's phone numbers, as the IncomingPhoneNumbers API serves them. */
  readonly numbers: PhoneNumbers;
  /**
   * Points incoming messages at `url`: the `SmsUrl` (and `SmsMethod`, default `POST`) of the number
   * `options.phoneNumber`, or of every number of the account when it is omitted; `null` stops the calls.
   * Each message injected through `POST /emulator/inbound` to such a number is then sent there, signed,
   * once it is `received`, as Twilio sends an incoming message.
   * The same as an IncomingPhoneNumber update of `SmsUrl` and `SmsMethod` through the API.
   * @throws Error when `url` is not an absolute http(s) URL or `options.phoneNumber` is not the account's.
   * @example emulator.setSmsUrl(`${gatewayUrl}/twilio/inbound`);
   */
  setSmsUrl(url: string | null, options?: { phoneNumber?: string; method?: WireWebhookMethod }): void;
  /** The request handler, with its per-operation call counters. */
  readonly handler: EmulatorHandler;
  /** Listens on `port` (0: any free port) on 127.0.0.1 unless another host is given. */
  start(port?: number, host?: string): Promise<string>;
  /** Stops listening and waits for the webhook calls under way. */
  stop(): Promise<void>;
}

/** Builds an emulator; nothing listens until `start()`. */
export function createEmulator(options: EmulatorOptions): Emulator {
  const { account } = options;
  const store = new MessageStore({ clock: options.clock, deliveryMs: options.deliveryMs, maxMessages: options.maxMessages });
  if (options.seed ?? true) seedMessages(store, account.accountSid);
  const numbers = new PhoneNumbers(account.accountSid, store.clock, options.phoneNumbers);
  if (options.smsUrl !== undefined) numbers.setSmsUrl(options.smsUrl, { method: options.smsMethod });
  let url = '';
  const handler = createHandler(store, account, { origin: () => url, numbers });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const log = options.log ?? ((line: string) => console.warn(line));
  const pending = new Set<Promise<void>>();
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** Runs a webhook call in the background: a failure is logged, and `stop()` waits for it. */
  const track = (what: string, call: () => Promise<void>): void => {
    const delivery = call().catch((error: unknown) => {
      log(`emulator: ${what} failed: ${errorText(error)}`);
    });
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  };

  /** Sends a received message to its number's SmsUrl, then to its SmsFallbackUrl when that fails. */
  const deliverInbound = (change: StatusChange): void => {
    const number = numbers.receiving(change.message.to);
    if (!number?.smsUrl) return;
    const params = inboundParams(change.message, url);
    const call = (target: string, method: WireWebhookMethod): WebhookCall =>
      ({ url: target, method, params, authToken: account.authToken, timeoutMs: SMS_URL_TIMEOUT_MS });
    const { smsUrl, smsMethod, smsFallbackUrl, smsFallbackMethod } = number;
    const what = `incoming message ${change.message.sid} to ${smsUrl}`;
    track(what, async () => {
      try {
        await sendWebhook(call(smsUrl, smsMethod));
      } catch (error) {
        if (!smsFallbackUrl) throw error;
        log(`emulator: ${what} failed: ${errorText(error)}; trying its SmsFallbackUrl ${smsFallbackUrl}`);
        await sendWebhook(call(smsFallbackUrl, smsFallbackMethod)).catch((fallbackError: unknown) => {
          throw new Error(`and so did its SmsFallbackUrl: ${errorText(fallbackError)}`);
        });
      }
    });
  };

  store.onStatusChange((change) => {
    const target = change.message.statusCallback;
    if (target) {
      const params = callbackParams(account, change);
      track(`status callback for ${change.message.sid}`, () =>
        sendWebhook({ url: target, method: 'POST', params, authToken: account.authToken, timeoutMs: STATUS_CALLBACK_TIMEOUT_MS }),
      );
    }
    if (change.status === 'received' && change.message.direction === 'inbound') deliverInbound(change);
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
    numbers,
    handler,
    setSmsUrl: (smsUrl, setOptions) => numbers.setSmsUrl(smsUrl, setOptions),
    async start(port = 0, host = '127.0.0.1') {
      server = createServer((req, res) => {
        onRequest(req).then(
          (answer) => send(res, answer),
          (error: unknown) => {
            log(`emulator: internal error: ${errorText(error)}`);
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
