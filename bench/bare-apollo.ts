/** Baseline for Q0: a stock Apollo Server (standalone) on the same schema, landing page off. */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadTypeDefs } from '../src/graphql/schema.js';

const server = new ApolloServer({ typeDefs: loadTypeDefs(), plugins: [ApolloServerPluginLandingPageDisabled()] });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
console.log(`READY ${url.replace(/\/$/, '').replace('localhost', '127.0.0.1')}`);
