/** graphql-ws's own client against a test gateway, and waiting for what a socket does. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A lazy client that never retries (a test sees every close), authenticated with `authorization` when given. */
export function wsClient(url: string, authorization?: string | (() => Promise<string>)): Client {
  return createClient({
    url: url.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: typeof authorization === 'function' ? async () => ({ authorization: await authorization() }) : authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** The close code of the client's next close. */
export function nextClose(client: Client): Promise<number> {
  return new Promise((resolve) => {
    const off = client.on('closed', (event) => {
      off();
      resolve((event as { code: number }).code);
    });
  });
}

/** The code of the first error an operation gets, whether it comes as a result or as graphql-ws's error message. */
export async function firstErrorCode(client: Client, payload: { query: string; variables?: Record<string, unknown> }): Promise<unknown> {
  type Errors = ReadonlyArray<{ extensions?: Record<string, unknown> }>;
  try {
    const first = await client.iterate(payload).next();
    return (first.value?.errors as Errors | undefined)?.[0]?.extensions?.['code'];
  } catch (errors) {
    return (errors as Errors)[0]?.extensions?.['code'];
  }
}

/** Resolves once `check` holds, looking every 20 ms (jest's timeout ends a wait that never does). */
export const until = async (check: () => Promise<boolean> | boolean): Promise<void> => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
};
