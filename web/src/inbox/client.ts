/**
 * The inbox's Apollo Client: queries and mutations over HTTP, subscriptions over graphql-ws, both to the origin the
 * page came from, every operation named by its trusted-document hash.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { bearer } from './auth';
import { trustedDocumentsLink } from './trusted';

/** The client, and its socket (the app shows whether it is connected). */
export interface InboxClient {
  apollo: ApolloClient;
  socket: Client;
}

/** The gateway's WebSocket URL on this page's own host. */
export const socketUrl = (): string => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;

/** Builds the client; `apiKey` is sent on both transports when the gateway wants one. */
export function createInboxClient(apiKey: string | null): InboxClient {
  const authorization = bearer(apiKey);
  const socket = createClient({
    url: socketUrl(),
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    // No automatic retries: a retry would resubscribe with the first `after`. The events hook (events.ts)
    // subscribes again itself, with the last cursor it saw, so a reconnect replays exactly what was missed.
    retryAttempts: 0,
  });
  const transports = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(socket),
    new HttpLink({ uri: '/graphql', headers: authorization ? { authorization } : {} }),
  );
  const apollo = new ApolloClient({
    link: ApolloLink.from([trustedDocumentsLink(), transports]),
    cache: new InMemoryCache({
      typePolicies: {
        // The preview has no id: keep it with its query instead of merging previews of different drafts.
        MessagePreview: { keyFields: false },
      },
    }),
  });
  return { apollo, socket };
}
