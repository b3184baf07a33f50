/**
 * A bounded load test on loopback: autocannon sends N distinct idempotency keys, each twice, through the
 * gateway to a fake Twilio that rate-limits one create in four. Exactly N messages must be created, no
 * answer may be 5xx, and upstream concurrency must stay at or under the configured cap.
 */
import autocannon from 'autocannon';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, startFakeUpstream, wireMessage, type FakeUpstream, type Step } from '../support/fake-upstream.js';
import { startGatewayFor } from '../support/gateway.js';

const KEYS = 150;
const CAP = 4;

describe('load with faults', () => {
  let fake: FakeUpstream;
  let stack: Awaited<ReturnType<typeof startGatewayFor>>;
  const created = new Map<string, number>();
  let posts = 0;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    const answer = (body: string): Step => {
      posts++;
      if (posts % 4 === 0) return { kind: 'json', status: 429, body: { code: 20429, message: 'Too Many Requests' }, headers: { 'retry-after': '0' } };
      const text = new URLSearchParams(body).get('Body') ?? '';
      created.set(text, (created.get(text) ?? 0) + 1);
      return { kind: 'slow', ms: 5, then: { kind: 'json', status: 201, body: wireMessage({ sid: `SM${String(created.size).padStart(32, '0')}`, body: text }) } };
    };
    fake.script('POST', [{ kind: 'fn', answer }]);
    stack = await startGatewayFor(fake.url, { sid: FAKE_ACCOUNT_SID, token: FAKE_AUTH_TOKEN }, {
      TWILIO_MAX_CONCURRENCY: String(CAP),
      SEND_RATE_LIMIT: '100000',
    });
  });
  afterAll(async () => {
    await stack.gateway.stop();
    await fake.stop();
  });

  it(`turns ${KEYS} keys sent twice each into exactly ${KEYS} messages, with no 5xx and at most ${CAP} upstream requests at once`, async () => {
    let n = 0;
    const statuses: number[] = [];
    const result = await autocannon({
      url: `${stack.url}/graphql`,
      connections: 16,
      amount: KEYS * 2,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const key = `key-${n++ % KEYS}`;
            const query = `mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "${key}", idempotencyKey: "${key}" }) { message { sid body } userErrors { code } } }`;
            return { ...req, body: JSON.stringify({ query }) };
          },
          onResponse: (status) => {
            statuses.push(status);
          },
        },
      ],
    });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(statuses).toHaveLength(KEYS * 2);
    expect(posts).toBeGreaterThan(KEYS); // the 429s really happened and were retried
    expect(created.size).toBe(KEYS);
    expect([...created.values()].every((count) => count === 1)).toBe(true);
    expect(fake.peakConcurrency).toBeLessThanOrEqual(CAP);
    expect(stack.gateway.services.upstream.limiter.peak).toBeLessThanOrEqual(CAP);
  });
});
