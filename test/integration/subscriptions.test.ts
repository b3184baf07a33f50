/**
 * GraphQL over a real WebSocket (graphql-ws's own client): caller auth at connect, a message's status steps
 * from a send on the emulator to DELIVERED, message events resumed by cursor, and the HTTP rules (host,
 * cost, masking) applied to sockets too.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { WireMessage } from '../../src/protocol/wire.js';
import { gql, startStack, startWiredStack } from '../support/gateway.js';
import { basicAuth } from '../support/emulator.js';
import { firstErrorCode, until, wsClient } from '../support/ws.js';

describe('subscriptions over WebSocket', () => {
  it('refuses a socket without credentials with 4401, and lets a configured key in', async () => {
    const stack = await startWiredStack({ GATEWAY_API_KEYS: 'ws-key-0123456789' });
    try {
      const refused = wsClient(stack.url);
      const closed = new Promise<number>((resolve) => refused.on('closed', (event) => resolve((event as { code: number }).code)));
      const attempt = refused.iterate({ query: '{ __typename }' }).next().catch(() => null);
      expect(await closed).toBe(4401);
      await attempt;
      const allowed = wsClient(stack.url, 'Bearer ws-key-0123456789');
      const result = await allowed.iterate({ query: '{ __typename }' }).next();
      expect(result.value).toEqual({ data: { __typename: 'Query' } });
      // As GraphiQL sends it: the HTTP header's name, capitalised, in the connection params.
      const capitalised = createClient({ url: stack.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { Authorization: 'Bearer ws-key-0123456789' }, retryAttempts: 0, lazy: true });
      expect((await capitalised.iterate({ query: '{ __typename }' }).next()).value).toEqual({ data: { __typename: 'Query' } });
      await capitalised.dispose();
      await allowed.dispose();
      await refused.dispose();
    } finally {
      await stack.stop();
    }
  });

  it('gives messageStatusChanged from QUEUED to DELIVERED, in order, then completes', async () => {
    const stack = await startWiredStack();
    const client = wsClient(stack.url);
    try {
      const sent = await gql<{ createMessage: { message: { sid: string } } }>(
        stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "live" }) { message { sid } } }');
      const sid = sent.data!.createMessage.message.sid;
      const statuses: string[] = [];
      const iterator = client.iterate<{ messageStatusChanged: { status: string } }>({ query: `subscription { messageStatusChanged(sid: "${sid}") { status } }` });
      const reading = (async () => {
        for await (const result of iterator) statuses.push(result.data!.messageStatusChanged.status);
      })();
      await until(() => statuses.length === 1);
      for (const [ms, count] of [[1_000, 2], [1_000, 3], [3_000, 4]] as const) {
        stack.emu.clock.advance(ms);
        await until(() => statuses.length >= count);
      }
      await reading; // completes by itself after the final status
      expect(statuses).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED']);
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });

  it('reaches DELIVERED by asking Twilio when no callback can arrive, for every subscriber', async () => {
    // A gateway Twilio cannot call back: no PUBLIC_URL, and not an embedded emulator.
    const stack = await startStack({ STATUS_POLL_INTERVAL_MS: '50' });
    const clients = [wsClient(stack.url), wsClient(stack.url)];
    try {
      const sent = await gql<{ createMessage: { message: { sid: string } } }>(
        stack.url, 'mutation { createMessage(input: { to: "+14155550100", from: "+15005550006", body: "poll" }) { message { sid } } }');
      const sid = sent.data!.createMessage.message.sid;
      const seen: string[][] = [[], []];
      const readers = clients.map(async (client, i) => {
        const query = `subscription { messageStatusChanged(sid: "${sid}") { status } }`;
        for await (const result of client.iterate<{ messageStatusChanged: { status: string } }>({ query })) {
          seen[i]!.push(result.data!.messageStatusChanged.status);
        }
      });
      await until(() => seen.every((statuses) => statuses.length === 1));
      stack.emu.clock.advance(10_000);
      await Promise.all(readers);
      // The emulator reaches delivered in one tick, so a poll sees it at once: both complete on it.
      for (const statuses of seen) expect(statuses).toEqual(['QUEUED', 'DELIVERED']);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
      await stack.stop();
    }
  });

  it('resumes messageEvents over a backlog longer than one page, in order, each event once', async () => {
    const stack = await startWiredStack();
    const client = wsClient(stack.url);
    try {
      const cursors: string[] = [];
      for (let n = 0; n < 450; n++) {
        const messageSid = `SM${n.toString(16).padStart(32, '0')}`;
        const message = { sid: messageSid, status: 'received' } as WireMessage;
        cursors.push((await stack.gateway.services.eventLog.append({ type: 'RECEIVED', messageSid, status: 'received', from: '+1', to: '+2', occurredAt: n, message })).cursor);
      }
      const seen: string[] = [];
      for await (const result of client.iterate<{ messageEvents: { cursor: string } }>({ query: 'subscription($after: String) { messageEvents(after: $after) { cursor } }', variables: { after: cursors[0] } })) {
        seen.push(result.data!.messageEvents.cursor);
        if (seen.length === 449) break;
      }
      expect(seen).toEqual(cursors.slice(1));
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });

  it('resumes messageEvents after a cursor with exactly what was missed, then live events; an unknown cursor is CURSOR_EXPIRED', async () => {
    const stack = await startWiredStack();
    const client = wsClient(stack.url);
    stack.emu.setSmsUrl(`${stack.url}/twilio/inbound`);
    const received = async () => ((await stack.gateway.services.eventLog.after(null, 100)) ?? []).filter((e) => e.type === 'RECEIVED');
    /** An inbound message through the emulator, which calls the gateway's /twilio/inbound once it is received. */
    const inbound = async (n: number) => {
      const before = (await received()).length;
      const response = await fetch(`${stack.emu.url}/emulator/inbound`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(stack.emu.account),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ From: '+14155550111', To: '+15005550006', Body: `m${n}` }).toString(),
      });
      expect(response.status).toBe(201);
      stack.emu.clock.advance(1_000);
      await until(async () => (await received()).length > before);
    };
    try {
      for (let n = 1; n <= 3; n++) await inbound(n);
      const logged = await received();
      const query = 'subscription($after: String) { messageEvents(after: $after, filter: { types: [RECEIVED] }) { cursor type message { sid } } }';
      const seen: string[] = [];
      const iterator = client.iterate<{ messageEvents: { cursor: string; type: string; message: { sid: string } | null } }>({ query, variables: { after: logged[0]!.cursor } });
      const reading = (async () => {
        for await (const result of iterator) seen.push(result.data?.messageEvents.cursor ?? JSON.stringify(result.errors));
      })();
      await until(() => seen.length === 2);
      await inbound(4);
      await until(() => seen.length === 3);
      const cursors = (await received()).map((e) => e.cursor);
      expect(seen).toEqual(cursors.slice(1, 4));
      await iterator.return?.();
      await reading;

      expect(await firstErrorCode(client, { query, variables: { after: '999999' } })).toBe('CURSOR_EXPIRED');
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });

  it('stops listening to the log when a waiting subscriber goes away', async () => {
    const stack = await startWiredStack();
    const log = stack.gateway.services.eventLog;
    let listening = 0;
    const subscribe = log.subscribe.bind(log);
    log.subscribe = (listener) => {
      listening++;
      const stop = subscribe(listener);
      return () => {
        listening--;
        stop();
      };
    };
    const client = wsClient(stack.url);
    try {
      const iterator = client.iterate({ query: 'subscription { messageEvents { cursor } }' });
      void iterator.next().catch(() => null);
      await until(() => listening === 1);
      await client.dispose();
      await until(() => listening === 0);
      expect(listening).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('applies the cost estimate and masking to operations over the socket', async () => {
    const stack = await startWiredStack();
    const client = wsClient(stack.url);
    try {
      const aliases = Array.from({ length: 30 }, (_, i) => `m${i}: messages(first: 1000) { nodes { media { sid } } }`).join(' ');
      stack.emu.handler.resetCalls();
      expect(await firstErrorCode(client, { query: `{ ${aliases} }` })).toBe('QUERY_TOO_EXPENSIVE');
      expect(stack.emu.handler.totalCalls()).toBe(0);
      expect(await firstErrorCode(client, { query: 'subscription { messageStatusChanged(sid: "nope") { status } }' })).toBe('BAD_USER_INPUT');
      // A caller's mistakes get the codes they get over HTTP, not a masked INTERNAL_SERVER_ERROR.
      expect(await firstErrorCode(client, { query: 'subscription { messageEvents {' })).toBe('GRAPHQL_PARSE_FAILED');
      expect(await firstErrorCode(client, { query: 'subscription { messageEvents { nope } }' })).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await firstErrorCode(client, { query: 'subscription($after: String) { messageEvents(after: $after) { cursor } }', variables: { after: 5 } })).toBe('BAD_USER_INPUT');
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });
});
