/**
 * The emulator's state: messages, their media and feedback, and the lifecycle that moves each message
 * through Twilio's statuses. Time comes from an injected clock and moves only when
 * `tick()` runs, so tests drive the lifecycle without sleeping.
 */
import { estimatedPrice, segmentsOf } from '../protocol/segments.js';
import { FINAL_STATUSES } from '../protocol/lifecycle.js';
import type { WireMessageStatus } from '../protocol/wire.js';
import { systemClock, type Clock } from './clock.js';
import { MAGIC_OUTCOME } from './magic.js';
import { mediaFrom, newMessage, newSid, type InboundRequest, type OutboundRequest, type StatusChange, type StoredMessage } from './records.js';

/** Options of the store. */
export interface StoreOptions {
  clock?: Clock;
  /** Time from creation to a final status, in ms (default 5000). */
  deliveryMs?: number;
  /** How many messages are kept at most; past it the oldest finished ones go first (default 10000). */
  maxMessages?: number;
}

/** The sender a Messaging Service picks from its pool. */
const SERVICE_POOL_NUMBER = '+15005550006';

/** The emulator's messages and their lifecycle. */
export class MessageStore {
  readonly clock: Clock;
  readonly deliveryMs: number;
  readonly maxMessages: number;
  private readonly bySid = new Map<string, StoredMessage>();
  /** Messages with status changes still planned: all that `tick()` needs to look at. */
  private readonly active = new Set<StoredMessage>();
  private nextSeq = 1;
  private readonly listeners: Array<(change: StatusChange) => void> = [];

  constructor(options: StoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.deliveryMs = options.deliveryMs ?? 5000;
    this.maxMessages = options.maxMessages ?? 10_000;
  }

  /** Registers a listener for every status change the lifecycle makes (not the initial status). */
  onStatusChange(listener: (change: StatusChange) => void): void {
    this.listeners.push(listener);
  }

  /** How many messages are stored. */
  get size(): number {
    return this.bySid.size;
  }

  /** Creates an outbound message and plans its lifecycle. */
  createOutbound(req: OutboundRequest): StoredMessage {
    const now = this.clock.now();
    const viaService = req.messagingServiceSid !== null && req.from === null;
    const message = newMessage(now, {
      sid: newSid(req.mediaUrls.length > 0 || req.sendAsMms ? 'MM' : 'SM'),
      accountSid: req.accountSid,
      messagingServiceSid: req.messagingServiceSid,
      from: req.from,
      to: req.to,
      body: req.body,
      status: req.sendAt !== null ? 'scheduled' : viaService ? 'accepted' : 'queued',
      direction: 'outbound-api',
      numSegments: viaService ? 0 : segmentsOf(req.body).segments,
      statusCallback: req.statusCallback,
      media: mediaFrom(req.mediaUrls, now),
      outcome: MAGIC_OUTCOME[req.to] ?? null,
    });
    message.plan = this.planDelivery(message, req.sendAt ?? now);
    return this.insert(message);
  }

  /** Stores an inbound message (`receiving`, then `received` shortly after). */
  injectInbound(req: InboundRequest): StoredMessage {
    const now = this.clock.now();
    const mediaUrls = req.mediaUrls ?? [];
    const message = newMessage(now, {
      sid: newSid(mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid: req.accountSid,
      from: req.from,
      to: req.to,
      body: req.body,
      status: 'receiving',
      direction: 'inbound',
      numSegments: segmentsOf(req.body).segments,
      dateSent: now,
      media: mediaFrom(mediaUrls, now),
      plan: [{ at: now + Math.round(this.deliveryMs * 0.1), status: 'received' }],
    });
    return this.insert(message);
  }

  /** Stores a finished message as it was at `at`: for seed data. */
  insertHistoric(fields: Omit<StoredMessage, 'seq' | 'plan' | 'outcome' | 'feedback'>): StoredMessage {
    return this.insert(newMessage(fields.dateCreated, fields));
  }

  /** The message with this SID in this account. */
  get(accountSid: string, sid: string): StoredMessage | undefined {
    const message = this.bySid.get(sid);
    return message && message.accountSid === accountSid ? message : undefined;
  }

  /** The account's messages, newest first. */
  list(accountSid: string): StoredMessage[] {
    const out: StoredMessage[] = [];
    const all = [...this.bySid.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const message = all[i]!;
      if (message.accountSid === accountSid) out.push(message);
    }
    return out;
  }

  /** Removes a message with its media and feedback. */
  delete(sid: string): void {
    const message = this.bySid.get(sid);
    if (message) this.active.delete(message);
    this.bySid.delete(sid);
  }

  /** Cancels a scheduled message: no further status changes. */
  cancel(message: StoredMessage): void {
    message.plan = [];
    this.active.delete(message);
    this.setStatus(message, 'canceled', this.clock.now());
    message.from = null;
    message.dateSent = null;
  }

  /** Marks a change made through the API (redaction, feedback). */
  touch(message: StoredMessage): void {
    message.dateUpdated = this.clock.now();
  }

  /** Applies every planned status change that is due by the clock, in time order, and notifies listeners. */
  tick(): void {
    const now = this.clock.now();
    for (const message of this.active) {
      while (message.plan.length > 0 && message.plan[0]!.at <= now) {
        const step = message.plan.shift()!;
        this.apply(message, step.status, step.at);
      }
      if (message.plan.length === 0) this.active.delete(message);
    }
  }

  private insert(message: StoredMessage): StoredMessage {
    message.seq = this.nextSeq++;
    this.bySid.set(message.sid, message);
    if (message.plan.length > 0) this.active.add(message);
    this.evict();
    return message;
  }

  /** Keeps the store under its cap: the oldest finished messages go first, then the oldest of any. */
  private evict(): void {
    if (this.bySid.size <= this.maxMessages) return;
    for (const [sid, message] of this.bySid) {
      if (this.bySid.size <= this.maxMessages) return;
      if (FINAL_STATUSES.has(message.status)) this.delete(sid);
    }
    for (const sid of this.bySid.keys()) {
      if (this.bySid.size <= this.maxMessages) return;
      this.delete(sid);
    }
  }

  /**
   * The status changes of an outbound message from `start`: through the Messaging Service's `accepted`
   * or the schedule's `scheduled` to `queued`, then `sending`, `sent` and the final status.
   */
  private planDelivery(message: StoredMessage, start: number): StoredMessage['plan'] {
    const at = (fraction: number): number => start + Math.round(this.deliveryMs * fraction);
    const plan: StoredMessage['plan'] = [];
    if (message.status === 'scheduled' || message.status === 'accepted') plan.push({ at: at(0.1), status: 'queued' });
    if (message.outcome?.status === 'failed') {
      plan.push({ at: at(0.2), status: 'failed' });
      return plan;
    }
    plan.push({ at: at(0.2), status: 'sending' }, { at: at(0.4), status: 'sent' });
    plan.push({ at: at(1), status: message.outcome?.status ?? 'delivered' });
    if (!message.outcome && message.to.startsWith('whatsapp:')) plan.push({ at: at(1.2), status: 'read' });
    return plan;
  }

  private apply(message: StoredMessage, status: WireMessageStatus, at: number): void {
    if (status === 'queued' && message.from === null) {
      message.from = SERVICE_POOL_NUMBER;
      message.numSegments = segmentsOf(message.body).segments;
    }
    if (status === 'sent') {
      message.dateSent = at;
      message.price = Number(estimatedPrice(message.numSegments, message.media.length > 0));
    }
    if ((status === 'failed' || status === 'undelivered') && message.outcome) {
      message.errorCode = message.outcome.errorCode;
      message.errorMessage = message.outcome.errorMessage;
      if (status === 'failed') message.price = 0;
    }
    this.setStatus(message, status, at);
  }

  private setStatus(message: StoredMessage, status: WireMessageStatus, at: number): void {
    message.status = status;
    message.dateUpdated = at;
    for (const listener of this.listeners) listener({ message, status });
  }
}

