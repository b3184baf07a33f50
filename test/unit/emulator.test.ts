/** The emulator's handler and store without sockets: lifecycle on a manual clock, encoding, paging, limits. */
import { createHandler, type EmulatorRequest } from '../../src/emulator/handler.js';
import { segmentsOf } from '../../src/emulator/segments.js';
import { DEFAULT_ACCOUNT } from '../../src/emulator/account.js';
import { ManualClock, MessageStore, type StatusChange } from '../../src/emulator/store.js';
import { parseFilterDate, parseRfc2822, toRfc2822 } from '../../src/twilio/dates.js';
import type { WireMessage, WireMessagePage } from '../../src/twilio/wire.js';

const A = DEFAULT_ACCOUNT;
const AUTH = `Basic ${Buffer.from(`${A.accountSid}:${A.authToken}`).toString('base64')}`;
const BASE = `/2010-04-01/Accounts/${A.accountSid}`;

function setup(options: { maxMessages?: number } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const store = new MessageStore({ clock, maxMessages: options.maxMessages });
  const handler = createHandler(store, A);
  const call = (method: string, url: string, form?: Record<string, string | string[]>, auth = AUTH) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const one of [v].flat()) body.append(k, one);
    const req: EmulatorRequest = { method, url, headers: { authorization: auth }, body: body.toString() };
    const res = handler.handle(req);
    return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : null, headers: res.headers };
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
