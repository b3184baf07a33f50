/**
 * Reads shared across requests and callers (one account per process, so one caller's answer is every
 * caller's answer):
 * - **coalescing**: identical reads (same path and query) in flight at the same time are one upstream call;
 * - **a short-lived cache** of answers, invalidated by what the gateway hears about a message (its own
 *   mutations, verified webhooks, its polls), so an answer is at most `ttlMs` old only for changes the gateway
 *   was never told about. A message's media, which do not change, are kept until the message is deleted.
 * A read in flight when its message is invalidated is neither joined nor cached afterwards: it may have left
 * Twilio before the change.
 */
import { Lanes } from './limiter.js';

/** Runs before each upstream attempt made for one caller; throwing refuses it for that caller (as the data source's seam does). */
type BeforeAttempt = () => void;
/** Makes the read: `before` runs before each attempt; the read waits for a slot in any of `lanes`. */
type Load = (before: BeforeAttempt, lanes: Lanes) => Promise<Loaded>;

/** What a read loaded: the parsed answer and the size of its body (the cache is bounded in bytes). */
export interface Loaded {
  value: unknown;
  bytes: number;
}

/** How reads are shared. */
export interface SharedReadsOptions {
  /** How long an answer is served from the cache; 0 turns the cache off (media included). */
  ttlMs: number;
  /** Identical reads in flight together are one call. */
  coalescing: boolean;
  /** How long a message's media are kept (they change only when the message is deleted). */
  mediaTtlMs?: number;
  /** Bytes of answers the cache holds at most; the oldest go first. */
  maxBytes?: number;
}

/** One who asked for a read in flight, charged once per attempt the read makes while it waits. */
interface Participant {
  before: BeforeAttempt;
  charged: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Flight {
  participants: Set<Participant>;
  /** The lanes of everyone waiting for it: it takes the first slot any of them is given. */
  lanes: Lanes;
  /** Attempts the read has started. */
  attempts: number;
  /** Invalidated while in flight: its answer goes to those waiting for it and nowhere else. */
  stale: boolean;
  /** Nobody is left waiting: it will not be made, and nobody may join it. */
  abandoned: boolean;
}

interface Entry {
  value: unknown;
  bytes: number;
  expires: number;
}

/** Every participant left (their requests ended or ran out of budget): the read is not made. */
class Abandoned extends Error {}

const LIST = 'Messages.json';
/** The sid of a message path (`Messages/{sid}.json`, `Messages/{sid}/Media…`), or null for a list. */
const MESSAGE = /^Messages\/([^/?]+)(\.json|\/Media)/;
const DEFAULT_MEDIA_TTL_MS = 24 * 3_600_000;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class SharedReads {
  /** Every read in flight by key, shared or not: an invalidation must reach each of them. */
  private readonly flights = new Map<string, Set<Flight>>();
  /** Insertion order is age order: a hit does not refresh an entry (its data is only as new as its fetch). */
  private readonly entries = new Map<string, Entry>();
  /** Keys of cached lists: any change to any message may change a list. */
  private readonly lists = new Set<string>();
  /** Keys of cached answers about each message, so that forgetting one does not scan the cache. */
  private readonly bySid = new Map<string, Set<string>>();
  private bytes = 0;
  private readonly mediaTtlMs: number;
  private readonly maxBytes: number;
  /** Answers given from the cache, and reads that joined one in flight (for tests and the benchmark). */
  readonly counts = { hits: 0, joined: 0 };

  constructor(
    private readonly options: SharedReadsOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.mediaTtlMs = options.mediaTtlMs ?? DEFAULT_MEDIA_TTL_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /**
   * The answer to the read `key` (a path under the account and its query): from the cache when `cached` and
   * fresh, else from the read in flight, else from `load`. `before` runs before each upstream attempt the read
   * makes while this caller waits for it; when it throws, this caller gets that error and the read goes on for
   * the others (or is dropped when nobody is left).
   */
  read(key: string, cached: boolean, before: BeforeAttempt, lane: string, load: Load): Promise<unknown> {
    if (cached && this.options.ttlMs > 0) {
      const entry = this.entries.get(key);
      if (entry && entry.expires > this.now()) {
        this.counts.hits++;
        return Promise.resolve(entry.value);
      }
    }
    return new Promise((resolve, reject) => {
      const p: Participant = { before, charged: 0, resolve, reject };
      const flight = this.joinable(key);
      if (flight) {
        this.counts.joined++;
        flight.participants.add(p);
        flight.lanes.add(lane);
        // Joining a read already sent costs this caller that attempt too, as if it had made it.
        if (flight.attempts > 0) this.charge(flight, p);
      } else {
        this.launch(key, p, lane, load);
      }
    });
  }

  /** Something about message `sid` changed (null: a message may have been added): its answers and every list's are out of date. */
  invalidate(sid: string | null): void {
    if (sid !== null) this.drop(messageKey(sid));
    for (const key of [...this.lists]) this.drop(key);
    for (const [key, flights] of this.flights) {
      if ((sid !== null && key === messageKey(sid)) || isList(key)) for (const flight of flights) flight.stale = true;
    }
  }

  /** Message `sid` is gone: everything known of it, media included. */
  forget(sid: string): void {
    this.invalidate(sid);
    for (const key of [...(this.bySid.get(sid) ?? [])]) this.drop(key);
    for (const [key, flights] of this.flights) if (sidOf(key) === sid) for (const flight of flights) flight.stale = true;
  }

  /** The read of `key` in flight that a newcomer may wait for, if reads are shared. */
  private joinable(key: string): Flight | undefined {
    if (!this.options.coalescing) return undefined;
    for (const flight of this.flights.get(key) ?? []) if (!flight.stale && !flight.abandoned) return flight;
    return undefined;
  }

  /** Starts the read with its first participant (who may be charged at once: the first attempt can start in this tick). */
  private launch(key: string, first: Participant, lane: string, load: Load): void {
    const flight: Flight = { participants: new Set([first]), lanes: new Lanes(lane), attempts: 0, stale: false, abandoned: false };
    const inFlight = this.flights.get(key);
    if (inFlight) inFlight.add(flight);
    else this.flights.set(key, new Set([flight]));
    const before: BeforeAttempt = () => {
      flight.attempts++;
      for (const p of flight.participants) this.charge(flight, p);
      if (flight.participants.size === 0) {
        flight.abandoned = true;
        throw new Abandoned();
      }
    };
    load(before, flight.lanes).then(
      (loaded) => {
        this.settle(key, flight);
        if (!flight.stale) this.store(key, loaded);
        for (const p of flight.participants) p.resolve(loaded.value);
      },
      (error: unknown) => {
        this.settle(key, flight);
        for (const p of flight.participants) p.reject(error);
      },
    );
  }

  /** Runs a participant's `before` for the flight's current attempt; one that refuses leaves with its error. */
  private charge(flight: Flight, p: Participant): void {
    if (p.charged >= flight.attempts) return;
    p.charged = flight.attempts;
    try {
      p.before();
    } catch (error) {
      flight.participants.delete(p);
      p.reject(error);
    }
  }

  private settle(key: string, flight: Flight): void {
    const flights = this.flights.get(key);
    flights?.delete(flight);
    if (flights?.size === 0) this.flights.delete(key);
  }

  private store(key: string, loaded: Loaded): void {
    if (this.options.ttlMs <= 0 || loaded.bytes > this.maxBytes / 4) return;
    // A message's media do not change, except an MMS's, which may not be listed yet just after it is created.
    const media = isMedia(key) && !isEmptyMediaList(loaded.value);
    this.drop(key);
    this.entries.set(key, { value: loaded.value, bytes: loaded.bytes, expires: this.now() + (media ? this.mediaTtlMs : this.options.ttlMs) });
    this.bytes += loaded.bytes;
    if (isList(key)) this.lists.add(key);
    const sid = sidOf(key);
    if (sid !== null) {
      const keys = this.bySid.get(sid);
      if (keys) keys.add(key);
      else this.bySid.set(sid, new Set([key]));
    }
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.lists.delete(key);
    this.bytes -= entry.bytes;
    const sid = sidOf(key);
    const keys = sid === null ? undefined : this.bySid.get(sid);
    keys?.delete(key);
    if (keys?.size === 0) this.bySid.delete(sid!);
  }
}

/** The cache key of a read: its path under the account and its query. */
export function readKey(path: string, query: URLSearchParams | undefined): string {
  const q = query?.toString();
  return q ? `${path}?${q}` : path;
}

const messageKey = (sid: string): string => `Messages/${encodeURIComponent(sid)}.json`;
const isList = (key: string): boolean => key === LIST || key.startsWith(`${LIST}?`);
const isMedia = (key: string): boolean => MESSAGE.exec(key)?.[2] === '/Media';
const isEmptyMediaList = (value: unknown): boolean => (value as { media_list?: unknown[] } | null)?.media_list?.length === 0;
const sidOf = (key: string): string | null => {
  const sid = MESSAGE.exec(key)?.[1];
  return sid === undefined ? null : decodeURIComponent(sid);
};
