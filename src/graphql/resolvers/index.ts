/** All resolvers, typed by codegen from schema/*.graphql. */
import type { Resolvers } from '../../__generated__/resolvers.js';
import { Media, Message } from './message.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { DateTimeScalar, PhoneNumberScalar, URLScalar } from './scalars.js';
import { MessageEvent, Subscription } from './subscription.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  PhoneNumber: PhoneNumberScalar,
  URL: URLScalar,
  Query,
  Mutation,
  Subscription,
  MessageEvent,
  Message,
  Media,
  Node: {
    // Media carry their parent's SID; messages do not.
    __resolveType: (node) => ('parent_sid' in node ? 'Media' : 'Message'),
  },
};
