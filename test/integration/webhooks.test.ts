/**
 * Twilio's webhooks into the gateway: inbound messages and status callbacks are verified, validated and
 * bounded before anything is recorded, and what they record lands in the event log in order, once.
 */
import { computeSignature } from '../../src/protocol/signature.js';
import { EMPTY_TWIML } from '../../src/server/webhooks.js';
import { gql, startStack, startWiredStack } from '../support/gateway.js';
import { basicAuth } from '../support/emulator.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
const sid = (n: number) => `SM${String(n).padStart(32, 'a')}`;
const inbound = (n: number, extra: Record<string, string> = {}) => ({
  MessageSid: sid(n), SmsSid: sid(n), AccountSid: 'AC0123456789abcdef0123456789abcdef', From: '+14155550111', To: '+15005550006',
  Body: 'Hello there', NumMedia: '0', NumSegments: '1', ApiVersion: '2010-04-01', ...extra,
});

describe('webhooks into the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  const url = (path: string) => `${stack.url}${path}`;
  const post = (path: string, params: Record<string, string>, signedFor = url(path)) =>
    fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeSignature(stack.emu.account.authToken, signedFor, params) },
      body: new URLSearchParams(params).toString(),
    });
  const events = async () => (await stack.gateway.services.eventLog.after(null, 1000)) ?? [];

  it('answers a signed inbound message with empty TwiML and records it as RECEIVED', async () => {
    const response = await post('/twilio/inbound', inbound(1));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await response.text()).toBe(EMPTY_TWIML);
    expect((await events()).filter((e) => e.messageSid === sid(1))).toEqual([
      expect.objectContaining({ type: 'RECEIVED', status: 'received', from: '+14155550111', to: '+15005550006' }),
    ]);
    expect(await stack.gateway.services.statusBoard.get(sid(1))).toBe('received');
  });

  it('takes an inbound message by GET too (a number whose SmsMethod is GET), signed over the full URL', async () => {
    const path = `/twilio/inbound?${new URLSearchParams(inbound(2)).toString()}`;
    const response = await fetch(url(path), { headers: { 'x-twilio-signature': computeSignature(stack.emu.account.authToken, url(path), {}) } });
    expect(response.status).toBe(200);
    expect((await events()).some((e) => e.messageSid === sid(2))).toBe(true);
  });

  it('refuses a forged inbound message and records nothing', async () => {
    const before = (await events()).length;
    expect((await post('/twilio/inbound', inbound(3), 'http://evil.example/twilio/inbound')).status).toBe(403);
    const unsigned = await fetch(url('/twilio/inbound'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(inbound(3)).toString() });
    expect(unsigned.status).toBe(403);
    expect((await events()).length).toBe(before);
  });

  it.each([
    ['a malformed MessageSid', { MessageSid: 'SM-not-a-sid' }],
    ['a body over 1600 characters', { Body: 'x'.repeat(1601) }],
    ['more than 10 media', { NumMedia: '11' }],
    ['a media URL that is not http(s)', { NumMedia: '1', MediaUrl0: 'javascript:alert(1)', MediaContentType0: 'image/png' }],
    ['no From', { From: '' }],
  ])('refuses %s, even signed, and records nothing', async (_name, extra) => {
    const before = (await events()).length;
    expect((await post('/twilio/inbound', inbound(4, extra))).status).toBe(400);
    expect((await events()).length).toBe(before);
  });

  it('records each forward step of a status once, in order, and nothing for duplicates or late ones', async () => {
    const callback = (status: string) => post('/twilio/status-callback', { MessageSid: sid(5), MessageStatus: status, From: '+15005550006', To: '+14155550100' });
    for (const status of ['queued', 'sent', 'sent', 'delivered', 'sent', 'failed']) expect((await callback(status)).status).toBe(204);
    const steps = (await events()).filter((e) => e.messageSid === sid(5));
    expect(steps.map((e) => [e.type, e.status])).toEqual([
      ['STATUS_CHANGED', 'queued'],
      ['STATUS_CHANGED', 'sent'],
      ['STATUS_CHANGED', 'delivered'],
    ]);
    const cursors = steps.map((e) => Number(e.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
  });
});

describe('status callbacks wired to the gateway itself', () => {
  it('asks an embedded emulator to call the gateway back, and records every step up to DELIVERED, in order', async () => {
    // As npm start runs it: no Twilio configured, so the gateway knows the emulator can reach it.
    const { emu, gateway, url, stop } = await startWiredStack();
    try {
      const sent = await gql<{ createMessage: { message: { sid: string } } }>(
        url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "tick" }) { message { sid } } }');
      const messageSid = sent.data!.createMessage.message.sid;
      const steps = async () => ((await gateway.services.eventLog.after(null, 100)) ?? []).filter((e) => e.messageSid === messageSid).map((e) => e.status);
      // One step at a time (callbacks of one tick race each other); the emulator posts on its own tick, so wait
      // for each (the test's timeout bounds the wait).
      for (const [ms, status] of [[1_000, 'sending'], [1_000, 'sent'], [3_000, 'delivered']] as const) {
        emu.clock.advance(ms);
        while (!(await steps()).includes(status)) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await steps()).toEqual(['sending', 'sent', 'delivered']);
    } finally {
      await stop();
    }
  });

  it('receives an inbound message from a number whose SmsUrl points at the gateway, as npm start wires it', async () => {
    const { emu, gateway, url, stop } = await startWiredStack();
    emu.setSmsUrl(`${url}/twilio/inbound`);
    try {
      const injected = await fetch(`${emu.url}/emulator/inbound`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(emu.account),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ From: '+14155550111', To: '+15005550006', Body: 'Hello' }).toString(),
      });
      const { sid: messageSid } = (await injected.json()) as { sid: string };
      emu.clock.advance(1_000);
      const received = async () => ((await gateway.services.eventLog.after(null, 100)) ?? []).filter((e) => e.messageSid === messageSid);
      while ((await received()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await received()).toEqual([expect.objectContaining({ type: 'RECEIVED', status: 'received', from: '+14155550111', to: '+15005550006' })]);
    } finally {
      await stop();
    }
  });

  it('leaves the callback to the caller when one is given, and asks for none when Twilio could not reach the gateway', async () => {
    const stack = await startStack();
    try {
      const params: string[] = [];
      const original = stack.emu.handler.handle.bind(stack.emu.handler);
      stack.emu.handler.handle = (req) => {
        if (req.method === 'POST' && req.url.endsWith('/Messages.json')) params.push(new URLSearchParams(req.body).get('StatusCallback') ?? 'none');
        return original(req);
      };
      await gql(stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "a" }) { message { sid } } }');
      await gql(stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "b", statusCallback: "http://127.0.0.1:9/cb" }) { message { sid } } }');
      expect(params).toEqual(['none', 'http://127.0.0.1:9/cb']);
    } finally {
      await stack.stop();
    }
  });
});
