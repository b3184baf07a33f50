/** The emulator's handler and store without sockets: lifecycle on a manual clock, encoding, paging, limits, media. */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { createHandler, type EmulatorRequest } from '../../src/emulator/handler.js';
import { segmentsOf } from '../../src/protocol/segments.js';
import { DEFAULT_ACCOUNT } from '../../src/config.js';
import { ManualClock } from '../../src/emulator/clock.js';
import { type StatusChange } from '../../src/emulator/records.js';
import { MessageStore } from '../../src/emulator/store.js';
import { parseFilterDate, parseRfc2822, toRfc2822 } from '../../src/protocol/dates.js';
import type { WireMessage, WireMessagePage } from '../../src/protocol/wire.js';
import type { WireIncomingPhoneNumber, WireIncomingPhoneNumberPage } from '../../src/protocol/incoming-number.js';
import { defaultFriendlyName, PhoneNumbers } from '../../src/emulator/numbers.js';
import { countryOf, inboundParams, withQuery } from '../../src/emulator/webhooks.js';
import { newMessage } from '../../src/emulator/records.js';

const A = DEFAULT_ACCOUNT;
const AUTH = `Basic ${Buffer.from(`${A.accountSid}:${A.authToken}`).toString('base64')}`;
const BASE = `/2010-04-01/Accounts/${A.accountSid}`;

function setup(options: { maxMessages?: number; phoneNumbers?: string[] } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const store = new MessageStore({ clock, maxMessages: options.maxMessages });
  const numbers = options.phoneNumbers ? new PhoneNumbers(A.accountSid, clock, options.phoneNumbers) : undefined;
  const handler = createHandler(store, A, { numbers });
  const call = (method: string, url: string, form?: Record<string, string | string[]>, auth = AUTH) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const one of [v].flat()) body.append(k, one);
    const req: EmulatorRequest = { method, url, headers: { authorization: auth }, body: body.toString() };
    const res = handler.handle(req);
    const text = res.body.toString();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: res.headers };
  };
  const send = (form: Record<string, string | string[]>) => call('POST', `${BASE}/Messages.json`, { From: '+15005550006', ...form });
  return { clock, store, handler, call, send };
}

describe('emulator lifecycle (manual clock, no sleeps)', () => {
  it('moves queued → sending → sent → delivered at 20%, 40% and 100% of deliveryMs', () => {
    const { clock, store, call, send } = setup();
    const changes: StatusChange['status'][] = [];
    store.onStatusChange((c) => changes.push(c.status));
    const sid = (send({ To: '+14155550100', Body: 'hi' }).json as unknown as WireMessage).sid!;
    const status = () => (call('GET', `${BASE}/Messages/${sid}.json`).json as unknown as WireMessage).status;
    expect(status()).toBe('queued');
    clock.advance(1000);
    expect(status()).toBe('sending');
    clock.advance(1000);
    expect(status()).toBe('sent');
    clock.advance(2999);
    expect(status()).toBe('sent');
    clock.advance(1);
    expect(status()).toBe('delivered');
    expect(changes).toEqual(['sending', 'sent', 'delivered']);
  });

  it('fails a magic failing number from queued, with its error code and no charge', () => {
    const { clock, call, send } = setup();
    const sid = (send({ To: '+15005550014', Body: 'hi' }).json as unknown as WireMessage).sid!;
    clock.advance(5000);
    const m = call('GET', `${BASE}/Messages/${sid}.json`).json as unknown as WireMessage;
    expect([m.status, m.error_code, m.price]).toEqual(['failed', 30034, '0.00000']);
  });

  it('ends WhatsApp messages as read', () => {
    const { clock, call, send } = setup();
    const sid = (send({ To: 'whatsapp:+14155550100', From: 'whatsapp:+15005550006', Body: 'hi' }).json as unknown as WireMessage).sid!;
    clock.advance(6000);
    expect((call('GET', `${BASE}/Messages/${sid}.json`).json as unknown as WireMessage).status).toBe('read');
  });

  it('injects inbound messages through /emulator/inbound, receiving then received', () => {
    const { clock, call } = setup();
    const created = call('POST', '/emulator/inbound', { From: '+14155550111', To: '+15005550006', Body: 'STOP', MediaUrl: 'https://e.com/p.jpg' });
    expect(created.status).toBe(201);
    const m = created.json as unknown as WireMessage;
    expect([m.direction, m.status, m.num_media, m.sid?.slice(0, 2)]).toEqual(['inbound', 'receiving', '1', 'MM']);
    clock.advance(1000);
    expect((call('GET', `${BASE}/Messages/${m.sid}.json`).json as unknown as WireMessage).status).toBe('received');
    expect(call('POST', '/emulator/inbound', { From: '+14155550111', To: '+15005550006' }, 'Basic eDp5').status).toBe(401);
  });
});

describe('emulator wire details', () => {
  it('counts segments as GSM-7 160/153 and UCS-2 70/67', () => {
    expect(segmentsOf('a'.repeat(160)).segments).toBe(1);
    expect(segmentsOf('a'.repeat(161)).segments).toBe(2);
    expect(segmentsOf('a'.repeat(306)).segments).toBe(2);
    expect(segmentsOf('a'.repeat(307)).segments).toBe(3);
    expect(segmentsOf('{'.repeat(80)).segments).toBe(1);
    expect(segmentsOf('{'.repeat(81)).segments).toBe(2);
    expect(segmentsOf('é'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(segmentsOf('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(segmentsOf('ж'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(segmentsOf('ж'.repeat(135)).segments).toBe(3);
  });

  it('formats and reads RFC 2822 dates with +0000', () => {
    const ms = Date.UTC(2019, 4, 24, 17, 44, 46);
    expect(toRfc2822(ms)).toBe('Fri, 24 May 2019 17:44:46 +0000');
    expect(parseRfc2822('Fri, 24 May 2019 17:44:46 +0000')).toBe(ms);
    expect(parseRfc2822('24 May 2019 17:44:46')).toBeNull();
  });

  it.each([
    ['2019-06-11', Date.UTC(2019, 5, 11)],
    ['2019-06-11T22:05:25Z', Date.UTC(2019, 5, 11, 22, 5, 25)],
    ['2019-06-11 22:05:25.000', Date.UTC(2019, 5, 11, 22, 5, 25)],
    ['06/11/2019 22:05:25 MST', Date.UTC(2019, 5, 12, 5, 5, 25)],
    ['Tue, 11 Jun 2019 22:05:25 +0000', Date.UTC(2019, 5, 11, 22, 5, 25)],
  ])('reads the list-filter date %s', (text, ms) => {
    const parsed = parseFilterDate(text);
    expect(parsed && (parsed.kind === 'day' ? parsed.start : parsed.at)).toBe(ms);
  });

  it('filters DateSent< and DateSent> inclusively, a bare day covering the whole GMT day', () => {
    const { clock, call, send } = setup();
    for (let i = 0; i < 3; i++) {
      send({ To: '+14155550100', Body: `day ${i}` });
      clock.advance(86_400_000);
    }
    const list = (q: string) => (call('GET', `${BASE}/Messages.json?${q}`).json as unknown as WireMessagePage).messages.map((m) => m.body);
    expect(list('DateSent%3E=2026-05-02')).toEqual(['day 2', 'day 1']);
    expect(list('DateSent%3C=2026-05-02')).toEqual(['day 1', 'day 0']);
    expect(list('DateSent=2026-05-02')).toEqual(['day 1']);
    expect(list('DateSent%3C=2026-05-01T12:00:02Z')).toEqual(['day 0']);
    expect(call('GET', `${BASE}/Messages.json?DateSent=yesterday`).status).toBe(400);
  });

  it('keeps page links self-contained and stable while new messages arrive', () => {
    const { call, send } = setup();
    for (let i = 0; i < 5; i++) send({ To: '+14155550100', Body: `m${i}` });
    const first = call('GET', `${BASE}/Messages.json?To=%2B14155550100&PageSize=2`).json as unknown as WireMessagePage;
    expect(first.messages.map((m) => m.body)).toEqual(['m4', 'm3']);
    expect(first.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json\?To=%2B14155550100&PageSize=2&Page=1&PageToken=PA\d+$/);
    expect(first.previous_page_uri).toBeNull();
    send({ To: '+14155550100', Body: 'newer' });
    const second = call('GET', first.next_page_uri!).json as unknown as WireMessagePage;
    expect(second.messages.map((m) => m.body)).toEqual(['m2', 'm1']);
    expect([second.page, second.start, second.end]).toEqual([1, 2, 3]);
    const back = call('GET', second.previous_page_uri!).json as unknown as WireMessagePage;
    expect(back.messages.map((m) => m.body)).toEqual(['m4', 'm3']);
  });

  it('keeps at most maxMessages, evicting the oldest finished ones first', () => {
    const { clock, store, send } = setup({ maxMessages: 3 });
    const a = (send({ To: '+14155550100', Body: 'a' }).json as unknown as WireMessage).sid!;
    clock.advance(5000);
    store.tick();
    const b = (send({ To: '+14155550100', Body: 'b' }).json as unknown as WireMessage).sid!;
    const c = (send({ To: '+14155550100', Body: 'c' }).json as unknown as WireMessage).sid!;
    const d = (send({ To: '+14155550100', Body: 'd' }).json as unknown as WireMessage).sid!;
    expect(store.size).toBe(3);
    expect(store.list(A.accountSid).map((m) => m.sid)).toEqual([d, c, b]);
    expect(store.get(A.accountSid, a)).toBeUndefined();
  });

  it('answers 405/20004 for a wrong method, 404 for unknown paths, 401 with WWW-Authenticate', () => {
    const { call } = setup();
    expect(call('PUT', `${BASE}/Messages.json`).json).toMatchObject({ code: 20004, status: 405 });
    expect(call('GET', `${BASE}/Calls.json`).json).toMatchObject({ code: 20404, status: 404 });
    const denied = call('GET', `${BASE}/Messages.json`, undefined, '');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="Twilio API"');
    const otherAccount = call('GET', `/2010-04-01/Accounts/AC${'f'.repeat(32)}/Messages.json`);
    expect(otherAccount.status).toBe(401);
  });

  it('counts calls per operation, authentication failures included', () => {
    const { handler, call, send } = setup();
    send({ To: '+14155550100', Body: 'x' });
    call('GET', `${BASE}/Messages.json`, undefined, '');
    expect(handler.calls.get('CreateMessage')).toBe(1);
    expect(handler.calls.get('ListMessage')).toBe(1);
    expect(handler.totalCalls()).toBe(2);
  });
});

describe('emulator media content: a 307 to a storage URL that serves real bytes', () => {
  const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

  function withMedia(urls: string[]) {
    const env = setup();
    const sent = env.send({ To: '+14155550100', MediaUrl: urls }).json as unknown as WireMessage;
    const media = env.store.get(A.accountSid, sent.sid!)!.media;
    const raw = (method: string, url: string, headers: Record<string, string> = {}) =>
      env.handler.handle({ method, url, headers, body: '' });
    const contentPath = (mediaSid: string) => `${BASE}/Messages/${sent.sid}/Media/${mediaSid}`;
    const storageUrl = (mediaSid: string) => {
      const res = raw('GET', contentPath(mediaSid), { authorization: AUTH, host: 'emu.test:4010' });
      expect(res.status).toBe(307);
      return res.headers['location']!;
    };
    return { ...env, sid: sent.sid!, media, raw, contentPath, storageUrl };
  }

  /** Walks a PNG's chunks, checking each CRC with node:zlib's own crc32. */
  function pngChunks(bytes: Buffer): Array<{ type: string; data: Buffer }> {
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      const typeAndData = bytes.subarray(at + 4, at + 8 + length);
      expect(bytes.readUInt32BE(at + 8 + length)).toBe(zlib.crc32(typeAndData));
      chunks.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: Buffer.from(typeAndData.subarray(4)) });
      at += 12 + length;
    }
    return chunks;
  }

  it('asks for credentials on the API URL and redirects to a credential-free storage URL on the same host', () => {
    const { raw, contentPath, storageUrl, media, sid, handler } = withMedia(['https://example.com/a.png']);
    const denied = raw('GET', contentPath(media[0]!.sid));
    expect([denied.status, JSON.parse(denied.body.toString()).code]).toEqual([401, 20003]);
    const location = storageUrl(media[0]!.sid);
    expect(location).toMatch(new RegExp(`^http://emu\\.test:4010/emulator/media-content/${sid}-${media[0]!.sid}-[A-Za-z0-9_-]{43}$`));
    const again = raw('GET', contentPath(media[0]!.sid), { authorization: AUTH });
    expect(again.headers['location']).toBe(`/emulator/media-content/${location.split('/').pop()}`);
    expect(handler.calls.get('FetchMediaContent')).toBe(3);
  });

  it('serves a 32×32 RGB PNG without credentials: signature, IHDR first, CRCs, inflated rows of the media colours', () => {
    const { raw, storageUrl, media, handler } = withMedia(['https://example.com/a.png']);
    const res = raw('GET', new URL(storageUrl(media[0]!.sid)).pathname);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const bytes = res.body as Buffer;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const chunks = pngChunks(bytes);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = chunks[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ...ihdr.subarray(8)]).toEqual([32, 32, 8, 2, 0, 0, 0]);
    const rows = zlib.inflateSync(chunks[1]!.data);
    expect(rows.length).toBe(32 * (1 + 32 * 3));
    const hash = createHash('sha256').update(media[0]!.sid).digest();
    const first = [hash[0]!, hash[1]!, hash[2]!];
    const second = first.map((v) => (v + 128) % 256);
    const pixel = (x: number, y: number) => [...rows.subarray(y * 97 + 1 + 3 * x, y * 97 + 4 + 3 * x)];
    expect([rows[0], rows[97 * 31]]).toEqual([0, 0]);
    expect([pixel(0, 0), pixel(7, 7), pixel(8, 0), pixel(0, 8), pixel(8, 8), pixel(31, 31)]).toEqual([first, first, second, second, first, first]);
    expect(handler.calls.get('FetchMediaStorage')).toBe(1);
  });

  it('serves the bytes of each content type, the same for the same media and different for another', () => {
    const urls = ['https://e.com/a.gif', 'https://e.com/b.jpg', 'https://e.com/c.webp', 'https://e.com/d.txt', 'https://e.com/e.mp4', 'https://e.com/f.jpg'];
    const { raw, storageUrl, media } = withMedia(urls);
    const fetchBytes = (i: number) => {
      const res = raw('GET', new URL(storageUrl(media[i]!.sid)).pathname);
      return { type: res.headers['content-type'], bytes: Buffer.from(res.body) };
    };
    const [gif, jpeg, webp, text, mp4, otherJpeg] = urls.map((_, i) => fetchBytes(i));
    expect(gif!.type).toBe('image/gif');
    expect(gif!.bytes.subarray(0, 10)).toEqual(Buffer.from([...Buffer.from('GIF89a'), 32, 0, 32, 0]));
    expect(gif!.bytes.at(-1)).toBe(0x3b);
    expect(jpeg!.type).toBe('image/jpeg');
    expect([...jpeg!.bytes.subarray(0, 4), ...jpeg!.bytes.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xd9]);
    const sof = jpeg!.bytes.indexOf(Buffer.from([0xff, 0xc0]));
    expect([...jpeg!.bytes.subarray(sof + 4, sof + 10)]).toEqual([8, 0, 32, 0, 32, 3]);
    expect(webp!.bytes.toString('latin1', 0, 4) + webp!.bytes.toString('latin1', 8, 16)).toBe('RIFFWEBPVP8L');
    expect(webp!.bytes.readUInt32LE(4)).toBe(webp!.bytes.length - 8);
    expect([text!.type, text!.bytes.toString()]).toEqual(['text/plain', `Emulated media ${media[3]!.sid} (https://e.com/d.txt)\n`]);
    expect([mp4!.type, mp4!.bytes.length]).toEqual(['video/mp4', 32]);
    expect(fetchBytes(1).bytes.equals(jpeg!.bytes)).toBe(true);
    expect(otherJpeg!.bytes.equals(jpeg!.bytes)).toBe(false);
  });

  it('answers 404/20404 for an unknown media, a forged or damaged token, and a deleted media', () => {
    const { raw, call, contentPath, storageUrl, media, sid, handler } = withMedia(['https://e.com/a.png', 'https://e.com/b.png']);
    expect(call('GET', contentPath(`ME${'0'.repeat(32)}`)).json).toMatchObject({ status: 404, code: 20404 });
    const path = new URL(storageUrl(media[0]!.sid)).pathname;
    const mac = path.slice(-43);
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    const bad = [
      path.slice(0, -43) + flipped,
      path.replace(media[0]!.sid, media[1]!.sid),
      `/emulator/media-content/${sid}-${media[0]!.sid}`,
      '/emulator/media-content/nonsense',
    ];
    for (const url of bad) expect([url, raw('GET', url).status]).toEqual([url, 404]);
    expect(raw('POST', path).status).toBe(405);
    expect(raw('GET', path).status).toBe(200);
    expect(call('DELETE', `${BASE}/Messages/${sid}/Media/${media[0]!.sid}.json`).status).toBe(204);
    expect(raw('GET', path).status).toBe(404);
    expect(handler.calls.get('FetchMediaStorage')).toBe(bad.length + 3);
  });
});

describe('emulator IncomingPhoneNumbers', () => {
  const NUMBERS = `${BASE}/IncomingPhoneNumbers`;
  const list = (call: ReturnType<typeof setup>['call'], query = '') =>
    call('GET', `${NUMBERS}.json${query}`).json as unknown as WireIncomingPhoneNumberPage;

  it('owns +15005550006 from the start, bought 30 days ago, rendered as Twilio renders a fresh local number', () => {
    const { call, handler } = setup();
    const page = list(call);
    expect(page.incoming_phone_numbers).toHaveLength(1);
    const n = page.incoming_phone_numbers[0]!;
    expect(n.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(n).toEqual({
      account_sid: A.accountSid, address_requirements: 'none', address_sid: null, api_version: '2010-04-01', beta: false,
      bundle_sid: null, capabilities: { voice: true, sms: true, mms: true, fax: false },
      date_created: 'Wed, 01 Apr 2026 12:00:00 +0000', date_updated: 'Wed, 01 Apr 2026 12:00:00 +0000',
      emergency_address_sid: null, emergency_address_status: 'unregistered', emergency_status: 'Inactive',
      friendly_name: '(500) 555-0006', identity_sid: null, origin: 'twilio', phone_number: '+15005550006', sid: n.sid,
      sms_application_sid: '', sms_fallback_method: 'POST', sms_fallback_url: '', sms_method: 'POST', sms_url: '',
      status: 'in-use', status_callback: '', status_callback_method: 'POST', trunk_sid: null, type: 'local',
      uri: `${NUMBERS}/${n.sid}.json`, voice_application_sid: '', voice_caller_id_lookup: false, voice_fallback_method: 'POST',
      voice_fallback_url: null, voice_method: 'POST', voice_receive_mode: 'voice', voice_url: null,
    } satisfies WireIncomingPhoneNumber);
    expect(page).toMatchObject({ page: 0, page_size: 50, start: 0, end: 0, next_page_uri: null, previous_page_uri: null });
    expect(page.uri).toBe(`${NUMBERS}.json?PageSize=50&Page=0`);
    expect(call('GET', `${NUMBERS}/${n.sid}.json`).json).toEqual(n);
    expect(handler.calls.get('ListIncomingPhoneNumber')).toBe(1);
    expect(handler.calls.get('FetchIncomingPhoneNumber')).toBe(1);
  });

  it('filters by PhoneNumber (partial, * for one digit), FriendlyName and Origin, and keeps the filters in page links', () => {
    const { call } = setup({ phoneNumbers: ['+15005550006', '+15005550020', '+442071838750'] });
    const numbers = (query: string) => list(call, query).incoming_phone_numbers.map((n) => n.phone_number);
    expect(numbers('')).toEqual(['+442071838750', '+15005550020', '+15005550006']);
    expect(numbers('?PhoneNumber=%2B15005550006')).toEqual(['+15005550006']);
    expect(numbers('?PhoneNumber=555002')).toEqual(['+15005550020']);
    expect(numbers('?PhoneNumber=%2B1500555000*')).toEqual(['+15005550006']);
    expect(numbers('?PhoneNumber=%2B1**********')).toEqual(['+15005550020', '+15005550006']);
    expect(numbers('?PhoneNumber=%2B1.*')).toEqual([]);
    expect(numbers('?FriendlyName=%2B442071838750')).toEqual(['+442071838750']);
    expect(numbers('?Origin=hosted')).toEqual([]);
    const first = list(call, '?PhoneNumber=%2B1500*&PageSize=1');
    expect(first.next_page_uri).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/IncomingPhoneNumbers\.json\?PhoneNumber=%2B1500\*&PageSize=1&Page=1&PageToken=PA\d+$/);
    const second = call('GET', first.next_page_uri!).json as unknown as WireIncomingPhoneNumberPage;
    expect(second.incoming_phone_numbers.map((n) => n.phone_number)).toEqual(['+15005550006']);
    expect(second.next_page_uri).toBeNull();
  });

  it('updates the webhooks: methods in any case become GET/POST, "" clears a URL, dates move; a refusal changes nothing', () => {
    const { clock, call, handler } = setup();
    const sid = list(call).incoming_phone_numbers[0]!.sid!;
    const update = (form: Record<string, string>) => call('POST', `${NUMBERS}/${sid}.json`, form);
    clock.advance(1000);
    const updated = update({ SmsUrl: 'http://my_host.local:3000/in?x=1', SmsMethod: 'get', VoiceUrl: 'https://e.com/v', VoiceCallerIdLookup: 'True' });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      sms_url: 'http://my_host.local:3000/in?x=1', sms_method: 'GET', voice_url: 'https://e.com/v', voice_caller_id_lookup: true,
      date_updated: 'Fri, 01 May 2026 12:00:01 +0000', date_created: 'Wed, 01 Apr 2026 12:00:00 +0000',
    });
    const refusals: Array<[Record<string, string>, number]> = [
      [{ SmsUrl: 'https://e.com/ok', SmsMethod: 'PUT' }, 21403],
      [{ SmsUrl: 'mailto:x@e.com' }, 21402],
      [{ VoiceFallbackUrl: 'e.com' }, 21402],
      [{ StatusCallback: 'https://' }, 21502],
      [{ StatusCallbackMethod: 'DELETE' }, 21403],
      [{ FriendlyName: 'x'.repeat(65) }, 20001],
      [{ VoiceCallerIdLookup: 'yes' }, 20001],
      [{ AccountSid: `AC${'f'.repeat(32)}` }, 20001],
    ];
    for (const [form, code] of refusals) expect([form, update(form).json]).toEqual([form, expect.objectContaining({ status: 400, code })]);
    expect(call('GET', `${NUMBERS}/${sid}.json`).json).toEqual(updated.json);
    expect(update({ SmsUrl: '', FriendlyName: 'x'.repeat(64), AccountSid: A.accountSid, SmsApplicationSid: `AP${'0'.repeat(32)}` }).json)
      .toMatchObject({ sms_url: '', sms_method: 'GET', friendly_name: 'x'.repeat(64), sms_application_sid: '' });
    expect(handler.calls.get('UpdateIncomingPhoneNumber')).toBe(1 + refusals.length + 1);
  });

  it('answers 404/20404 for unknown and malformed SIDs, 405 for a purchase, 401 without credentials; DELETE releases', () => {
    const { call } = setup();
    const sid = list(call).incoming_phone_numbers[0]!.sid!;
    for (const path of [`${NUMBERS}/PN${'0'.repeat(32)}.json`, `${NUMBERS}/nonsense.json`, `${NUMBERS}/Local.json`]) {
      expect(call('GET', path).json).toEqual({ code: 20404, message: `The requested resource ${path} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      expect(call('POST', path, { SmsUrl: 'https://e.com/' }).status).toBe(404);
    }
    expect(call('POST', `${NUMBERS}.json`, { PhoneNumber: '+15005550030' }).json).toMatchObject({ status: 405, code: 20004 });
    expect(call('GET', `${NUMBERS}.json`, undefined, '').status).toBe(401);
    expect(call('POST', `${NUMBERS}/${sid}.json`, { SmsUrl: 'https://e.com/' }, '').status).toBe(401);
    expect(call('DELETE', `${NUMBERS}/${sid}.json`).status).toBe(204);
    expect(call('GET', `${NUMBERS}/${sid}.json`).status).toBe(404);
    expect(list(call).incoming_phone_numbers).toEqual([]);
  });

  it('keeps the numbers of an account: E.164 only, once each, friendly names formatted for North America', () => {
    const numbers = new PhoneNumbers(A.accountSid, new ManualClock(), []);
    expect(numbers.list()).toEqual([]);
    expect(() => numbers.add('5550006')).toThrow(/not an E\.164/);
    numbers.add('+15005550006');
    expect(() => numbers.add('+15005550006')).toThrow(/already/);
    expect(numbers.receiving('whatsapp:+15005550006')?.phoneNumber).toBe('+15005550006');
    expect(numbers.receiving('+15005550007')).toBeUndefined();
    expect([defaultFriendlyName('+14155550100'), defaultFriendlyName('+442071838750')]).toEqual(['(415) 555-0100', '+442071838750']);
    expect(() => numbers.setSmsUrl('https://e.com/', { method: 'PUT' as 'GET' })).toThrow(/neither GET nor POST/);
  });
});

describe('emulator webhooks (pure parts)', () => {
  it('builds the incoming-message parameters: SIDs thrice, media by index, geography from the calling code', () => {
    const at = Date.UTC(2026, 4, 1);
    const message = newMessage(at, {
      sid: `MM${'a'.repeat(32)}`, accountSid: A.accountSid, from: '+33612345678', to: '+15005550006', body: 'Bonjour',
      status: 'received', direction: 'inbound', numSegments: 1, messagingServiceSid: `MG${'b'.repeat(32)}`,
      media: [{ sid: `ME${'c'.repeat(32)}`, contentType: 'image/gif', sourceUrl: 'https://e.com/a.gif', dateCreated: at }],
    });
    expect(inboundParams(message, 'http://127.0.0.1:4010')).toEqual({
      AccountSid: A.accountSid, ApiVersion: '2010-04-01', Body: 'Bonjour', From: '+33612345678',
      FromCity: '', FromCountry: 'FR', FromState: '', FromZip: '',
      MediaContentType0: 'image/gif',
      MediaUrl0: `http://127.0.0.1:4010${BASE}/Messages/MM${'a'.repeat(32)}/Media/ME${'c'.repeat(32)}`,
      MessageSid: message.sid, MessagingServiceSid: `MG${'b'.repeat(32)}`, NumMedia: '1', NumSegments: '1',
      SmsMessageSid: message.sid, SmsSid: message.sid, SmsStatus: 'received', To: '+15005550006',
      ToCity: '', ToCountry: 'US', ToState: '', ToZip: '',
    });
    expect([countryOf('+14155550100'), countryOf('+447700900123'), countryOf('+351912345678'), countryOf('+999123')]).toEqual(['US', 'GB', 'PT', '']);
  });

  it('appends GET parameters after any query the URL has, dropping a fragment', () => {
    const params = { Body: 'a b+c', To: '+1500' };
    expect(withQuery('https://e.com/in', params)).toBe('https://e.com/in?Body=a+b%2Bc&To=%2B1500');
    expect(withQuery('https://e.com/in?t=1', params)).toBe('https://e.com/in?t=1&Body=a+b%2Bc&To=%2B1500');
    expect(withQuery('https://e.com/in?', params)).toBe('https://e.com/in?Body=a+b%2Bc&To=%2B1500');
    expect(withQuery('https://e.com/in?t=1#top', params)).toBe('https://e.com/in?t=1&Body=a+b%2Bc&To=%2B1500');
    expect(withQuery('https://e.com/in', {})).toBe('https://e.com/in');
  });
});
