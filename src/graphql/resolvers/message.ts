/** Field resolvers of Message and Media: Twilio's wire JSON (the codegen mapper) translated field by field. */
import { isEventMessage } from '../event-messages.js';
import { GraphQLError } from 'graphql';
import type { MessageDirection, MessageResolvers, MediaResolvers, MessageStatus } from '../../__generated__/resolvers.js';
import { laterStatus } from '../../protocol/lifecycle.js';
import { parseRfc2822 } from '../../protocol/dates.js';
import type { WireMessageDirection, WireMessageStatus } from '../../protocol/wire.js';

/** Thrown by an exhaustive switch when Twilio sends a value this gateway does not know. */
function unknownValue(field: string, value: never): never {
  throw new GraphQLError(`Twilio sent an unknown ${field}: ${JSON.stringify(String(value).slice(0, 32))}`);
}

/** Twilio's status → the GraphQL enum. Exhaustive: a new Twilio status fails the type check and the tests. */
export function toMessageStatus(status: WireMessageStatus): MessageStatus {
  switch (status) {
    case 'queued': return 'QUEUED';
    case 'sending': return 'SENDING';
    case 'sent': return 'SENT';
    case 'failed': return 'FAILED';
    case 'delivered': return 'DELIVERED';
    case 'undelivered': return 'UNDELIVERED';
    case 'receiving': return 'RECEIVING';
    case 'received': return 'RECEIVED';
    case 'accepted': return 'ACCEPTED';
    case 'scheduled': return 'SCHEDULED';
    case 'read': return 'READ';
    case 'partially_delivered': return 'PARTIALLY_DELIVERED';
    case 'canceled': return 'CANCELED';
    default: return unknownValue('status', status);
  }
}

/** Twilio's direction → the GraphQL enum, exhaustively. */
export function toMessageDirection(direction: WireMessageDirection): MessageDirection {
  switch (direction) {
    case 'inbound': return 'INBOUND';
    case 'outbound-api': return 'OUTBOUND_API';
    case 'outbound-call': return 'OUTBOUND_CALL';
    case 'outbound-reply': return 'OUTBOUND_REPLY';
    default: return unknownValue('direction', direction);
  }
}

/** RFC 2822 (Twilio) → ISO 8601; null stays null. */
export function isoDate(rfc2822: string | null): string | null {
  if (rfc2822 === null) return null;
  const ms = parseRfc2822(rfc2822) ?? Date.parse(rfc2822);
  if (Number.isNaN(ms)) throw new GraphQLError('Twilio sent an unreadable date');
  return new Date(ms).toISOString();
}

function count(value: string | null): number {
  const n = Number(value ?? '0');
  return Number.isInteger(n) ? n : 0;
}

function required<T>(value: T | null, field: string): T {
  if (value === null) throw new GraphQLError(`Twilio sent no ${field}`);
  return value;
}

export const Message: MessageResolvers = {
  id: (m) => required(m.sid, 'sid'),
  sid: (m) => required(m.sid, 'sid'),
  accountSid: (m) => required(m.account_sid, 'account_sid'),
  messagingServiceSid: (m) => m.messaging_service_sid,
  from: (m) => m.from,
  to: (m) => required(m.to, 'to'),
  body: (m) => m.body,
  // A status callback may have told us more than Twilio's (eventually consistent) answer: take the later one.
  status: (m, _args, ctx) => {
    const wire = required(m.status, 'status');
    // An event's message has the event's status: a replayed `sent` event says SENT, even once delivered.
    if (isEventMessage(m)) return toMessageStatus(wire);
    const newest = (reported: WireMessageStatus | undefined) => toMessageStatus(reported ? laterStatus(wire, reported) : wire);
    const reported = m.sid ? ctx.services.statusBoard.get(m.sid) : undefined;
    // The in-memory board answers at once: no promise (and no extra tick) on this hot path.
    return reported instanceof Promise ? reported.then(newest) : newest(reported);
  },
  direction: (m) => toMessageDirection(required(m.direction, 'direction')),
  numSegments: (m) => count(m.num_segments),
  numMedia: (m) => count(m.num_media),
  price: (m) => (m.price === null ? null : { amount: m.price, currency: (m.price_unit ?? 'USD').toUpperCase() }),
  errorCode: (m) => m.error_code,
  errorMessage: (m) => m.error_message,
  dateCreated: (m) => required(isoDate(m.date_created), 'date_created'),
  dateUpdated: (m) => required(isoDate(m.date_updated), 'date_updated'),
  dateSent: (m) => isoDate(m.date_sent),
  media: (m, _args, ctx) => (count(m.num_media) === 0 || !m.sid ? [] : ctx.loaders.media.load(m.sid)),
};

export const Media: MediaResolvers = {
  id: (m) => `${required(m.parent_sid, 'parent_sid')}:${required(m.sid, 'sid')}`,
  sid: (m) => required(m.sid, 'sid'),
  parentSid: (m) => required(m.parent_sid, 'parent_sid'),
  contentType: (m) => required(m.content_type, 'content_type'),
  url: (m, _args, ctx) => ctx.services.mediaUrl(required(m.parent_sid, 'parent_sid'), required(m.sid, 'sid')),
  dateCreated: (m) => required(isoDate(m.date_created), 'date_created'),
};
