/**
 * Baseline "GraphQL Mesh": the schema GraphQL Mesh generates from Twilio's official OpenAPI spec (its
 * OpenAPI loader, `@omnigraph/openapi`), served by graphql-yoga as Mesh serves it. This is the
 * alternative to a hand-made gateway: no code, but Twilio's names and types as they are (snake_case,
 * strings for counts and dates) and no way to reach a message's media in the same query.
 * The spec's path comes from TWILIO_OPENAPI_SPEC.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { loadGraphQLSchemaFromOpenAPI } from '@omnigraph/openapi';
import { createYoga } from 'graphql-yoga';
import { loadConfig } from '../src/config.js';
import { basicAuthorization } from '../src/twilio/http.js';
import { announce } from './shared.js';

const { twilio } = loadConfig();
const specPath = process.env['TWILIO_OPENAPI_SPEC'];
if (!specPath) throw new Error('TWILIO_OPENAPI_SPEC is not set');
const schema = await loadGraphQLSchemaFromOpenAPI('Twilio', {
  source: resolve(specPath),
  endpoint: twilio.baseUrl,
  operationHeaders: { Authorization: basicAuthorization(twilio) },
});
const server = createServer(createYoga({ schema, graphiql: false, logging: false }));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => announce(server));
