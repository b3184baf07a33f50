/** Root subscriptions: a message's status steps, and message events resumable by cursor. */
import type { MessageEventResolvers, SubscriptionResolvers } from '../../__generated__/resolvers.js';
import type { DeliveredEvent } from '../event-messages.js';
import { messageEvents, statusChanges } from '../events.js';
import type { WireMessage } from '../../protocol/wire.js';

export const Subscription: SubscriptionResolvers = {
  messageStatusChanged: {
    subscribe: (_root, { sid }, ctx) => statusChanges(ctx, sid),
    resolve: (message: WireMessage) => message,
  },
  messageEvents: {
    subscribe: (_root, { filter, after }, ctx) => messageEvents(ctx, filter, after),
    resolve: (event: DeliveredEvent) => event,
  },
};

export const MessageEvent: MessageEventResolvers = {
  cursor: (e) => e.cursor,
  type: (e) => e.type,
  message: (e) => e.message,
  occurredAt: (e) => e.occurredAt,
};
