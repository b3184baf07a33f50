/**
 * The Apollo HTTP adapter: a node:http request in, Apollo's `executeHTTPGraphQLRequest` in the middle, the
 * answer out. Caller authentication happens here, before any body is read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Authenticator } from '../graphql/auth.js';
import type { Caller, GatewayContext } from '../graphql/context.js';
import { readBody, sendJson } from '../http.js';
import { ErrorCode } from '../graphql/errors.js';

/** Writes an error in GraphQL-over-HTTP's shape, for answers given before GraphQL runs (401, 403, 413…). */
export function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 100 * 1024;

const AUTH_HINT = 'Send Authorization: Bearer <API key or JWT>';

/** What the route needs. */
export interface GraphQLRouteOptions {
  apollo: ApolloServer<GatewayContext>;
  authenticate: Authenticator;
  /** True where Apollo serves a landing page: then a GET without credentials may go as far as that page. */
  landingPage: boolean;
  contextFor(caller: Caller): GatewayContext;
}

/** The 401 for a request without credentials that Apollo did not answer with its landing page. */
function unauthenticated(): GraphQLError {
  // Apollo reads `http` from the error (its status and a Map of headers) and strips it from the answer.
  const http = { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) };
  const extensions: Record<string, unknown> = { code: ErrorCode.Unauthenticated, http };
  return new GraphQLError(AUTH_HINT, { extensions });
}

/** Builds the handler of `/graphql`; `cors` holds the headers CORS adds to every answer. */
export function graphqlRoute(options: GraphQLRouteOptions) {
  const { apollo, authenticate, landingPage } = options;
  return async (req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Promise<void> => {
    const method = req.method ?? 'GET';
    const authenticated = authenticate(req.headers.authorization);
    const caller: Caller | null = authenticated instanceof Promise ? await authenticated : authenticated;
    // Without credentials only a GET may go on, and only as far as Apollo's landing page: building the
    // context (which every operation needs) refuses it, so whatever Apollo does not answer with the page is a 401.
    if (!caller && !(landingPage && method === 'GET')) {
      return sendGraphQLError(res, 401, ErrorCode.Unauthenticated, AUTH_HINT, { ...cors, 'www-authenticate': 'Bearer' });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (method === 'POST') {
      const text = await readBody(req, MAX_BODY_BYTES);
      if (text === null) return sendGraphQLError(res, 413, ErrorCode.PayloadTooLarge, `Request body larger than ${MAX_BODY_BYTES} bytes`, cors);
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.includes('application/json')) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          return sendGraphQLError(res, 400, ErrorCode.BadRequest, 'The body is not valid JSON', cors);
        }
      } else {
        body = text;
      }
    }
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const search = queryStart < 0 ? '' : target.slice(queryStart);
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: method.toUpperCase(), headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        if (!caller) throw unauthenticated();
        return options.contextFor(caller);
      },
    });
    const outHeaders: Record<string, string> = { ...cors };
    for (const [key, value] of response.headers) outHeaders[key] = value;
    if (response.body.kind === 'complete') {
      outHeaders['content-length'] = String(Buffer.byteLength(response.body.string));
      res.writeHead(response.status ?? 200, outHeaders);
      res.end(response.body.string);
      return;
    }
    res.writeHead(response.status ?? 200, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
