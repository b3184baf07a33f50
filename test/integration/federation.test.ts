/**
 * FEDERATION=true: the gateway as an Apollo Federation 2 subgraph on the emulator. Its `_service { sdl }` is
 * composed with a contacts subgraph of this test's own (`@theguild/federation-composition`), the supergraph is
 * served by Hive Gateway (`@graphql-hive/gateway-runtime`), and queries span both subgraphs; upstream calls are
 * counted at the emulator. `_entities` is also asked directly, as a router asks it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime, type GatewayConfigBase, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { Kind, parse, print } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type twilio from 'twilio';
import { twilioClientFor } from '../support/emulator.js';
import { gql, startStack, type Stack } from '../support/gateway.js';
import { wsClient } from '../support/ws.js';

const FROM = '+15005550006';
const CONTACTS: Readonly<Record<string, string>> = { '+14155550101': 'Ada Lovelace', '+14155550102': 'Grace Hopper' };
const UNKNOWN_SID = 'SM' + 'f'.repeat(32);
const contactOf = (phone: string | null) => (phone && CONTACTS[phone] ? { phone, name: CONTACTS[phone] } : null);

/** The second subgraph: contacts keyed by phone number, adding `Message.contact` from the message's `to`. */
const contactsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
  type Contact @key(fields: "phone") { phone: String! name: String! }
  type Message @key(fields: "sid") {
    sid: ID!
    to: String! @external
    "Who the message went to, when they are in the address book."
    contact: Contact @requires(fields: "to")
  }
  type Query {
    contact(phone: String!): Contact
    "Messages pinned in the address book, by reference only (the messaging subgraph resolves them)."
    pinnedMessages: [Message]!
  }
`);

/** Listens on 127.0.0.1 on a free port; resolves to its base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('FEDERATION=true: a Federation 2 subgraph', () => {
  let stack: Stack;
  let client: twilio.Twilio;
  let contactsServer: Server;
  let hiveServer: Server;
  let hive: GatewayRuntime;
  let hiveUrl: string;
  let sdl: string;
  const pinned: string[] = [];
  /** Requests the supergraph gateway sent: subgraph, root field, and how many representations `_entities` carried. */
  const subgraphRequests: string[] = [];
  const calls = (op: string) => stack.emu.handler.calls.get(op as never) ?? 0;

  /**
   * Hive Gateway's HTTP transport is a package of its own (`@graphql-mesh/transport-http`, not installed here);
   * what this test needs of it is one JSON POST per subgraph request.
   */
  const postTransport: GatewayConfigBase<Record<string, never>>['transports'] = {
    http: {
      getSubgraphExecutor:
        ({ transportEntry }) =>
        async ({ document, variables, operationName }) => {
          const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
          const root = operation?.selectionSet.selections[0];
          const field = root?.kind === Kind.FIELD ? root.name.value : '?';
          const representations = (variables as { representations?: unknown[] } | undefined)?.representations;
          subgraphRequests.push(`${transportEntry.subgraph} ${field}${representations ? `×${representations.length}` : ''}`);
          const response = await fetch(transportEntry.location!, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: print(document), variables, operationName }),
          });
          return response.json(); // an ExecutionResult
        },
    },
  };

  beforeAll(async () => {
    stack = await startStack({ FEDERATION: 'true' });
    client = twilioClientFor(stack.emu);
    const contacts = buildSubgraphSchema({
      typeDefs: contactsTypeDefs,
      resolvers: {
        Query: {
          contact: (_root: unknown, { phone }: { phone: string }) => contactOf(phone),
          pinnedMessages: () => pinned.map((sid) => ({ __typename: 'Message', sid })),
        },
        Contact: { __resolveReference: ({ phone }: { phone: string }) => contactOf(phone) },
        Message: { contact: ({ to }: { to: string | null }) => contactOf(to) },
      },
    });
    contactsServer = createServer(createYoga({ schema: contacts, logging: false, graphiql: false, landingPage: false }));
    const contactsUrl = await listen(contactsServer);

    sdl = (await gql<{ _service: { sdl: string } }>(stack.url, '{ _service { sdl } }')).data!._service.sdl;
    const composed = composeServices([
      { name: 'messaging', typeDefs: parse(sdl), url: `${stack.url}/graphql` },
      { name: 'contacts', typeDefs: contactsTypeDefs, url: `${contactsUrl}/graphql` },
    ]);
    if (compositionHasErrors(composed)) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    hive = createGatewayRuntime({ supergraph: composed.supergraphSdl, logging: false, landingPage: false, graphiql: false, transports: postTransport });
    hiveServer = createServer(hive);
    hiveUrl = await listen(hiveServer);
  });

  afterAll(async () => {
    await close(hiveServer);
    await hive?.dispose();
    await close(contactsServer);
    await stack?.stop();
  });

  beforeEach(() => {
    stack.emu.handler.resetCalls();
    subgraphRequests.length = 0;
  });

  /** Sends three messages through the SDK, oldest first: to Ada, to Grace, to someone not in the address book. */
  async function seed(): Promise<string[]> {
    const sids: string[] = [];
    for (const [to, body] of [['+14155550101', 'one'], ['+14155550102', 'two'], ['+14155550199', 'three']] as const) {
      sids.push((await client.messages.create({ from: FROM, to, body })).sid);
      stack.emu.clock.advance(1_000);
    }
    stack.emu.clock.advance(5_000);
    stack.emu.handler.resetCalls();
    return sids;
  }

  it('offers `_service { sdl }` with the federation link and Message keyed by sid, the whole API included', () => {
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
    expect(sdl).toMatch(/type Message implements Node\s+@key\(fields: "sid"\)/);
    for (const field of ['messages(', 'createMessage(', 'messageStatusChanged(', 'messagePreview(']) expect(sdl).toContain(field);
  });

  it('answers a query spanning both subgraphs through Hive Gateway with one list call and no fetch', async () => {
    const [one, two, three] = await seed();
    const result = await gql(hiveUrl, '{ messages(first: 3) { nodes { sid to body status contact { name } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      messages: {
        nodes: [
          { sid: three, to: '+14155550199', body: 'three', status: 'DELIVERED', contact: null },
          { sid: two, to: '+14155550102', body: 'two', status: 'DELIVERED', contact: { name: 'Grace Hopper' } },
          { sid: one, to: '+14155550101', body: 'one', status: 'DELIVERED', contact: { name: 'Ada Lovelace' } },
        ],
      },
    });
    // `to` comes with the list (the planner asks for what @requires needs); the contacts subgraph gets one batch.
    expect([calls('ListMessage'), calls('FetchMessage')]).toEqual([1, 0]);
    expect(subgraphRequests).toEqual(['messaging messages', 'contacts _entities×3']);
  });

  it('resolves references from the other subgraph through `_entities`, one fetch per distinct SID', async () => {
    const [one, two] = await seed();
    pinned.splice(0, pinned.length, one!, UNKNOWN_SID, two!, one!);
    const result = await gql(hiveUrl, '{ pinnedMessages { sid body contact { name } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      pinnedMessages: [
        { sid: one, body: 'one', contact: { name: 'Ada Lovelace' } },
        // The messaging subgraph answers null for a SID Twilio does not know: the reference keeps its key only.
        { sid: UNKNOWN_SID, body: null, contact: null },
        { sid: two, body: 'two', contact: { name: 'Grace Hopper' } },
        { sid: one, body: 'one', contact: { name: 'Ada Lovelace' } },
      ],
    });
    // Hive Gateway sends each distinct reference once; the messaging subgraph then fetches each SID once.
    expect(subgraphRequests).toEqual(['contacts pinnedMessages', 'messaging _entities×3', 'contacts _entities×3']);
    expect([calls('FetchMessage'), calls('ListMessage')]).toEqual([3, 0]);
  });

  it('answers `_entities` as a router asks it: 3 representations, 2 distinct SIDs (one unknown), 2 fetches', async () => {
    const [one] = await seed();
    const representations = [one, UNKNOWN_SID, one].map((sid) => ({ __typename: 'Message', sid }));
    const query = 'query($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Message { sid to body } } }';
    const result = await gql(stack.url, query, { representations });
    expect(result.errors).toBeUndefined();
    const message = { __typename: 'Message', sid: one, to: '+14155550101', body: 'one' };
    expect(result.data).toEqual({ _entities: [message, null, message] });
    expect([calls('FetchMessage'), calls('ListMessage')]).toEqual([2, 0]);
  });

  it('costs `_entities` one call per representation (and per media list), refusing a huge list before any call', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Message { sid media { url } } } }';
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Message', sid: 'SM' + i.toString(16).padStart(32, '0') }));
    const huge = await gql(stack.url, query, { r: many(1_000) });
    expect(huge.status).toBe(400);
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimate: 2_000, budget: 200 });
    // 101 representations with media could cause 202 calls: over the budget of 200 as well.
    expect((await gql(stack.url, query, { r: many(101) })).errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', estimate: 202 });
    expect(calls('FetchMessage') + calls('ListMedia')).toBe(0);
    // 100 of them fit: each unknown SID is one fetch, and an unknown message lists no media.
    const fits = await gql<{ _entities: unknown[] }>(stack.url, query, { r: many(100) });
    expect(fits.errors).toBeUndefined();
    expect(fits.data!._entities).toEqual(Array(100).fill(null));
    expect([calls('FetchMessage'), calls('ListMedia')]).toEqual([100, 0]);
  });

  it('answers `_service` only where introspection is on, and `_entities` either way', async () => {
    const closed = await startStack({ FEDERATION: 'true', GATEWAY_INTROSPECTION: 'false' });
    try {
      const off = await gql(closed.url, '{ _service { sdl } }');
      expect([off.data, off.errors?.[0]?.extensions?.['code']]).toEqual([null, 'FORBIDDEN']);
      const entities = await gql(closed.url, `{ _entities(representations: [{ __typename: "Message", sid: "${UNKNOWN_SID}" }]) { __typename } }`);
      expect(entities).toMatchObject({ status: 200, data: { _entities: [null] } });
      expect(closed.emu.handler.calls.get('FetchMessage')).toBe(1);
    } finally {
      await closed.stop();
    }
  });

  it('keeps subscriptions on the subgraph over WebSocket', async () => {
    const [one] = await seed();
    const ws = wsClient(stack.url);
    try {
      const first = await ws.iterate<{ messageStatusChanged: { sid: string; status: string } }>({
        query: `subscription { messageStatusChanged(sid: "${one}") { sid status } }`,
      }).next();
      expect(first.value).toEqual({ data: { messageStatusChanged: { sid: one, status: 'DELIVERED' } } });
    } finally {
      await ws.dispose();
    }
  });
});
