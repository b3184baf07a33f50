/**
 * Property: whatever document, variables or body a caller throws at the gateway, it never answers 5xx,
 * never shows a secret, and never sends a message it does not report as sent.
 */
import fc from 'fast-check';
import { startStack } from '../support/gateway.js';

type Stack = Awaited<ReturnType<typeof startStack>>;

const SEND = 'mutation($input: CreateMessageInput!) { createMessage(input: $input) { message { sid } userErrors { code } } }';
const QUERY = 'query($first: Int, $after: String, $filter: MessageFilter) { messages(first: $first, after: $after, filter: $filter) { nodes { sid media { url } } pageInfo { endCursor } } }';

/** A valid document with random damage: a slice cut out and random text put in. */
const damagedDocument = fc
  .tuple(fc.constantFrom(SEND, QUERY), fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 20 }))
  .map(([doc, at, cut, insert]) => {
    const i = at % doc.length;
    return doc.slice(0, i) + insert + doc.slice(i + cut);
  });

const variables = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    input: fc.record(
      {
        to: fc.oneof(fc.string(), fc.constantFrom('+14155550100', '+15005550001', 'whatsapp:+1')),
        from: fc.oneof(fc.string(), fc.constant('+15005550006')),
        body: fc.string({ maxLength: 40 }),
        mediaUrls: fc.array(fc.oneof(fc.webUrl(), fc.string()), { maxLength: 12 }),
        sendAt: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        validityPeriod: fc.oneof(fc.integer(), fc.string()),
      },
      { requiredKeys: [] },
    ),
    first: fc.oneof(fc.integer(), fc.string()),
    after: fc.oneof(fc.string(), fc.base64String()),
  }),
);

const body = fc.oneof(
  fc.record({ query: fc.oneof(damagedDocument, fc.string()), variables }).map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);

describe('fuzzing the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('never answers 5xx, never leaks a secret, never sends silently', async () => {
    const secrets = [stack.emu.account.authToken, Buffer.from(`${stack.emu.account.accountSid}:${stack.emu.account.authToken}`).toString('base64')];
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'text/plain', 'application/graphql-response+json'), async (payload, contentType) => {
        const before = stack.emu.handler.calls.get('CreateMessage') ?? 0;
        const response = await fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body: payload });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|stacktrace/);
        const sends = (stack.emu.handler.calls.get('CreateMessage') ?? 0) - before;
        const reportedSid = /"createMessage":\{"message":\{"sid":"(SM|MM)/.test(text);
        // A send reaches Twilio only when the caller is told about it: as a message, or as a Twilio userError.
        if (!reportedSid && !text.includes('"twilioCode"') && !text.includes('"userErrors":[{')) expect(sends).toBe(0);
        expect(sends).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
