/**
 * The emulator's wire contract (Twilio's Messages API 2010-04-01), checked with Twilio's own Node SDK: if twilio-node
 * cannot tell the emulator from the real API for these calls, neither can the gateway.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { mediaBytes } from '../../src/emulator/media-bytes.js';
import { computeSignature } from '../../src/protocol/signature.js';
import { basicAuth, startEmulator, twilioClientFor } from '../support/emulator.js';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
const FROM = '+15005550006';
const MINUTE = 60_000;

async function restCode(promise: Promise<unknown>): Promise<{ status: number; code: number; moreInfo: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof twilio.RestException) return { status: error.status, code: error.code ?? 0, moreInfo: error.moreInfo ?? '' };
    throw error;
  }
  throw new Error('expected a RestException');
}

describe('emulator conformance (driven by twilio-node)', () => {
  let emu: Emu;
  let client: twilio.Twilio;

  beforeAll(async () => {
    emu = await startEmulator();
    client = twilioClientFor(emu);
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('MUST create an MMS with two repeated MediaUrl values and answer 201 with an MM sid', async () => {
    const message = await client.messages.create({
      to: '+14155550100',
      from: FROM,
      body: 'two pictures',
      mediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.png'],
    });
    expect(message.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(message.numMedia).toBe('2');
    expect(message.status).toBe('queued');
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(message.dateCreated.getTime())).toBe(false);
    const media = await client.messages(message.sid).media.list();
    expect(media.map((m) => m.contentType).sort()).toEqual(['image/jpeg', 'image/png']);
    expect(media.every((m) => /^ME[0-9a-f]{32}$/.test(m.sid) && m.parentSid === message.sid)).toBe(true);
    const one = await client.messages(message.sid).media(media[0]!.sid).fetch();
    expect(one.sid).toBe(media[0]!.sid);
  });

  it('MUST redirect media content (Basic auth) with a 307 to a storage URL that serves the bytes without credentials', async () => {
    const message = await client.messages.create({ to: '+14155550109', from: FROM, mediaUrl: ['https://example.com/pic.png'] });
    const [media] = await client.messages(message.sid).media.list();
    const contentUrl = `${emu.url}/2010-04-01/Accounts/${emu.account.accountSid}/Messages/${message.sid}/Media/${media!.sid}`;
    const authorization = basicAuth(emu.account);
    const storageCalls = () => emu.handler.calls.get('FetchMediaStorage') ?? 0;
    const before = storageCalls();

    const anonymous = await fetch(contentUrl, { redirect: 'manual' });
    expect([anonymous.status, ((await anonymous.json()) as { code: number }).code]).toEqual([401, 20003]);
    const redirect = await fetch(contentUrl, { redirect: 'manual', headers: { authorization } });
    await redirect.arrayBuffer();
    expect(redirect.status).toBe(307);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${emu.url}/emulator/media-content/${message.sid}-${media!.sid}-[A-Za-z0-9_-]{43}$`));

    const content = await fetch(location);
    const bytes = Buffer.from(await content.arrayBuffer());
    expect([content.status, content.headers.get('content-type'), content.headers.get('content-length')]).toEqual([200, 'image/png', String(bytes.length)]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(bytes.equals(mediaBytes('image/png', media!.sid))).toBe(true);

    const head = await fetch(location, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(bytes.length), 0]);
    const followed = await fetch(contentUrl, { headers: { authorization } });
    expect([followed.status, followed.redirected, Buffer.from(await followed.arrayBuffer()).equals(bytes)]).toEqual([200, true, true]);
    const unknown = await fetch(`${emu.url}/emulator/media-content/${message.sid}-${media!.sid}-${'A'.repeat(43)}`);
    expect([unknown.status, ((await unknown.json()) as { code: number }).code]).toEqual([404, 20404]);
    expect(storageCalls() - before).toBe(4);
  });

  it('MUST fetch a message with every field in Twilio formats', async () => {
    const created = await client.messages.create({ to: '+14155550101', from: FROM, body: 'hello' });
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.toJSON()).toMatchObject({
      sid: created.sid,
      accountSid: emu.account.accountSid,
      to: '+14155550101',
      from: FROM,
      body: 'hello',
      numSegments: '1',
      numMedia: '0',
      direction: 'outbound-api',
      apiVersion: '2010-04-01',
      price: null,
      errorCode: null,
    });
    const raw = await fetch(`${emu.url}/2010-04-01/Accounts/${emu.account.accountSid}/Messages/${created.sid}.json`, {
      headers: { authorization: basicAuth(emu.account) },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(Object.keys(raw).sort()).toEqual([
      'account_sid', 'api_version', 'body', 'date_created', 'date_sent', 'date_updated', 'direction', 'error_code',
      'error_message', 'from', 'messaging_service_sid', 'num_media', 'num_segments', 'price', 'price_unit', 'sid',
      'status', 'subresource_uris', 'to', 'uri',
    ]);
    expect(raw['date_created']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('MUST move a message to delivered, price it per segment as a negative string, and report error codes', async () => {
    const long = 'x'.repeat(161);
    const message = await client.messages.create({ to: '+14155550102', from: FROM, body: long });
    expect(message.numSegments).toBe('2');
    emu.clock.advance(5_000);
    const delivered = await client.messages(message.sid).fetch();
    expect(delivered.status).toBe('delivered');
    expect(delivered.price).toBe('-0.01580');
    expect(delivered.priceUnit).toBe('USD');
    expect(delivered.dateSent).toBeInstanceOf(Date);

    const bad = await client.messages.create({ to: '+15005550010', from: FROM, body: 'to nowhere' });
    emu.clock.advance(5_000);
    const undelivered = await client.messages(bad.sid).fetch();
    expect(undelivered.status).toBe('undelivered');
    expect(undelivered.errorCode).toBe(30003);
  });

  it('MUST list with To and DateSent filters across three pages by following next_page_uri', async () => {
    const to = '+14155550199';
    const sids: string[] = [];
    for (let i = 0; i < 7; i++) {
      sids.push((await client.messages.create({ to, from: FROM, body: `page test ${i}` })).sid);
      emu.clock.advance(1_000);
    }
    emu.clock.advance(5_000);
    const sentAfter = new Date(emu.clock.now() - 60 * MINUTE);
    const pages: string[][] = [];
    type AnyPage = { instances: Array<{ sid: string }>; nextPage(): Promise<AnyPage> | undefined; previousPage(): Promise<AnyPage> | undefined };
    let page: AnyPage = await client.messages.page({ to, dateSentAfter: sentAfter, pageSize: 3 });
    for (;;) {
      pages.push(page.instances.map((m) => m.sid));
      const next = await page.nextPage();
      if (!next) break;
      page = next;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...sids].reverse());
    const previous = await page.previousPage();
    expect(previous?.instances.map((m) => m.sid)).toEqual(pages[1]);
    const all = await client.messages.list({ to, dateSentBefore: new Date(emu.clock.now()), pageSize: 2 });
    expect(all).toHaveLength(7);
    const none = await client.messages.list({ to, dateSentBefore: new Date(emu.clock.now() - 24 * 60 * MINUTE) });
    expect(none).toHaveLength(0);
  });

  it('MUST redact a finished message and refuse to redact or delete one still in flight (20009)', async () => {
    const message = await client.messages.create({ to: '+14155550103', from: FROM, body: 'secret' });
    expect(await restCode(client.messages(message.sid).remove())).toMatchObject({ status: 400, code: 20009 });
    expect(await restCode(client.messages(message.sid).update({ body: '' }))).toMatchObject({ code: 20009 });
    emu.clock.advance(5_000);
    const redacted = await client.messages(message.sid).update({ body: '' });
    expect(redacted.body).toBe('');
    expect((await client.messages(message.sid).fetch()).body).toBe('');
  });

  it('MUST schedule through a Messaging Service and cancel; cancel of anything else is 30409', async () => {
    const sendAt = new Date(emu.clock.now() + 60 * MINUTE);
    const scheduled = await client.messages.create({
      to: '+14155550104',
      messagingServiceSid: 'MG' + 'a'.repeat(32),
      body: 'later',
      scheduleType: 'fixed',
      sendAt,
    });
    expect(scheduled.status).toBe('scheduled');
    expect(scheduled.dateSent).toBeNull();
    const canceled = await client.messages(scheduled.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    expect(canceled.from).toBeNull();
    emu.clock.advance(2 * 60 * MINUTE);
    expect((await client.messages(scheduled.sid).fetch()).status).toBe('canceled');
    const plain = await client.messages.create({ to: '+14155550104', from: FROM, body: 'now' });
    expect(await restCode(client.messages(plain.sid).update({ status: 'canceled' }))).toMatchObject({ status: 400, code: 30409 });
  });

  it('MUST run a scheduled message at SendAt and start a service message as accepted', async () => {
    const service = 'MG' + 'b'.repeat(32);
    const accepted = await client.messages.create({ to: '+14155550105', messagingServiceSid: service, body: 'via pool' });
    expect(accepted.status).toBe('accepted');
    expect(accepted.from).toBeNull();
    const scheduled = await client.messages.create({
      to: '+14155550105', messagingServiceSid: service, body: 'at 20 min', scheduleType: 'fixed', sendAt: new Date(emu.clock.now() + 20 * MINUTE),
    });
    emu.clock.advance(19 * MINUTE);
    expect((await client.messages(scheduled.sid).fetch()).status).toBe('scheduled');
    expect((await client.messages(accepted.sid).fetch()).status).toBe('delivered');
    emu.clock.advance(2 * MINUTE);
    const sent = await client.messages(scheduled.sid).fetch();
    expect(sent.status).toBe('delivered');
    expect(sent.from).toBe('+15005550006');
  });

  it('MUST remove a delivered message; then fetch is 404/20404', async () => {
    const message = await client.messages.create({ to: '+14155550106', from: FROM, body: 'bye', mediaUrl: ['https://example.com/x.gif'] });
    emu.clock.advance(5_000);
    expect(await client.messages(message.sid).remove()).toBe(true);
    expect(await restCode(client.messages(message.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await restCode(client.messages(message.sid).media.list())).toMatchObject({ status: 404, code: 20404 });
  });

  it('MUST accept feedback with 200', async () => {
    const message = await client.messages.create({ to: '+14155550107', from: FROM, body: 'code 1234', provideFeedback: true });
    const feedback = await client.messages(message.sid).feedback.create({ outcome: 'confirmed' });
    expect(feedback.outcome).toBe('confirmed');
    expect(feedback.messageSid).toBe(message.sid);
  });

  it.each([
    ['missing From and MessagingServiceSid', 21603, { to: '+14155550100', body: 'x' }],
    ['missing To', 21604, { to: '', from: FROM, body: 'x' }],
    ['malformed To', 21211, { to: 'not-a-number', from: FROM, body: 'x' }],
    ['missing content', 21602, { to: '+14155550100', from: FROM }],
    ['body over 1600 characters', 21617, { to: '+14155550100', from: FROM, body: 'y'.repeat(1601) }],
    ['magic To +15005550001 (invalid)', 21211, { to: '+15005550001', from: FROM, body: 'x' }],
    ['magic To +15005550002 (unroutable)', 21612, { to: '+15005550002', from: FROM, body: 'x' }],
    ['magic To +15005550003 (no permission)', 21408, { to: '+15005550003', from: FROM, body: 'x' }],
    ['magic To +15005550004 (opted out)', 21610, { to: '+15005550004', from: FROM, body: 'x' }],
    ['magic To +15005550009 (not SMS-capable)', 21614, { to: '+15005550009', from: FROM, body: 'x' }],
    ['magic From +15005550001 (invalid)', 21212, { to: '+14155550100', from: '+15005550001', body: 'x' }],
    ['magic From +15005550007 (not owned)', 21606, { to: '+14155550100', from: '+15005550007', body: 'x' }],
    ['magic From +15005550008 (queue full)', 21611, { to: '+14155550100', from: '+15005550008', body: 'x' }],
    ['eleven MediaUrl values', 21623, { to: '+14155550100', from: FROM, mediaUrl: Array.from({ length: 11 }, (_, i) => `https://e.com/${i}.jpg`) }],
  ])('MUST refuse a create with %s as 400/%i', async (_name, code, params) => {
    const before = emu.store.size;
    const error = await restCode(client.messages.create(params as Parameters<typeof client.messages.create>[0]));
    expect(error).toEqual({ status: 400, code, moreInfo: `https://www.twilio.com/docs/errors/${code}` });
    expect(emu.store.size).toBe(before);
  });

  it('MUST refuse SendAt outside 15 minutes to 35 days with 35114', async () => {
    const params = { to: '+14155550100', messagingServiceSid: 'MG' + 'c'.repeat(32), body: 'x', scheduleType: 'fixed' as const };
    expect(await restCode(client.messages.create({ ...params, sendAt: new Date(emu.clock.now() + 5 * MINUTE) }))).toMatchObject({ code: 35114 });
    expect(await restCode(client.messages.create({ ...params, sendAt: new Date(emu.clock.now() + 36 * 24 * 60 * MINUTE) }))).toMatchObject({ code: 35114 });
  });

  it('MUST answer 404/20404 for unknown and malformed SIDs', async () => {
    expect(await restCode(client.messages('SM' + '0'.repeat(32)).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await restCode(client.messages('nonsense').fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  it('MUST answer 401/20003 for a wrong token, and accept an API key with the AC SID in the path', async () => {
    const wrong = twilioClientFor(emu, { username: emu.account.accountSid, password: 'wrong' });
    expect(await restCode(wrong.messages.list({ limit: 1 }))).toMatchObject({ status: 401, code: 20003 });
    const key = emu.account.apiKeys[0]!;
    const viaKey = twilioClientFor(emu, { username: key.sid, password: key.secret });
    const message = await viaKey.messages.create({ to: '+14155550108', from: FROM, body: 'via key' });
    expect(message.accountSid).toBe(emu.account.accountSid);
  });

  it('MUST refuse PageSize above 1000', async () => {
    expect(await restCode(client.messages.page({ pageSize: 1001 }))).toMatchObject({ status: 400 });
    const page = await client.messages.page({ pageSize: 1000 });
    expect(page.instances.length).toBeGreaterThan(0);
  });
});

describe('status callbacks', () => {
  let emu: Emu;
  let client: twilio.Twilio;
  let receiver: Server;
  let callbackUrl: string;
  const received: Array<{ signature: string; params: Record<string, string> }> = [];

  beforeAll(async () => {
    emu = await startEmulator();
    client = twilioClientFor(emu);
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ signature: String(req.headers['x-twilio-signature']), params: Object.fromEntries(new URLSearchParams(body)) });
        res.end('<Response/>');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/twilio/status?tenant=7`;
  });
  afterAll(async () => {
    await emu.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('MUST post each status change, signed so that twilio.validateRequest accepts it', async () => {
    const message = await client.messages.create({ to: '+15005550012', from: FROM, body: 'watch me', statusCallback: callbackUrl });
    emu.clock.advance(5_000);
    emu.store.tick();
    await emu.stop(); // waits for the callbacks under way
    const statuses = received.map((r) => r.params['MessageStatus']);
    expect(statuses).toEqual(['sending', 'sent', 'undelivered']);
    for (const { signature, params } of received) {
      expect(twilio.validateRequest(emu.account.authToken, signature, callbackUrl, params)).toBe(true);
      expect(twilio.validateRequest('another-token', signature, callbackUrl, params)).toBe(false);
      expect(params).toMatchObject({ MessageSid: message.sid, SmsSid: message.sid, AccountSid: emu.account.accountSid, To: '+15005550012', From: FROM, ApiVersion: '2010-04-01' });
    }
    expect(received[2]!.params['ErrorCode']).toBe('30007');
    expect(received[2]!.params['RawDlrDoneDate']).toMatch(/^\d{10}$/);
  });
});

describe('signature', () => {
  it("matches Twilio's published signature test vector", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(computeSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilio.validateRequest('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
  });
});
