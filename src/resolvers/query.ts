/** Root query fields: one message, the message list, and `node`. */
import type { QueryResolvers } from '../__generated__/resolvers.js';
import { primeMessages } from '../context.js';
import { pageRequest, toConnection } from './connection.js';

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const MEDIA_ID = /^((?:SM|MM)[0-9a-fA-F]{32}):(ME[0-9a-fA-F]{32})$/;

export const Query: QueryResolvers = {
  // A SID that cannot exist is answered without an upstream call, as Twilio would: null.
  message: (_root, { sid }, ctx) => (MESSAGE_SID.test(sid) ? ctx.loaders.message.load(sid) : null),

  messages: async (_root, { first, after, filter }, ctx) => {
    const size = first ?? 50;
    const request = pageRequest(size, after, filter);
    const page = await ctx.twilio.listMessages(request.query);
    primeMessages(ctx.loaders, page.messages);
    return toConnection(request, size, page);
  },

  node: async (_root, { id }, ctx) => {
    if (MESSAGE_SID.test(id)) return ctx.loaders.message.load(id);
    const media = MEDIA_ID.exec(id);
    return media ? ctx.twilio.fetchMedia(media[1]!, media[2]!) : null;
  },
};
