/** Renders stored state as Twilio's JSON: every key present, RFC 2822 dates, string counts, negative string prices. */
import { toRfc2822 } from '../protocol/dates.js';
import { accountPath, API_VERSION, type WireFeedback, type WireMedia, type WireMessage } from '../protocol/wire.js';
import { messageUri, type StoredMedia, type StoredMessage } from './records.js';

/** A message as Twilio returns it. */
export function renderMessage(m: StoredMessage): WireMessage {
  const base = `${accountPath(m.accountSid)}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: toRfc2822(m.dateCreated),
    date_sent: m.dateSent === null ? null : toRfc2822(m.dateSent),
    date_updated: toRfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.media.length),
    num_segments: String(m.numSegments),
    price: m.price === null ? null : m.price.toFixed(5),
    price_unit: m.priceUnit,
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: messageUri(m.accountSid, m.sid),
  };
}

/** A media resource as Twilio returns it. */
export function renderMedia(m: StoredMessage, media: StoredMedia): WireMedia {
  return {
    account_sid: m.accountSid,
    content_type: media.contentType,
    date_created: toRfc2822(media.dateCreated),
    date_updated: toRfc2822(media.dateCreated),
    parent_sid: m.sid,
    sid: media.sid,
    uri: `${accountPath(m.accountSid)}/Messages/${m.sid}/Media/${media.sid}.json`,
  };
}

/** A feedback resource as Twilio returns it. */
export function renderFeedback(m: StoredMessage): WireFeedback {
  const f = m.feedback;
  return {
    account_sid: m.accountSid,
    message_sid: m.sid,
    outcome: f?.outcome ?? null,
    date_created: f ? toRfc2822(f.dateCreated) : null,
    date_updated: f ? toRfc2822(f.dateUpdated) : null,
    uri: `${accountPath(m.accountSid)}/Messages/${m.sid}/Feedback.json`,
  };
}
