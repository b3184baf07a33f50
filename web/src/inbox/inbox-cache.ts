/** The inbox's list in Apollo's cache: one `Inbox` query, which live events and sends add messages to. */
import type { ApolloCache } from '@apollo/client';
import { InboxDocument } from '../__generated__/graphql';
import type { InboxMessage } from './conversations';

/** Messages the inbox loads: one Twilio page, and within the gateway's per-request call budget with media. */
export const INBOX_PAGE = 50;

/** Adds a message to the cached list unless it is there already (its status updates by id on its own). */
export function addToInbox(cache: ApolloCache, message: InboxMessage): void {
  cache.updateQuery({ query: InboxDocument, variables: { first: INBOX_PAGE } }, (data) => {
    if (!data || data.messages.nodes.some((node) => node.id === message.id)) return undefined;
    return { ...data, messages: { ...data.messages, nodes: [message, ...data.messages.nodes] } };
  });
}
