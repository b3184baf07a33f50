/**
 * The emulator's IncomingPhoneNumbers resource, driven by Twilio's own Node SDK, and its incoming-message
 * webhook: a message injected through `POST /emulator/inbound` reaches its number's SmsUrl over real HTTP,
 * with Twilio's parameters, signed so that twilio-node's `validateRequest` accepts it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { basicAuth, startEmulator, twilioClientFor } from '../support/emulator.js';

type Emu = Awaited<ReturnType<typeof startEmulator>>;
const NUMBER = '+15005550006';
const OTHER = '+15005550020';

async function restError(promise: Promise<unknown>): Promise<{ status: number; code: number }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof twilio.RestException) return { status: error.status, code: error.code ?? 0 };
    throw error;
  }
  throw new Error('expected a RestException');
}

function basic(emu: Emu): string {
  return basicAuth(emu.account);
}

describe('IncomingPhoneNumbers (driven by twilio-node)', () => {
  let emu: Emu;
  let client: twilio.Twilio;

  beforeEach(async () => {
    emu = await startEmulator({ phoneNumbers: [NUMBER, OTHER] });
    client = twilioClientFor(emu);
  });
  afterEach(async () => {
    await emu.stop();
  });

  it('MUST list the seeded numbers with every field Twilio returns, following next_page_uri', async () => {
    const fresh = await startEmulator();
    try {
      const numbers = await twilioClientFor(fresh).incomingPhoneNumbers.list();
      expect(numbers.map((n) => n.phoneNumber)).toEqual([NUMBER]);
    } finally {
      await fresh.stop();
    }
    const all = await client.incomingPhoneNumbers.list({ pageSize: 1 });
    expect(all.map((n) => n.phoneNumber)).toEqual([OTHER, NUMBER]);
    const number = all[1]!;
    expect(number.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(number.toJSON()).toMatchObject({
      accountSid: emu.account.accountSid,
      phoneNumber: NUMBER,
      friendlyName: '(500) 555-0006',
      capabilities: { voice: true, sms: true, mms: true, fax: false },
      smsUrl: '',
      smsMethod: 'POST',
      apiVersion: '2010-04-01',
      status: 'in-use',
      uri: `/2010-04-01/Accounts/${emu.account.accountSid}/IncomingPhoneNumbers/${number.sid}.json`,
    });
    expect(number.dateCreated).toBeInstanceOf(Date);
    expect(number.dateCreated.getTime()).toBeLessThan(emu.clock.now());

    const raw = await fetch(`${emu.url}/2010-04-01/Accounts/${emu.account.accountSid}/IncomingPhoneNumbers.json?PageSize=1`, {
      headers: { authorization: basic(emu) },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(Object.keys(raw).sort()).toEqual([
      'end', 'first_page_uri', 'incoming_phone_numbers', 'next_page_uri', 'page', 'page_size', 'previous_page_uri', 'start', 'uri',
    ]);
    const [first] = raw['incoming_phone_numbers'] as Array<Record<string, unknown>>;
    expect(Object.keys(first!).sort()).toEqual([
      'account_sid', 'address_requirements', 'address_sid', 'api_version', 'beta', 'bundle_sid', 'capabilities', 'date_created',
      'date_updated', 'emergency_address_sid', 'emergency_address_status', 'emergency_status', 'friendly_name', 'identity_sid',
      'origin', 'phone_number', 'sid', 'sms_application_sid', 'sms_fallback_method', 'sms_fallback_url', 'sms_method', 'sms_url',
      'status', 'status_callback', 'status_callback_method', 'trunk_sid', 'type', 'uri', 'voice_application_sid',
      'voice_caller_id_lookup', 'voice_fallback_method', 'voice_fallback_url', 'voice_method', 'voice_receive_mode', 'voice_url',
    ]);
    expect(first!['date_created']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(raw['next_page_uri']).toMatch(/IncomingPhoneNumbers\.json\?PageSize=1&Page=1&PageToken=PA\d+$/);
  });

  it('MUST filter the list by PhoneNumber: whole, partial, and with * for any digit', async () => {
    expect((await client.incomingPhoneNumbers.list({ phoneNumber: NUMBER })).map((n) => n.phoneNumber)).toEqual([NUMBER]);
    expect((await client.incomingPhoneNumbers.list({ phoneNumber: '5550020' })).map((n) => n.phoneNumber)).toEqual([OTHER]);
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: '+1500555002*' })).toHaveLength(1);
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: '+1500555000*' })).toHaveLength(1);
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: '+150055500**' })).toHaveLength(2);
    expect(await client.incomingPhoneNumbers.list({ phoneNumber: '+14155550100' })).toHaveLength(0);
    expect(await client.incomingPhoneNumbers.list({ friendlyName: '(500) 555-0020' })).toHaveLength(1);
  });

  it('MUST fetch a number by SID and round-trip an update of SmsUrl, SmsMethod and FriendlyName', async () => {
    const [listed] = await client.incomingPhoneNumbers.list({ phoneNumber: NUMBER });
    const fetched = await client.incomingPhoneNumbers(listed!.sid).fetch();
    expect(fetched.toJSON()).toEqual(listed!.toJSON());

    emu.clock.advance(60_000);
    const updated = await client.incomingPhoneNumbers(listed!.sid).update({
      smsUrl: 'https://example.com/sms?tenant=7',
      smsMethod: 'GET',
      smsFallbackUrl: 'https://example.com/fallback',
      friendlyName: 'Support line',
      statusCallback: 'https://example.com/status',
    });
    expect(updated.toJSON()).toMatchObject({
      sid: listed!.sid,
      smsUrl: 'https://example.com/sms?tenant=7',
      smsMethod: 'GET',
      smsFallbackUrl: 'https://example.com/fallback',
      smsFallbackMethod: 'POST',
      friendlyName: 'Support line',
      statusCallback: 'https://example.com/status',
    });
    expect(updated.dateUpdated.getTime()).toBe(Math.floor(emu.clock.now() / 1000) * 1000);
    expect(updated.dateCreated).toEqual(fetched.dateCreated);
    const again = await client.incomingPhoneNumbers(listed!.sid).fetch();
    expect(again.toJSON()).toEqual(updated.toJSON());

    const cleared = await client.incomingPhoneNumbers(listed!.sid).update({ smsUrl: '', smsMethod: 'POST' });
    expect([cleared.smsUrl, cleared.smsMethod, cleared.friendlyName]).toEqual(['', 'POST', 'Support line']);
  });

  it('MUST answer 404/20404 for an unknown or malformed SID, on fetch, update and remove', async () => {
    const unknown = 'PN' + '0'.repeat(32);
    expect(await restError(client.incomingPhoneNumbers(unknown).fetch())).toEqual({ status: 404, code: 20404 });
    expect(await restError(client.incomingPhoneNumbers(unknown).update({ smsUrl: 'https://example.com/' }))).toEqual({ status: 404, code: 20404 });
    expect(await restError(client.incomingPhoneNumbers(unknown).remove())).toEqual({ status: 404, code: 20404 });
    expect(await restError(client.incomingPhoneNumbers('SM' + '0'.repeat(32)).fetch())).toEqual({ status: 404, code: 20404 });
  });

  it("MUST refuse an invalid SmsUrl (21402), StatusCallback (21502) or SmsMethod (21403), changing nothing", async () => {
    const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: NUMBER });
    const context = client.incomingPhoneNumbers(number!.sid);
    expect(await restError(context.update({ smsUrl: 'not a url' }))).toEqual({ status: 400, code: 21402 });
    expect(await restError(context.update({ smsUrl: 'ftp://example.com/sms' }))).toEqual({ status: 400, code: 21402 });
    expect(await restError(context.update({ smsFallbackUrl: '/relative' }))).toEqual({ status: 400, code: 21402 });
    expect(await restError(context.update({ statusCallback: 'nope' }))).toEqual({ status: 400, code: 21502 });
    expect(await restError(context.update({ smsUrl: 'https://example.com/sms', smsMethod: 'PUT' }))).toEqual({ status: 400, code: 21403 });
    expect((await context.fetch()).toJSON()).toEqual(number!.toJSON());
  });

  it('MUST release a number with remove(); it is then 404 and gone from the list', async () => {
    const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: OTHER });
    expect(await client.incomingPhoneNumbers(number!.sid).remove()).toBe(true);
    expect(await restError(client.incomingPhoneNumbers(number!.sid).fetch())).toEqual({ status: 404, code: 20404 });
    expect((await client.incomingPhoneNumbers.list()).map((n) => n.phoneNumber)).toEqual([NUMBER]);
  });
});

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A web application on 127.0.0.1: records each request and answers 200 with empty TwiML, or 500 under /broken. */
async function startReceiver(): Promise<{ base: string; received: Received[]; next(): Promise<Received>; close(): Promise<void> }> {
  const received: Received[] = [];
  const waiting: Array<(r: Received) => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(entry);
      waiting.shift()?.(entry);
      res.writeHead(req.url?.startsWith('/broken') ? 500 : 200, { 'content-type': 'text/xml' });
      res.end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let seen = 0;
  return {
    base,
    received,
    /** The next request, in order of arrival; rejects when none comes within 3 s. */
    next: () => {
      const index = seen++;
      if (index < received.length) return Promise.resolve(received[index]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request #${index + 1} reached the receiver within 3 s`)), 3000);
        waiting.push((entry) => {
          clearTimeout(timer);
          resolve(entry);
        });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('incoming messages to a number with an SmsUrl', () => {
  let emu: Emu;
  let client: twilio.Twilio;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const logs: string[] = [];

  beforeEach(async () => {
    logs.length = 0;
    receiver = await startReceiver();
    emu = await startEmulator({ log: (line) => logs.push(line) });
    client = twilioClientFor(emu);
  });
  afterEach(async () => {
    await emu.stop();
    await receiver.close();
  });

  /** Injects a message as a handset would send it and lets the emulator receive it. */
  async function inject(form: Record<string, string | string[]>): Promise<string> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    const res = await fetch(`${emu.url}/emulator/inbound`, { method: 'POST', headers: { authorization: basic(emu) }, body });
    expect(res.status).toBe(201);
    const { sid } = (await res.json()) as { sid: string };
    emu.clock.advance(500);
    emu.store.tick();
    return sid;
  }

  async function numberSid(): Promise<string> {
    return (await client.incomingPhoneNumbers.list({ phoneNumber: NUMBER }))[0]!.sid;
  }

  it('MUST POST Twilio\'s parameters, media included, signed so that twilio.validateRequest accepts them', async () => {
    const smsUrl = `${receiver.base}/twilio/inbound?tenant=7`;
    await client.incomingPhoneNumbers(await numberSid()).update({ smsUrl, smsMethod: 'POST' });
    const sid = await inject({ From: '+14155550111', To: NUMBER, Body: 'Photos of the damage ✅', MediaUrl: ['https://e.com/a.jpg', 'https://e.com/b.png'] });
    const request = await receiver.next();
    const media = emu.store.get(emu.account.accountSid, sid)!.media;
    const mediaUrl = (n: number) => `${emu.url}/2010-04-01/Accounts/${emu.account.accountSid}/Messages/${sid}/Media/${media[n]!.sid}`;
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(params).toEqual({
      AccountSid: emu.account.accountSid,
      ApiVersion: '2010-04-01',
      Body: 'Photos of the damage ✅',
      From: '+14155550111',
      FromCity: '', FromCountry: 'US', FromState: '', FromZip: '',
      MediaContentType0: 'image/jpeg',
      MediaContentType1: 'image/png',
      MediaUrl0: mediaUrl(0),
      MediaUrl1: mediaUrl(1),
      MessageSid: sid,
      NumMedia: '2',
      NumSegments: '1',
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: NUMBER,
      ToCity: '', ToCountry: 'US', ToState: '', ToZip: '',
    });
    expect(sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect([request.method, request.url]).toEqual(['POST', '/twilio/inbound?tenant=7']);
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const signature = String(request.headers['x-twilio-signature']);
    expect(twilio.validateRequest(emu.account.authToken, signature, smsUrl, params)).toBe(true);
    expect(twilio.validateRequest('another-token', signature, smsUrl, params)).toBe(false);
    expect(twilio.validateRequest(emu.account.authToken, signature, smsUrl, { ...params, Body: 'forged' })).toBe(false);

    // The message is received by then, and its media URL serves the bytes to the account's credentials.
    expect((await client.messages(sid).fetch()).status).toBe('received');
    const image = await fetch(params['MediaUrl1']!, { headers: { authorization: basic(emu) } });
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
    await image.arrayBuffer();
    expect(receiver.received).toHaveLength(1);
  });

  it('MUST send the parameters in the query string with SmsMethod GET, signing the full URL', async () => {
    await client.incomingPhoneNumbers(await numberSid()).update({ smsUrl: `${receiver.base}/twilio/inbound?tenant=7`, smsMethod: 'GET' });
    const sid = await inject({ From: '+447700900123', To: NUMBER, Body: 'hello from London' });
    const request = await receiver.next();
    expect([request.method, request.body]).toEqual(['GET', '']);
    const url = new URL(request.url, receiver.base);
    expect(url.pathname).toBe('/twilio/inbound');
    const { tenant, ...params } = Object.fromEntries(url.searchParams);
    expect(tenant).toBe('7');
    expect(params).toEqual({
      AccountSid: emu.account.accountSid, ApiVersion: '2010-04-01', Body: 'hello from London',
      From: '+447700900123', FromCity: '', FromCountry: 'GB', FromState: '', FromZip: '',
      MessageSid: sid, NumMedia: '0', NumSegments: '1', SmsMessageSid: sid, SmsSid: sid, SmsStatus: 'received',
      To: NUMBER, ToCity: '', ToCountry: 'US', ToState: '', ToZip: '',
    });
    expect(request.url.startsWith('/twilio/inbound?tenant=7&')).toBe(true);
    const signature = String(request.headers['x-twilio-signature']);
    expect(twilio.validateRequest(emu.account.authToken, signature, `${receiver.base}${request.url}`, {})).toBe(true);
    expect(twilio.validateRequest(emu.account.authToken, signature, `${receiver.base}/twilio/inbound?tenant=7`, params)).toBe(false);
  });

  it('MUST call nothing for a number without SmsUrl, and send a WhatsApp message to its number with WaId', async () => {
    await inject({ From: '+14155550111', To: NUMBER, Body: 'nobody listens' });
    emu.setSmsUrl(`${receiver.base}/wa`);
    const sid = await inject({ From: 'whatsapp:+14155550112', To: `whatsapp:${NUMBER}`, Body: 'hi' });
    const request = await receiver.next();
    const params = Object.fromEntries(new URLSearchParams(request.body));
    expect(params).toMatchObject({ MessageSid: sid, From: 'whatsapp:+14155550112', To: `whatsapp:${NUMBER}`, WaId: '14155550112' });
    expect(Object.keys(params).filter((k) => /City|Country|State|Zip/.test(k))).toEqual([]);
    expect(twilio.validateRequest(emu.account.authToken, String(request.headers['x-twilio-signature']), `${receiver.base}/wa`, params)).toBe(true);
    await emu.stop();
    expect(receiver.received.map((r) => r.url)).toEqual(['/wa']);
  });

  it('MUST log a failed call rather than throw, and try the SmsFallbackUrl when there is one', async () => {
    const sid = await numberSid();
    await client.incomingPhoneNumbers(sid).update({ smsUrl: `${receiver.base}/broken` });
    const first = await inject({ From: '+14155550111', To: NUMBER, Body: 'one' });
    await receiver.next();
    await client.incomingPhoneNumbers(sid).update({ smsFallbackUrl: `${receiver.base}/fallback`, smsFallbackMethod: 'GET' });
    const second = await inject({ From: '+14155550111', To: NUMBER, Body: 'two' });
    expect((await receiver.next()).url).toBe('/broken');
    const fallback = await receiver.next();
    expect(fallback.method).toBe('GET');
    expect(new URL(fallback.url, receiver.base).searchParams.get('MessageSid')).toBe(second);
    expect(twilio.validateRequest(emu.account.authToken, String(fallback.headers['x-twilio-signature']), `${receiver.base}${fallback.url}`, {})).toBe(true);
    await emu.stop();
    expect(logs).toEqual([
      `emulator: incoming message ${first} to ${receiver.base}/broken failed: HTTP 500`,
      `emulator: incoming message ${second} to ${receiver.base}/broken failed: HTTP 500; trying its SmsFallbackUrl ${receiver.base}/fallback`,
    ]);
  });
});

describe('pointing the emulator\'s numbers somewhere (EmulatorOptions.smsUrl, Emulator.setSmsUrl)', () => {
  it('applies smsUrl and smsMethod to every seeded number, and setSmsUrl changes one or all', async () => {
    const emu = await startEmulator({ phoneNumbers: [NUMBER, OTHER], smsUrl: 'http://127.0.0.1:9/twilio/inbound', smsMethod: 'GET' });
    try {
      const client = twilioClientFor(emu);
      const urls = async () => (await client.incomingPhoneNumbers.list()).map((n) => `${n.phoneNumber} ${n.smsMethod} ${n.smsUrl}`);
      expect(await urls()).toEqual([`${OTHER} GET http://127.0.0.1:9/twilio/inbound`, `${NUMBER} GET http://127.0.0.1:9/twilio/inbound`]);
      emu.setSmsUrl('https://example.com/one', { phoneNumber: OTHER });
      expect(await urls()).toEqual([`${OTHER} POST https://example.com/one`, `${NUMBER} GET http://127.0.0.1:9/twilio/inbound`]);
      emu.setSmsUrl(null);
      expect(await urls()).toEqual([`${OTHER} POST `, `${NUMBER} POST `]);
      expect(() => emu.setSmsUrl('https://example.com/', { phoneNumber: '+14155550100' })).toThrow(/not one of the account's numbers/);
      expect(() => emu.setSmsUrl('example.com/sms')).toThrow(/not an absolute http\(s\) URL/);
    } finally {
      await emu.stop();
    }
    await expect(startEmulator({ smsUrl: 'nope' })).rejects.toThrow(/not an absolute http\(s\) URL/);
  });
});
