/** What the emulator keeps of a message, its media and feedback, and how new records are made. */
import { randomBytes } from 'node:crypto';
import { accountPath, type WireMessageDirection, type WireMessageStatus } from '../protocol/wire.js';
import type { MagicOutcome } from './magic.js';

/** One attached media file. */
export interface StoredMedia {
  sid: string;
  contentType: string;
  sourceUrl: string;
  dateCreated: number;
}

/** One feedback report. */
export interface StoredFeedback {
  outcome: 'confirmed' | 'unconfirmed';
  dateCreated: number;
  dateUpdated: number;
}

/** A message as the emulator keeps it; rendered to Twilio's JSON by the handler. */
export interface StoredMessage {
  /** Insertion order: the list sort key (newest first) and what page tokens point at. */
  seq: number;
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  from: string | null;
  to: string;
  body: string;
  status: WireMessageStatus;
  direction: WireMessageDirection;
  numSegments: number;
  price: number | null;
  priceUnit: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  statusCallback: string | null;
  media: StoredMedia[];
  feedback: StoredFeedback | null;
  /** Status changes still to come, earliest first. */
  plan: Array<{ at: number; status: WireMessageStatus }>;
  outcome: MagicOutcome | null;
}

/** A status change, as status callbacks report it. */
export interface StatusChange {
  message: Readonly<StoredMessage>;
  status: WireMessageStatus;
}

/** What a caller asks to send; already validated by the handler. */
export interface OutboundRequest {
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: readonly string[];
  statusCallback: string | null;
  /** When set (with a Messaging Service), the message waits as `scheduled` until then. */
  sendAt: number | null;
  sendAsMms: boolean;
}

/** An inbound message to inject, as if a handset had texted one of the account's numbers. */
export interface InboundRequest {
  accountSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls?: readonly string[];
}

/** Makes a Twilio SID: a two-letter prefix and 32 lowercase hex characters. */
export function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** The media content type Twilio would detect, guessed here from the URL's extension. */
export function contentTypeOf(url: string): string {
  const ext = /\.([a-z0-9]+)(?:$|[?#])/i.exec(url)?.[1]?.toLowerCase();
  const types: Record<string, string> = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
    mp4: 'video/mp4', mp3: 'audio/mpeg', ogg: 'audio/ogg', pdf: 'application/pdf', vcf: 'text/vcard', txt: 'text/plain',
  };
  return (ext && types[ext]) || 'image/jpeg';
}

/** Media records for the URLs a message was sent or received with. */
export function mediaFrom(urls: readonly string[], at: number): StoredMedia[] {
  return urls.map((url, i) => ({ sid: newSid('ME'), contentType: contentTypeOf(url), sourceUrl: url, dateCreated: at + i }));
}

type MessageFields = Pick<StoredMessage, 'sid' | 'accountSid' | 'from' | 'to' | 'body' | 'status' | 'direction' | 'numSegments'> &
  Partial<StoredMessage>;

/** A new message at `now`: not priced, not sent, no error, nothing planned, unless `fields` say otherwise. */
export function newMessage(now: number, fields: MessageFields): StoredMessage {
  return {
    seq: 0,
    messagingServiceSid: null,
    price: null,
    priceUnit: 'USD',
    errorCode: null,
    errorMessage: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
    statusCallback: null,
    media: [],
    feedback: null,
    plan: [],
    outcome: null,
    ...fields,
  };
}

/** The paths a message's JSON links to. */
export function messageUri(accountSid: string, sid: string): string {
  return `${accountPath(accountSid)}/Messages/${sid}.json`;
}
