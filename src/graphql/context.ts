/**
 * The per-request context: the data source and its DataLoaders, made fresh for every GraphQL request
 * (DataLoader's cache is per request by design), and who is calling.
 */
import DataLoader from 'dataloader';
import { CallBudget } from './cost.js';
import type { State } from '../state/memory.js';
import type { EventMessages } from './event-messages.js';
import type { StatusPoller } from './status-poller.js';
import type { TwilioHttp } from '../twilio/http.js';
import { TwilioMessages } from '../twilio/messages.js';
import type { WireMedia, WireMessage } from '../protocol/wire.js';

/** The DataLoaders of one request. */
export interface Loaders {
  /** Messages by SID (null when Twilio has none): one fetch per distinct SID per request. */
  message: DataLoader<string, WireMessage | null>;
  /** A message's media by message SID: one list call per message per request. */
  media: DataLoader<string, WireMedia[]>;
}

/** The authenticated caller. */
export interface Caller {
  /** A stable identifier: the API key's name or the JWT subject; `anonymous` when auth is off. */
  id: string;
  /** When the caller's credentials stop being valid (a JWT's `exp`), in ms since the epoch; a long-lived socket ends then. */
  expiresAt?: number;
}

/** What the resolvers share across requests: the upstream, the state, and how media are linked. */
export interface Services extends State {
  upstream: TwilioHttp;
  /** The message behind each recent event, fetched once for all subscribers. */
  eventMessages: EventMessages;
  /** Asks Twilio about watched messages when no callback comes. */
  statusPoller: StatusPoller;
  /** Where Twilio can post status callbacks to this gateway, when it can (PUBLIC_URL, or an embedded emulator); else null. */
  statusCallbackUrl(): string | null;
  /** The signed, expiring URL under which the gateway serves a media item's content. */
  mediaUrl(messageSid: string, mediaSid: string): string;
}

/** What every resolver receives. */
export interface GatewayContext {
  twilio: TwilioMessages;
  /** The request's budget of upstream calls; every call of `twilio` takes from it. */
  budget: CallBudget;
  loaders: Loaders;
  caller: Caller;
  services: Services;
}

/**
 * Twilio has no batch endpoints, so the loaders do not batch (a batch would only become parallel single
 * calls after an extra tick); what they give is the per-request cache: each key is fetched once per
 * request however many resolvers ask for it, concurrently or not.
 */
const NO_BATCH = { batch: false } as const;
const one = <V>(load: (key: string) => Promise<V>): DataLoader.BatchLoadFn<string, V> => (keys) => Promise.all([load(keys[0]!)]);

/** Builds the context of one request, with a budget of `maxUpstreamCalls` Twilio calls. */
export function createContext(services: Services, caller: Caller, maxUpstreamCalls: number): GatewayContext {
  const budget = new CallBudget(maxUpstreamCalls);
  const twilio = new TwilioMessages(services.upstream, { beforeAttempt: () => budget.take(), lane: `caller:${caller.id}` });
  // Made on first use: most operations need one loader or none.
  let message: Loaders['message'] | undefined;
  let media: Loaders['media'] | undefined;
  // A subscription (no budget: it lives long) executes once per event: a cache would keep every event's
  // answers for as long as the subscriber stays, and hide changes.
  const options = Number.isFinite(maxUpstreamCalls) ? NO_BATCH : { ...NO_BATCH, cache: false };
  return {
    twilio,
    budget,
    caller,
    services,
    loaders: {
      get message() {
        return (message ??= new DataLoader(one((sid) => twilio.fetchMessage(sid)), options));
      },
      get media() {
        return (media ??= new DataLoader(one((sid) => twilio.listMedia(sid)), options));
      },
    },
  };
}

/** Puts messages that came from a list or a mutation into the loader, so a later lookup costs no call. */
export function primeMessages(loaders: Loaders, messages: readonly WireMessage[]): void {
  for (const message of messages) {
    if (message.sid) loaders.message.clear(message.sid).prime(message.sid, message);
  }
}
