/**
 * Live events: one `messageEvents` subscription for the whole inbox. Status changes update messages in the cache
 * by id; new messages (inbound, or sent from elsewhere) join the list. When the socket drops, it subscribes again
 * with `after` set to the last cursor it saw, so the gateway replays exactly what was missed.
 */
import { useEffect, useState } from 'react';
import { CombinedGraphQLErrors } from '@apollo/client';
import type { Client } from 'graphql-ws';
import type { ApolloClient } from '@apollo/client';
import { InboxDocument, InboxEventsDocument } from '../__generated__/graphql';
import { addToInbox } from './inbox-cache';

/** What the app shows about the live connection. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

const MAX_BACKOFF_MS = 15_000;

/** Whether a result's error says the cursor is too old for the gateway's log. */
const cursorExpired = (error: unknown): boolean =>
  CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.['code'] === 'CURSOR_EXPIRED');

/** Subscribes for as long as the component lives; returns the connection's state. */
export function useInboxEvents(apollo: ApolloClient, socket: Client): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let stopped = false;
    let cursor: string | null = null;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let subscription: { unsubscribe(): void } | undefined;
    const offConnected = socket.on('connected', () => {
      failures = 0;
      setState('live');
    });
    const offClosed = socket.on('closed', () => !stopped && setState('reconnecting'));

    const subscribe = (): void => {
      // Without a cursor there is nothing to resume from: whatever happened while away is read from the list instead.
      if (cursor === null && failures > 0) void apollo.refetchQueries({ include: [InboxDocument] });
      subscription = apollo.subscribe({ query: InboxEventsDocument, variables: { after: cursor } }).subscribe({
        next: ({ data, error }) => {
          if (error) {
            if (cursorExpired(error)) {
              // Too far behind to replay: start from now and reload the list instead.
              cursor = null;
              void apollo.refetchQueries({ include: [InboxDocument] });
            }
            return;
          }
          const event = data?.messageEvents;
          if (!event) return;
          cursor = event.cursor;
          failures = 0;
          addToInbox(apollo.cache, event.message);
        },
        // Apollo Client completes a subscription after an error result; either way, come back with the cursor.
        complete: () => resubscribe(),
        error: () => resubscribe(),
      });
    };
    const resubscribe = (): void => {
      if (stopped) return;
      setState('reconnecting');
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures);
      failures += 1;
      timer = setTimeout(subscribe, delay);
    };
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      offConnected();
      offClosed();
    };
  }, [apollo, socket]);
  return state;
}
