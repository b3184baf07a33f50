/**
 * What long-lived sockets need beyond HTTP's rules: per-caller caps on sockets and running operations, the
 * end of a socket when its JWT expires, and fan-out that costs Twilio one call per event, not one per subscriber.
 */
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gql, startWiredStack, type Stack } from '../support/gateway.js';
import { basicAuth } from '../support/emulator.js';
import { startJwks } from '../support/jwt.js';
import { firstErrorCode, nextClose, until, wsClient } from '../support/ws.js';

const EVENTS = 'subscription { messageEvents { cursor type message { sid status } } }';
type Event = { messageEvents: { cursor: string; type: string; message: { sid: string; status: string } } };

/** Starts a messageEvents subscription and returns what it receives as it comes. */
function follow(client: Client): { events: Event['messageEvents'][]; ended: Promise<void> } {
  const events: Event['messageEvents'][] = [];
  const ended = (async () => {
    for await (const result of client.iterate<Event>({ query: EVENTS })) if (result.data) events.push(result.data.messageEvents);
  })().catch(() => undefined);
  return { events, ended };
}

/** True once `client` has run a query: its earlier subscriptions on the same socket are then listening. */
const settled = async (client: Client): Promise<boolean> => (await client.iterate({ query: '{ __typename }' }).next()).value?.data?.['__typename'] === 'Query';

describe('per-caller caps on sockets and operations', () => {
  it('closes a caller\'s socket beyond MAX_SOCKETS_PER_CALLER with 4429, leaves other callers alone, and frees the place when one closes', async () => {
    const stack = await startWiredStack({ GATEWAY_API_KEYS: 'alice-key-000000,bob-key-00000000', MAX_SOCKETS_PER_CALLER: '2' });
    const alice = 'Bearer alice-key-000000';
    const clients: Client[] = [];
    const client = (authorization: string): Client => {
      const made = wsClient(stack.url, authorization);
      clients.push(made);
      return made;
    };
    try {
      const held = [client(alice), client(alice)];
      for (const c of held) follow(c);
      for (const c of held) expect(await settled(c)).toBe(true);

      const third = client(alice);
      const closed = nextClose(third);
      follow(third);
      expect(await closed).toBe(4429);

      expect(await settled(client('Bearer bob-key-00000000'))).toBe(true);

      await held[0]!.dispose();
      // The server forgets the socket when it sees the close; until then a new one may still be refused.
      await until(async () => settled(client(alice)).catch(() => false));
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await stack.stop();
    }
  });

  it('refuses an operation beyond MAX_SUBSCRIPTIONS_PER_CALLER with RATE_LIMITED, and allows one again when another completes', async () => {
    const stack = await startWiredStack({ MAX_SUBSCRIPTIONS_PER_CALLER: '2' });
    const client = wsClient(stack.url);
    try {
      const first = client.iterate<Event>({ query: EVENTS });
      const second = client.iterate<Event>({ query: EVENTS });
      void first.next().catch(() => undefined);
      void second.next().catch(() => undefined);
      expect(await firstErrorCode(client, { query: EVENTS })).toBe('RATE_LIMITED');
      expect(await firstErrorCode(client, { query: '{ __typename }' })).toBe('RATE_LIMITED');
      await first.return?.();
      await until(() => settled(client).catch(() => false));
      // The query completed and gave its place back: the second subscription and one more fit, a fourth does not.
      const third = client.iterate<Event>({ query: EVENTS });
      void third.next().catch(() => undefined);
      expect(await firstErrorCode(client, { query: EVENTS })).toBe('RATE_LIMITED');
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });
});

describe('operation ids', () => {
  it('refuses to reuse an id whose operation is still ending, so no execution runs untracked', async () => {
    const stack = await startWiredStack();
    const socket = new WebSocket(stack.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    const messages: Array<{ id?: string; type: string; payload?: Array<{ extensions?: { code?: string } }> }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await until(() => messages.some((m) => m.type === 'connection_ack'));
      const subscribe = JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: EVENTS } });
      // In one write: subscribe, complete, subscribe again under the same id.
      socket.send(subscribe);
      socket.send(JSON.stringify({ id: 'a', type: 'complete' }));
      socket.send(subscribe);
      await until(() => messages.some((m) => m.type === 'error'));
      expect(messages.find((m) => m.type === 'error')?.payload?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    } finally {
      socket.close();
      await stack.stop();
    }
  });
});

describe('JWT expiry on a socket', () => {
  it('closes the socket with 4403 when the token expires, and a fresh token connects again', async () => {
    const jwks = await startJwks();
    const stack = await startWiredStack(jwks.env);
    const clients: Client[] = [];
    try {
      const shortLived = wsClient(stack.url, `Bearer ${await jwks.sign({ sub: 'user-1' }, { expiresIn: '2s' })}`);
      clients.push(shortLived);
      const closed = nextClose(shortLived);
      const { ended } = follow(shortLived);
      expect(await settled(shortLived)).toBe(true);
      expect(await closed).toBe(4403);
      await ended;
      const fresh = wsClient(stack.url, `Bearer ${await jwks.sign({ sub: 'user-1' })}`);
      clients.push(fresh);
      expect(await settled(fresh)).toBe(true);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
      await stack.stop();
      await jwks.stop();
    }
  });
});

describe('fan-out', () => {
  /** Follows `sid` on five subscribers until each saw it DELIVERED; gives the cursors (the same for all) and Twilio's fetches. */
  async function fanOut(stack: Stack, send: () => Promise<string>): Promise<{ cursors: string[]; fetches: number }> {
    const clients = Array.from({ length: 5 }, () => wsClient(stack.url));
    try {
      const followers = clients.map(follow);
      for (const c of clients) expect(await settled(c)).toBe(true);
      const fetchesBefore = stack.emu.handler.calls.get('FetchMessage') ?? 0;
      const sid = await send();
      const delivered = () => followers.every((f) => f.events.some((e) => e.message.sid === sid && e.message.status === 'DELIVERED'));
      while (!delivered()) {
        stack.emu.clock.advance(1_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cursors = followers[0]!.events.map((e) => e.cursor);
      expect(cursors.length).toBeGreaterThanOrEqual(3);
      for (const f of followers) {
        expect(f.events.map((e) => e.cursor)).toEqual(cursors);
        expect(f.events.every((e) => e.message.sid === sid && e.type === 'STATUS_CHANGED')).toBe(true);
      }
      return { cursors, fetches: (stack.emu.handler.calls.get('FetchMessage') ?? 0) - fetchesBefore };
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  }

  it('delivers the status callbacks of a message the gateway sent without asking Twilio (events carry the message)', async () => {
    const stack = await startWiredStack();
    try {
      const { fetches } = await fanOut(stack, async () => {
        const sent = await gql<{ createMessage: { message: { sid: string } } }>(
          stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "fan-out" }) { message { sid } } }');
        return sent.data!.createMessage.message.sid;
      });
      expect(fetches).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('asks Twilio once per event about a message it never saw, however many subscribers deliver it', async () => {
    const stack = await startWiredStack();
    try {
      const { cursors, fetches } = await fanOut(stack, async () => {
        // Sent by someone else on the account, with its callbacks pointed at the gateway.
        const { accountSid } = stack.emu.account;
        const response = await fetch(`${stack.emu.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
          method: 'POST',
          headers: { authorization: basicAuth(stack.emu.account), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: '+14155550100', From: '+15005550006', Body: 'elsewhere', StatusCallback: `${stack.url}/twilio/status-callback` }).toString(),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { sid: string }).sid;
      });
      // At most one fetch per event for all five subscribers (fewer once the snapshot a fetch leaves serves later events).
      expect(fetches).toBeGreaterThanOrEqual(1);
      expect(fetches).toBeLessThanOrEqual(cursors.length);
      expect(cursors.length).toBeGreaterThanOrEqual(3);
    } finally {
      await stack.stop();
    }
  });
});
