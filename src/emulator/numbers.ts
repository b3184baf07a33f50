/**
 * The account's phone numbers (Twilio's IncomingPhoneNumbers) and where each sends the messages it receives:
 * its `SmsUrl`, called with `SmsMethod`, and `SmsFallbackUrl` when that fails. A fresh emulator owns the
 * numbers it sends from ({@link SEED_NUMBER}, +15005550006).
 */
import { isE164 } from '../protocol/phone.js';
import type { WireWebhookMethod } from '../protocol/incoming-number.js';
import { httpUrl } from '../protocol/wire.js';
import type { Clock } from './clock.js';
import { newSid } from './records.js';
import { SEED_NUMBER } from './seed.js';

/** How long before the emulator started its numbers were bought: older than any seed message. */
const OWNED_FOR_MS = 30 * 86_400_000;

/** A number as the emulator keeps it; rendered to Twilio's JSON by numbers-api.ts. */
export interface StoredNumber {
  /** Insertion order: the list sort key (newest first) and what page tokens point at. */
  seq: number;
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  /** `''` when unset, as Twilio renders it. */
  smsUrl: string;
  smsMethod: WireWebhookMethod;
  smsFallbackUrl: string;
  smsFallbackMethod: WireWebhookMethod;
  statusCallback: string;
  statusCallbackMethod: WireWebhookMethod;
  /** `null` until set, as Twilio renders it. */
  voiceUrl: string | null;
  voiceMethod: WireWebhookMethod;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: WireWebhookMethod;
  voiceCallerIdLookup: boolean;
  dateCreated: number;
  dateUpdated: number;
}

/** The fields an update may change. */
export type NumberChanges = Partial<Omit<StoredNumber, 'seq' | 'sid' | 'accountSid' | 'phoneNumber' | 'dateCreated' | 'dateUpdated'>>;

/** Twilio's default friendly name: `(500) 555-0006` for a North American number, else the number itself. */
export function defaultFriendlyName(phoneNumber: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phoneNumber);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : phoneNumber;
}

/** True for a webhook URL Twilio takes on a number: an absolute http(s) URL. */
export function isWebhookUrl(value: string): boolean {
  return httpUrl(value) !== null;
}

/** The account's numbers. */
export class PhoneNumbers {
  private readonly bySid = new Map<string, StoredNumber>();
  private nextSeq = 1;

  /** Starts with `phoneNumbers` (E.164), bought 30 days before now. */
  constructor(
    readonly accountSid: string,
    private readonly clock: Clock,
    phoneNumbers: readonly string[] = [SEED_NUMBER],
  ) {
    for (const phoneNumber of phoneNumbers) this.add(phoneNumber, clock.now() - OWNED_FOR_MS);
  }

  /** Adds a number to the account; throws for a number that is not E.164 or already owned. */
  add(phoneNumber: string, at: number = this.clock.now()): StoredNumber {
    if (!isE164(phoneNumber)) throw new Error(`emulator: ${phoneNumber} is not an E.164 phone number`);
    if (this.byPhoneNumber(phoneNumber)) throw new Error(`emulator: ${phoneNumber} is already one of the account's numbers`);
    const number: StoredNumber = {
      seq: this.nextSeq++,
      sid: newSid('PN'),
      accountSid: this.accountSid,
      phoneNumber,
      friendlyName: defaultFriendlyName(phoneNumber),
      smsUrl: '',
      smsMethod: 'POST',
      smsFallbackUrl: '',
      smsFallbackMethod: 'POST',
      statusCallback: '',
      statusCallbackMethod: 'POST',
      voiceUrl: null,
      voiceMethod: 'POST',
      voiceFallbackUrl: null,
      voiceFallbackMethod: 'POST',
      voiceCallerIdLookup: false,
      dateCreated: at,
      dateUpdated: at,
    };
    this.bySid.set(number.sid, number);
    return number;
  }

  /** The numbers, newest first. */
  list(): StoredNumber[] {
    return [...this.bySid.values()].reverse();
  }

  /** The number with this SID. */
  get(sid: string): StoredNumber | undefined {
    return this.bySid.get(sid);
  }

  /** The number with this E.164 value. */
  byPhoneNumber(phoneNumber: string): StoredNumber | undefined {
    return [...this.bySid.values()].find((n) => n.phoneNumber === phoneNumber);
  }

  /** The number a message to `address` reaches: the number itself, or the number behind `whatsapp:+…`. */
  receiving(address: string): StoredNumber | undefined {
    return this.byPhoneNumber(address.replace(/^whatsapp:/, ''));
  }

  /** Applies already validated changes and marks the number updated. */
  update(number: StoredNumber, changes: NumberChanges): StoredNumber {
    Object.assign(number, changes, { dateUpdated: this.clock.now() });
    return number;
  }

  /** Releases a number: it leaves the account. */
  release(sid: string): boolean {
    return this.bySid.delete(sid);
  }

  /**
   * Points incoming messages at `url` (`null` or `''`: nowhere) with `method`, for the number `phoneNumber`,
   * or for every number when it is omitted; throws for a URL that is not absolute http(s) or an unknown number.
   */
  setSmsUrl(url: string | null, options: { phoneNumber?: string; method?: WireWebhookMethod } = {}): void {
    const smsUrl = url ?? '';
    if (smsUrl !== '' && !isWebhookUrl(smsUrl)) throw new Error(`emulator: SmsUrl ${smsUrl} is not an absolute http(s) URL`);
    const method = options.method ?? 'POST';
    if (method !== 'GET' && method !== 'POST') throw new Error(`emulator: SmsMethod ${String(method)} is neither GET nor POST`);
    const targets = options.phoneNumber === undefined ? this.list() : [this.byPhoneNumber(options.phoneNumber)];
    for (const number of targets) {
      if (!number) throw new Error(`emulator: ${options.phoneNumber} is not one of the account's numbers`);
      this.update(number, { smsUrl, smsMethod: method });
    }
  }
}
