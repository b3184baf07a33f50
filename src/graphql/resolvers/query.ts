/** Root query fields: one message, the message list, `node`, and the preview of a draft. */
import type { QueryResolvers } from '../../__generated__/resolvers.js';
import { primeMessages, type GatewayContext } from '../context.js';
import { MEDIA_SID, MESSAGE_SID, type WireMessage } from '../../protocol/wire.js';
import { DEFAULT_PAGE_SIZE } from '../limits.js';
import { pageRequest, toConnection } from './connection.js';
import { messagePreview } from './preview.js';

/**
 * A message by SID through the request's loader (one fetch per distinct SID per request), or null. A SID that
 * cannot exist is answered without an upstream call, as Twilio would: null. `message(sid)` and a federation
 * router's references (`_entities`) both come here.
 */
export function messageBySid(ctx: GatewayContext, sid: string): Promise<WireMessage | null> | null {
  return MESSAGE_SID.test(sid) ? ctx.loaders.message.load(sid) : null;
}

export const Query: QueryResolvers = {
  message: (_root, { sid }, ctx) => messageBySid(ctx, sid),

  messages: async (_root, { first, after, filter }, ctx) => {
    const size = first ?? DEFAULT_PAGE_SIZE;
    const request = pageRequest(size, after, filter);
    const page = await ctx.twilio.listMessages(request.query);
    primeMessages(ctx.loaders, page.messages);
    return toConnection(request, size, page);
  },

  messagePreview: (_root, { body, mediaCount }) => messagePreview(body, mediaCount),

  node: async (_root, { id }, ctx) => {
    if (MESSAGE_SID.test(id)) return ctx.loaders.message.load(id);
    // A Media global ID is the parent message SID and the media SID, joined by a colon.
    const [messageSid = '', mediaSid = '', ...rest] = id.split(':');
    const isMediaId = rest.length === 0 && MESSAGE_SID.test(messageSid) && MEDIA_SID.test(mediaSid);
    return isMediaId ? ctx.twilio.fetchMedia(messageSid, mediaSid) : null;
  },
};
