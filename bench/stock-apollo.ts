/**
 * Baseline "stock Apollo + got": the server a team would write by hand from the docs, i.e. what this
 * gateway must beat. `startStandaloneServer` with its defaults (Express, default plugins), got with its
 * defaults, one REST call per resolver and no DataLoader. It serves the same SDL and answers Q1 and Q2
 * with the same data as the gateway (the benchmark checks that each answer has no errors), and the
 * Twilio-shaped section's polls and sends (`numMedia`, `media { url }`, `createMessage`).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import got from 'got';
import { loadConfig } from '../src/config.js';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { accountPath, type WireMedia, type WireMediaPage, type WireMessage, type WireMessagePage } from '../src/protocol/wire.js';

const { twilio } = loadConfig();
const api = got.extend({
  prefixUrl: `${twilio.baseUrl}${accountPath(twilio.accountSid)}/`,
  username: twilio.username,
  password: twilio.password,
});
const iso = (date: string | null) => (date === null ? null : new Date(date).toISOString());

const resolvers = {
  Query: {
    message: (_root: unknown, { sid }: { sid: string }) => api(`Messages/${sid}.json`).json<WireMessage>(),
    messages: async (_root: unknown, { first }: { first?: number }) => {
      const page = await api('Messages.json', { searchParams: { PageSize: first ?? 50 } }).json<WireMessagePage>();
      return { nodes: page.messages };
    },
  },
  Message: {
    status: (m: WireMessage) => m.status?.toUpperCase(),
    dateSent: (m: WireMessage) => iso(m.date_sent),
    price: (m: WireMessage) => (m.price === null ? null : { amount: m.price, currency: m.price_unit }),
    numMedia: (m: WireMessage) => Number(m.num_media),
    media: async (m: WireMessage): Promise<WireMedia[]> => (await api(`Messages/${m.sid}/Media.json`).json<WireMediaPage>()).media_list,
  },
  // Twilio's own link to the content, as a hand-written server would give it.
  Media: { url: (m: WireMedia) => `${twilio.baseUrl}${(m.uri ?? '').replace(/\.json$/, '')}` },
  Mutation: {
    // One POST per call, as got's docs show it (got does not retry a POST); idempotencyKey is not used.
    createMessage: async (_root: unknown, { input }: { input: { to: string; from?: string | null; body?: string | null } }) => {
      const form: Record<string, string> = { To: input.to };
      if (input.from) form['From'] = input.from;
      if (input.body) form['Body'] = input.body;
      return { message: await api.post('Messages.json', { form }).json<WireMessage>(), userErrors: [] };
    },
  },
};

const server = new ApolloServer({ typeDefs: loadTypeDefs(), resolvers });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
console.log(`READY ${url.replace(/\/$/, '').replace('localhost', '127.0.0.1')}`);
