/** Seed data, so that a first query against a fresh emulator shows something. */
import { estimatedPrice, segmentsOf } from '../protocol/segments.js';
import { mediaFrom, newSid } from './records.js';
import { type MessageStore } from './store.js';

const HOUR = 3_600_000;
/** The emulator's own number, which seed messages are sent from and to. */
export const SEED_NUMBER = '+15005550006';

/** Adds a few finished messages: outbound and inbound, some with media, spread over the last day. */
export function seedMessages(store: MessageStore, accountSid: string): void {
  const now = store.clock.now();
  const seeds = [
    { hoursAgo: 26, direction: 'outbound-api', to: '+14155550101', body: 'Your order #1042 has shipped.', media: [] },
    { hoursAgo: 20, direction: 'inbound', to: SEED_NUMBER, from: '+14155550101', body: 'Thanks! Is there a tracking link?', media: [] },
    { hoursAgo: 19, direction: 'outbound-reply', to: '+14155550101', body: 'Here is your parcel, ready for pickup.', media: ['https://demo.twilio.com/owl.png'] },
    { hoursAgo: 6, direction: 'outbound-api', to: '+14155550102', body: 'Your verification code is 481516', media: [], undelivered: true },
    { hoursAgo: 3, direction: 'inbound', to: SEED_NUMBER, from: '+14155550103', body: 'Photo of the damaged box attached', media: ['https://demo.twilio.com/box.jpg', 'https://demo.twilio.com/label.jpg'] },
    { hoursAgo: 1, direction: 'outbound-api', to: 'whatsapp:+14155550104', body: 'Your appointment is confirmed for tomorrow at 10:00 ✅', media: [] },
  ] as const;
  for (const seed of seeds) {
    const at = now - seed.hoursAgo * HOUR;
    const inbound = seed.direction === 'inbound';
    const segments = segmentsOf(seed.body).segments;
    const undelivered = 'undelivered' in seed;
    store.insertHistoric({
      sid: newSid(seed.media.length > 0 ? 'MM' : 'SM'),
      accountSid,
      messagingServiceSid: null,
      from: inbound && 'from' in seed ? seed.from : seed.to.startsWith('whatsapp:') ? `whatsapp:${SEED_NUMBER}` : SEED_NUMBER,
      to: seed.to,
      body: seed.body,
      status: inbound ? 'received' : undelivered ? 'undelivered' : seed.to.startsWith('whatsapp:') ? 'read' : 'delivered',
      direction: seed.direction,
      numSegments: segments,
      price: Number(estimatedPrice(segments, seed.media.length > 0)),
      priceUnit: 'USD',
      errorCode: undelivered ? 30003 : null,
      errorMessage: undelivered ? 'Unreachable destination handset' : null,
      dateCreated: at,
      dateUpdated: at + 5000,
      dateSent: at + 1000,
      statusCallback: null,
      media: mediaFrom(seed.media, at),
    });
  }
}
