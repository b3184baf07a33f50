/**
 * The gateway from Apollo Client 4 as a frontend sets it up: one ApolloClient whose link sends queries and
 * mutations over HTTP (HttpLink on Node's fetch) and subscriptions over graphql-ws (GraphQLWsLink), with caller
 * auth on both. A createMessage, then messageStatusChanged giving QUEUED → SENDING → SENT → DELIVERED and
 * completing, then the message queried as DELIVERED; with a wrong key the socket is closed with 4401 (HTTP: 401).
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, ServerError, gql, type ErrorLike, type TypedDocumentNode } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startWiredStack, type Stack } from '../support/gateway.js';
import { nextClose, until } from '../support/ws.js';

const KEY = 'apollo-key-0123456789';

const SEND: TypedDocumentNode<{ createMessage: { message: { id: string; sid: string; status: string } | null } }, { body: string }> = gql`
  mutation Send($body: String!) {
    createMessage(input: { to: "+14155550100", from: "+15005550006", body: $body }) { message { id sid status } }
  }
`;
const FOLLOW: TypedDocumentNode<{ messageStatusChanged: { id: string; status: string } }, { sid: string }> = gql`
  subscription Follow($sid: ID!) { messageStatusChanged(sid: $sid) { id status } }
`;
const MESSAGE: TypedDocumentNode<{ message: { id: string; sid: string; status: string } | null }, { sid: string }> = gql`
  query Message($sid: ID!) { message(sid: $sid) { id sid status } }
`;

/** An ApolloClient on `stack` whose HTTP requests and socket both send `Bearer <key>`, and its graphql-ws client. */
function apollo(stack: Stack, key: string): { client: ApolloClient; socket: Client } {
  const authorization = `Bearer ${key}`;
  const socket = createClient({
    url: `${stack.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
  });
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(socket),
    new HttpLink({ uri: `${stack.url}/graphql`, fetch, headers: { authorization } }),
  );
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), socket };
}

describe('Apollo Client 4 over HTTP and graphql-ws', () => {
  let stack: Stack;
  const opened: Array<{ client: ApolloClient; socket: Client }> = [];
  const open = (key: string): { client: ApolloClient; socket: Client } => {
    const made = apollo(stack, key);
    opened.push(made);
    return made;
  };
  beforeEach(async () => {
    stack = await startWiredStack({ GATEWAY_API_KEYS: KEY });
  });
  afterEach(async () => {
    for (const { client, socket } of opened.splice(0)) {
      client.stop();
      await socket.dispose();
    }
    await stack.stop();
  });

  it('sends with a mutation, follows the status to DELIVERED by subscription until it completes, and queries it', async () => {
    const { client } = open(KEY);
    const sent = await client.mutate({ mutation: SEND, variables: { body: 'from Apollo' } });
    const sid = sent.data?.createMessage.message?.sid;
    expect(sid).toMatch(/^SM/);

    const statuses: string[] = [];
    const errors: unknown[] = [];
    const completed = new Promise<void>((resolve, reject) => {
      client.subscribe({ query: FOLLOW, variables: { sid: sid! } }).subscribe({
        next: ({ data, error }) => (error ? errors.push(error) : statuses.push(data!.messageStatusChanged.status)),
        error: reject,
        complete: resolve,
      });
    });
    await until(() => statuses.length === 1);
    for (const [ms, count] of [[1_000, 2], [1_000, 3], [3_000, 4]] as const) {
      stack.emu.clock.advance(ms);
      await until(() => statuses.length >= count);
    }
    await completed; // the gateway completes the subscription after the final status
    expect(errors).toEqual([]);
    expect(statuses).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED']);

    // network-only: the subscription already wrote DELIVERED into the cache; this asks the gateway over HTTP.
    const queried = await client.query({ query: MESSAGE, variables: { sid: sid! }, fetchPolicy: 'network-only' });
    expect(queried.data?.message).toEqual(expect.objectContaining({ sid, status: 'DELIVERED' }));
  });

  it('refuses a wrong key: subscribe gives an error as the gateway closes the socket with 4401, and HTTP answers 401', async () => {
    const { client, socket } = open('wrong-key-0123456789');
    const closed = nextClose(socket);
    // Apollo Client 4 does not error the observable: it emits { data: undefined, error } and then completes.
    const results = new Promise<Array<{ data: unknown; error?: ErrorLike }>>((resolve, reject) => {
      const seen: Array<{ data: unknown; error?: ErrorLike }> = [];
      client.subscribe({ query: FOLLOW, variables: { sid: 'SM00000000000000000000000000000000' } }).subscribe({
        next: (result) => seen.push(result),
        error: reject,
        complete: () => resolve(seen),
      });
    });
    expect(await closed).toBe(4401);
    const [result, ...rest] = await results;
    expect(rest).toEqual([]);
    expect(result?.data).toBeUndefined();
    expect(result?.error?.message).toMatch(/^Socket closed with event 4401\b/);

    // Over HTTP the 401 (an application/json body with UNAUTHENTICATED) rejects as a ServerError, not CombinedGraphQLErrors.
    const refused: unknown = await client.mutate({ mutation: SEND, variables: { body: 'refused' } }).catch((error: unknown) => error);
    expect(ServerError.is(refused) && refused.statusCode).toBe(401);
  });
});
