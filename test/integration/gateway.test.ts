/**
 * The real gateway against the real emulator over HTTP: every root field, every Message field, the
 * emulator's error paths, pagination, and upstream calls counted at the emulator.
 */
import twilio from 'twilio';
import {
  MessageBySidDocument,
  MessagePreviewDocument,
  RecentMessagesDocument,
  SendMessageDocument,
  type MessageFieldsFragment,
  type RecentMessagesQuery,
} from '../../src/__generated__/client/graphql.js';
import { createContext, primeMessages } from '../../src/graphql/context.js';
import { twilioClientFor } from '../support/emulator.js';
import { gql, run, startStack, type GqlResult } from '../support/gateway.js';

type Stack = Awaited<ReturnType<typeof startStack>>;
const FROM = '+15005550006';

describe('gateway ↔ emulator', () => {
  let stack: Stack;
  let client: twilio.Twilio;
  const calls = (op: string) => stack.emu.handler.calls.get(op as never) ?? 0;

  beforeAll(async () => {
    stack = await startStack();
    client = twilioClientFor(stack.emu);
  });
  afterAll(async () => {
    await stack.stop();
  });
  beforeEach(() => stack.emu.handler.resetCalls());

  /** Sends through the SDK (not the gateway) and lets the lifecycle finish. */
  async function seedMessage(params: { to: string; body?: string; mediaUrl?: string[] }) {
    const message = await client.messages.create({ from: FROM, body: 'seed', ...params });
    return message;
  }

  it('answers message(sid) with every field, typed and converted from the wire', async () => {
    const sent = await seedMessage({ to: '+14155550120', body: 'héllo wörld', mediaUrl: ['https://example.com/cat.jpg'] });
    stack.emu.clock.advance(5_000);
    const wire = await client.messages(sent.sid).fetch();
    stack.emu.handler.resetCalls();
    const result = await run(stack.url, MessageBySidDocument, { sid: sent.sid });
    expect(result.errors).toBeUndefined();
    const m = result.data!.message!;
    const expected: MessageFieldsFragment = {
      id: sent.sid,
      sid: sent.sid,
      accountSid: stack.emu.account.accountSid,
      messagingServiceSid: null,
      from: FROM,
      to: '+14155550120',
      body: 'héllo wörld',
      status: 'DELIVERED',
      direction: 'OUTBOUND_API',
      numSegments: 1,
      numMedia: 1,
      price: { amount: '-0.02000', currency: 'USD' },
      errorCode: null,
      errorMessage: null,
      dateCreated: wire.dateCreated.toISOString(),
      dateUpdated: wire.dateUpdated.toISOString(),
      dateSent: wire.dateSent.toISOString(),
      media: [
        {
          id: `${sent.sid}:${m.media[0]!.sid}`,
          sid: m.media[0]!.sid,
          parentSid: sent.sid,
          contentType: 'image/jpeg',
          url: expect.stringMatching(new RegExp(`^${stack.url}/media/${sent.sid}/${m.media[0]!.sid}\\?expires=\\d+&signature=[\\w-]{43}$`)) as string,
          dateCreated: wire.dateCreated.toISOString(),
        },
      ],
    };
    expect(m).toEqual(expected);
    expect([calls('FetchMessage'), calls('ListMedia')]).toEqual([1, 1]);
    // The gateway serves the bytes itself: a browser needs no credentials, and no account SID shows.
    expect(m.media[0]!.url).not.toContain(stack.emu.account.accountSid);
    const content = await fetch(m.media[0]!.url);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('previews a draft as the emulator then sends it: same segments, same price, and no Twilio call', async () => {
    const body = 'ça va? ' + 'x'.repeat(70);
    const preview = await run(stack.url, MessagePreviewDocument, { body, mediaCount: 1 });
    expect(preview.data!.messagePreview).toEqual({
      encoding: 'UCS_2', segments: 2, characters: 77, charactersPerSegment: 67, unicodeCharacters: ['ç'],
      estimatedPrice: { amount: '-0.04000', currency: 'USD' },
    });
    expect(stack.emu.handler.totalCalls()).toBe(0);
    const sent = await seedMessage({ to: '+14155550121', body, mediaUrl: ['https://example.com/a.png'] });
    stack.emu.clock.advance(5_000);
    const wire = await client.messages(sent.sid).fetch();
    expect([wire.numSegments, wire.price]).toEqual([String(preview.data!.messagePreview.segments), preview.data!.messagePreview.estimatedPrice!.amount]);
  });

  it('maps failed deliveries: errorCode and errorMessage', async () => {
    const sent = await seedMessage({ to: '+15005550011' });
    stack.emu.clock.advance(5_000);
    const result = await gql<{ message: { status: string; errorCode: number; errorMessage: string } }>(
      stack.url, 'query($sid: ID!) { message(sid: $sid) { status errorCode errorMessage } }', { sid: sent.sid });
    expect(result.data!.message).toEqual({ status: 'UNDELIVERED', errorCode: 30005, errorMessage: 'Unknown destination handset' });
  });

  it('returns null for an unknown SID (Twilio 404), and makes no call for a SID that cannot exist', async () => {
    const unknown = await gql(stack.url, 'query { a: message(sid: "SM00000000000000000000000000000000") { sid } b: message(sid: "nope") { sid } }');
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ a: null, b: null });
    expect(calls('FetchMessage')).toBe(1);
  });

  it('fetches a message asked for twice in one operation once', async () => {
    const sent = await seedMessage({ to: '+14155550121' });
    stack.emu.handler.resetCalls();
    const result = await gql(stack.url, 'query($sid: ID!) { a: message(sid: $sid) { sid } b: message(sid: $sid) { body } c: node(id: $sid) { id } }', { sid: sent.sid });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { sid: sent.sid }, b: { body: 'seed' }, c: { id: sent.sid } });
    expect(calls('FetchMessage')).toBe(1);
  });

  it('lists 50 messages with media on 10 using 1 list call + 10 media calls, and primes the message loader', async () => {
    const to = '+14155550150';
    const withMedia = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const m = await seedMessage({ to, body: `n${i}`, ...(i % 5 === 0 ? { mediaUrl: [`https://example.com/${i}.png`] } : {}) });
      if (i % 5 === 0) withMedia.add(m.sid);
    }
    stack.emu.clock.advance(5_000);
    stack.emu.handler.resetCalls();
    const first = await gql<{ messages: { nodes: Array<{ sid: string; numMedia: number; media: Array<{ sid: string }> }> } }>(
      stack.url, 'query($to: String) { messages(first: 50, filter: { to: $to }) { nodes { sid status numMedia media { sid contentType } } } }', { to });
    expect(first.errors).toBeUndefined();
    const nodes = first.data!.messages.nodes;
    expect(nodes).toHaveLength(50);
    expect(nodes.filter((n) => n.media.length === 1).map((n) => n.sid).sort()).toEqual([...withMedia].sort());
    expect({ list: calls('ListMessage'), media: calls('ListMedia'), fetch: calls('FetchMessage') }).toEqual({ list: 1, media: 10, fetch: 0 });

    // Root fields resolve in parallel, so priming pays off for lookups that come after the list in the same request.
    stack.emu.handler.resetCalls();
    const ctx = createContext(stack.gateway.services, { id: 'test' }, 1_000);
    const page = await ctx.twilio.listMessages(new URLSearchParams({ To: to, PageSize: '5' }));
    primeMessages(ctx.loaders, page.messages);
    const again = await ctx.loaders.message.load(page.messages[3]!.sid!);
    expect(again?.body).toBe(page.messages[3]!.body);
    expect({ list: calls('ListMessage'), fetch: calls('FetchMessage') }).toEqual({ list: 1, fetch: 0 });
  });

  it('pages through three pages with filters; pageInfo right on first, middle and last; mid-page cursors work', async () => {
    const to = '+14155550177';
    const sids: string[] = [];
    for (let i = 0; i < 7; i++) {
      sids.push((await seedMessage({ to, body: `p${i}` })).sid);
      stack.emu.clock.advance(1_000);
    }
    stack.emu.clock.advance(5_000);
    const newestFirst = [...sids].reverse();
    const filter = { to, dateSentAfter: new Date(stack.emu.clock.now() - 3_600_000).toISOString() };
    const pages: string[][] = [];
    const infos: Array<{ hasNextPage: boolean; hasPreviousPage: boolean }> = [];
    let after: string | null = null;
    stack.emu.handler.resetCalls();
    for (let guard = 0; guard < 5; guard++) {
      const page: GqlResult<RecentMessagesQuery> = await run(stack.url, RecentMessagesDocument, { first: 3, after, filter });
      expect(page.errors).toBeUndefined();
      const connection = page.data!.messages;
      pages.push(connection.edges.map((e) => e.node.sid));
      infos.push({ hasNextPage: connection.pageInfo.hasNextPage, hasPreviousPage: connection.pageInfo.hasPreviousPage });
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]!.cursor);
      expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1]!.cursor);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
    expect(infos).toEqual([
      { hasNextPage: true, hasPreviousPage: false },
      { hasNextPage: true, hasPreviousPage: true },
      { hasNextPage: false, hasPreviousPage: true },
    ]);
    expect(calls('ListMessage')).toBe(3);

    const firstPage = await run(stack.url, RecentMessagesDocument, { first: 3, filter });
    const midCursor = firstPage.data!.messages.edges[0]!.cursor;
    const fromMid = await run(stack.url, RecentMessagesDocument, { first: 5, after: midCursor, filter });
    expect(fromMid.data!.messages.edges.map((e) => e.node.sid)).toEqual(newestFirst.slice(1, 3));
    expect(fromMid.data!.messages.pageInfo.hasNextPage).toBe(true);

    const otherFilter = await run(stack.url, RecentMessagesDocument, { first: 3, after: midCursor, filter: { to: '+19999999999' } });
    expect(otherFilter.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const forged = await run(stack.url, RecentMessagesDocument, { first: 3, after: Buffer.from('0|Foo=bar').toString('base64url') });
    expect(forged.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it.each([0, -1, 1001])('refuses first: %i with BAD_USER_INPUT and no upstream call', async (first) => {
    const result = await gql(stack.url, `query { messages(first: ${first}) { nodes { sid } } }`);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('1 to 1000');
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('sends an MMS with every input Twilio takes, as one POST', async () => {
    const result = await run(stack.url, SendMessageDocument, {
      input: {
        to: '+14155550130',
        from: FROM,
        body: 'look',
        mediaUrls: ['https://example.com/1.jpg', 'https://example.com/2.gif'],
        statusCallback: 'https://example.com/status',
        validityPeriod: 600,
        smartEncoded: true,
        provideFeedback: true,
        contentRetention: 'RETAIN',
        addressRetention: 'RETAIN',
        riskCheck: 'ENABLE',
      },
    });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.createMessage;
    expect(payload.userErrors).toEqual([]);
    expect(payload.message!.sid).toMatch(/^MM/);
    expect(payload.message!.status).toBe('QUEUED');
    expect(payload.message!.numMedia).toBe(2);
    expect(payload.message!.media.map((m) => m.contentType)).toEqual(['image/gif', 'image/jpeg']);
    expect(calls('CreateMessage')).toBe(1);
    expect(calls('FetchMessage')).toBe(0);
  });

  it('schedules through a Messaging Service with sendAt, then cancels', async () => {
    const sendAt = new Date(stack.emu.clock.now() + 3_600_000).toISOString();
    const created = await gql<{ createMessage: { message: { sid: string; status: string; dateSent: string | null } } }>(
      stack.url,
      'mutation($input: CreateMessageInput!) { createMessage(input: $input) { message { sid status dateSent } userErrors { code } } }',
      { input: { to: '+14155550131', messagingServiceSid: 'MG' + 'd'.repeat(32), body: 'later', sendAt } },
    );
    expect(created.data!.createMessage.message).toMatchObject({ status: 'SCHEDULED', dateSent: null });
    const sid = created.data!.createMessage.message.sid;
    const canceled = await gql(stack.url, `mutation { cancelMessage(sid: "${sid}") { message { status from } userErrors { code } } }`);
    expect(canceled.data).toEqual({ cancelMessage: { message: { status: 'CANCELED', from: null }, userErrors: [] } });
    const again = await gql(stack.url, `mutation { updateMessage(input: { sid: "${sid}", status: CANCELED }) { message { sid } userErrors { field code twilioCode moreInfo } } }`);
    expect(again.data).toEqual({
      updateMessage: { message: null, userErrors: [{ field: ['input', 'status'], code: 'NOT_CANCELABLE', twilioCode: 30409, moreInfo: 'https://www.twilio.com/docs/errors/30409' }] },
    });
  });

  it.each([
    ['+15005550001', FROM, 'INVALID_PHONE_NUMBER', 21211, 'to'],
    ['+15005550002', FROM, 'RECIPIENT_UNREACHABLE', 21612, 'to'],
    ['+15005550003', FROM, 'REGION_NOT_PERMITTED', 21408, 'to'],
    ['+15005550004', FROM, 'RECIPIENT_OPTED_OUT', 21610, 'to'],
    ['+15005550009', FROM, 'NOT_A_MOBILE_NUMBER', 21614, 'to'],
    ['not a number', FROM, 'INVALID_PHONE_NUMBER', 21211, 'to'],
    ['+14155550100', '+15005550001', 'INVALID_SENDER', 21212, 'from'],
    ['+14155550100', '+15005550007', 'SENDER_NOT_CAPABLE', 21606, 'from'],
    ['+14155550100', '+15005550008', 'SENDER_QUEUE_FULL', 21611, 'from'],
  ])('turns Twilio refusing To %s / From %s into userError %s (%i)', async (to, from, code, twilioCode, field) => {
    const result = await run(stack.url, SendMessageDocument, { input: { to, from, body: 'x' } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createMessage).toEqual({
      message: null,
      userErrors: [expect.objectContaining({ field: ['input', field], code, twilioCode, moreInfo: `https://www.twilio.com/docs/errors/${twilioCode}` })],
    });
    expect(calls('CreateMessage')).toBe(1);
  });

  it.each([
    ['no sender', { to: '+14155550100', body: 'x' }, 'SENDER_REQUIRED', 21603],
    ['no content', { to: '+14155550100', from: FROM }, 'CONTENT_REQUIRED', 21602],
    ['a body over 1600 characters', { to: '+14155550100', from: FROM, body: 'z'.repeat(1601) }, 'BODY_TOO_LONG', 21617],
    ['sendAt too soon', { to: '+14155550100', messagingServiceSid: 'MG' + 'e'.repeat(32), body: 'x', sendAt: new Date(Date.now() + 60_000).toISOString() }, 'INVALID_SCHEDULE', 35114],
  ])('turns %s into a userError', async (_name, input, code, twilioCode) => {
    const result = await run(stack.url, SendMessageDocument, { input });
    expect(result.data!.createMessage.userErrors[0]).toMatchObject({ code, twilioCode });
  });

  it('refuses a malformed From at the PhoneNumber scalar, before Twilio', async () => {
    const result = await run(stack.url, SendMessageDocument, { input: { to: '+14155550100', from: 'not a number!', body: 'x' } });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.emu.handler.totalCalls()).toBe(0);
  });

  it('redacts and deletes finished messages; refuses in-flight ones; unknown SIDs are NOT_FOUND', async () => {
    const sent = await seedMessage({ to: '+14155550140', body: 'secret' });
    const early = await gql(stack.url, `mutation { deleteMessage(sid: "${sent.sid}") { deletedSid userErrors { field code twilioCode } } }`);
    expect(early.data).toEqual({ deleteMessage: { deletedSid: null, userErrors: [{ field: ['sid'], code: 'DELIVERY_NOT_COMPLETE', twilioCode: 20009 }] } });
    stack.emu.clock.advance(5_000);
    const redacted = await gql(stack.url, `mutation { redactMessage(sid: "${sent.sid}") { message { body status } userErrors { code } } }`);
    expect(redacted.data).toEqual({ redactMessage: { message: { body: '', status: 'DELIVERED' }, userErrors: [] } });
    const badBody = await gql(stack.url, `mutation { updateMessage(input: { sid: "${sent.sid}", body: "new text" }) { userErrors { field code } } }`);
    expect(badBody.data).toEqual({ updateMessage: { userErrors: [{ field: ['input', 'body'], code: 'INVALID_BODY' }] } });
    const deleted = await gql(stack.url, `mutation { deleteMessage(sid: "${sent.sid}") { deletedSid userErrors { code } } }`);
    expect(deleted.data).toEqual({ deleteMessage: { deletedSid: sent.sid, userErrors: [] } });
    const gone = await gql(stack.url, `query { message(sid: "${sent.sid}") { sid } }`);
    expect(gone.data).toEqual({ message: null });
    const missing = await gql(stack.url, `mutation { redactMessage(sid: "SM${'1'.repeat(32)}") { message { sid } userErrors { field code twilioCode } } }`);
    expect(missing.data).toEqual({ redactMessage: { message: null, userErrors: [{ field: ['sid'], code: 'NOT_FOUND', twilioCode: 20404 }] } });
  });

  it('resolves node(id) for messages and media', async () => {
    const sent = await seedMessage({ to: '+14155550141', mediaUrl: ['https://example.com/a.png'] });
    const media = await client.messages(sent.sid).media.list();
    const id = `${sent.sid}:${media[0]!.sid}`;
    const result = await gql(stack.url, `query { m: node(id: "${sent.sid}") { __typename id ... on Message { to } } d: node(id: "${id}") { __typename id ... on Media { contentType parentSid } } x: node(id: "zzz") { id } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      m: { __typename: 'Message', id: sent.sid, to: '+14155550141' },
      d: { __typename: 'Media', id, contentType: 'image/png', parentSid: sent.sid },
      x: null,
    });
  });

  it('sends once per idempotency key, concurrent or repeated; different keys send separately', async () => {
    const input = { to: '+14155550142', from: FROM, body: 'once', idempotencyKey: 'order-1042' };
    const [a, b] = await Promise.all([run(stack.url, SendMessageDocument, { input }), run(stack.url, SendMessageDocument, { input })]);
    const c = await run(stack.url, SendMessageDocument, { input });
    const sids = [a, b, c].map((r) => r.data!.createMessage.message!.sid);
    expect(new Set(sids).size).toBe(1);
    expect(calls('CreateMessage')).toBe(1);
    await run(stack.url, SendMessageDocument, { input: { ...input, idempotencyKey: 'order-1043' } });
    expect(calls('CreateMessage')).toBe(2);
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
  });
});

describe('gateway configuration against the emulator', () => {
  it('authenticates upstream with an API key', async () => {
    const stack = await startStack();
    const key = stack.emu.account.apiKeys[0]!;
    await stack.stop();
    const viaKey = await startStack({ TWILIO_API_KEY: key.sid, TWILIO_API_SECRET: key.secret, TWILIO_AUTH_TOKEN: '' });
    try {
      const result = await gql(viaKey.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "k" }) { message { accountSid } } }');
      expect(result.data).toEqual({ createMessage: { message: { accountSid: viaKey.emu.account.accountSid } } });
    } finally {
      await viaKey.stop();
    }
  });

  it('reports UPSTREAM_AUTH_FAILED for bad credentials, without echoing them', async () => {
    const stack = await startStack({ TWILIO_AUTH_TOKEN: 'wrong-token-value-1234' });
    try {
      const result = await gql(stack.url, 'query { messages { nodes { sid } } }');
      expect(result.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_AUTH_FAILED');
      expect(result.raw).not.toContain('wrong-token-value-1234');
      expect(result.raw).not.toContain(stack.emu.account.accountSid);
      expect(result.raw).not.toMatch(/Basic |stack|at .*\.ts/);
    } finally {
      await stack.stop();
    }
  });

  it('receives signed status callbacks and refuses forged ones', async () => {
    const statuses: string[] = [];
    const stack = await startStack({}, { gateway: { onStatusCallback: (p) => statuses.push(p['MessageStatus']!) } });
    try {
      const callback = `${stack.url}/twilio/status-callback`;
      const sent = await gql<{ createMessage: { message: { sid: string } } }>(stack.url, `mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "cb", statusCallback: "${callback}" }) { message { sid } } }`);
      expect(sent.data!.createMessage.message.sid).toMatch(/^SM/);
      stack.emu.clock.advance(5_000);
      stack.emu.store.tick();
      for (let i = 0; i < 100 && statuses.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(statuses.sort()).toEqual(['delivered', 'sending', 'sent']);
      const forged = await fetch(callback, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
        body: 'MessageSid=SM1&MessageStatus=delivered',
      });
      expect(forged.status).toBe(403);
      expect(statuses).toHaveLength(3);
    } finally {
      await stack.stop();
    }
  });
});
