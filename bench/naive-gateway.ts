/**
 * Baseline "naive server": the same gateway with DataLoader taken out of the picture, as a hand-written
 * Apollo + REST server usually is: every `message` and every `media` field is its own upstream call, even
 * when `numMedia` is 0.
 */
import type { MessageResolvers, QueryResolvers, Resolvers } from '../src/__generated__/resolvers.js';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/server/gateway.js';
import { silentLogger } from '../src/telemetry/log.js';
import { resolvers } from '../src/graphql/resolvers/index.js';

const message: QueryResolvers['message'] = (_root, { sid }, ctx) => ctx.twilio.fetchMessage(sid);
const media: MessageResolvers['media'] = (m, _args, ctx) => ctx.twilio.listMedia(m.sid ?? '');
const naive: Resolvers = { ...resolvers, Query: { ...resolvers.Query, message }, Message: { ...resolvers.Message, media } };

const gateway = createGateway(loadConfig(), { logger: silentLogger, resolvers: naive });
const url = await gateway.start(0);
console.log(`READY ${url}`);
