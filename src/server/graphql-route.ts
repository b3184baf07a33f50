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
import type { TrustedDocuments } from '../graphql/trusted-documents.js';

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
  /** Documents a request may name by hash; with `only`, the only ones that run. */
  trusted: TrustedDocuments;
  contextFor(caller: Caller): GatewayContext;
}

/**
 * The request with the document it names by hash filled in (GraphQL over HTTP's POST body or GET query), or
 * the reason it is refused. Runs before Apollo parses anything.
 */
function withTrustedDocument(trusted: TrustedDocuments, method: string, body: unknown, search: string): { body: unknown; search: string } | { refused: string } {
  if (method === 'POST') {
    // Batches are refused by Apollo; with `only`, anything but one operation object is refused here first.
    if (!body || typeof body !== 'object' || Array.isArray(body)) return trusted.only ? { refused: 'Send one GraphQL request object.' } : { body, search };
    const request = body as Record<string, unknown>;
    const resolved = trusted.resolve(request['query'], request['extensions']);
    if ('refused' in resolved) return resolved;
    // Not named by a known hash: the request goes to Apollo as it came.
    if (resolved.query === request['query'] && resolved.extensions === request['extensions']) return { body, search };
    // Absent stays absent: Apollo refuses a key that is there with no value.
    const { query: _query, extensions: _extensions, ...rest } = request;
    return {
      body: { ...rest, ...(resolved.query !== undefined && { query: resolved.query }), ...(resolved.extensions !== undefined && { extensions: resolved.extensions }) },
      search,
    };
  }
  const params = new URLSearchParams(search);
  let extensions: unknown;
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    extensions = undefined;
  }
  const query = params.get('query') ?? undefined;
  const resolved = trusted.resolve(query, extensions);
  if ('refused' in resolved) return resolved;
  // Not named by a known hash: the query string goes to Apollo as it came (unreadable extensions included, which it refuses).
  if (resolved.query === query && resolved.extensions === extensions) return { body, search };
  if (typeof resolved.query === 'string') params.set('query', resolved.query);
  if (resolved.extensions === undefined) params.delete('extensions');
  else params.set('extensions', JSON.stringify(resolved.extensions));
  const rebuilt = params.toString();
  return { body, search: rebuilt ? `?${rebuilt}` : '' };
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
    let search = queryStart < 0 ? '' : target.slice(queryStart);
    // A GET with no query string is a browser asking for the landing page: nothing to resolve.
    if (method === 'POST' || search) {
      const named = withTrustedDocument(options.trusted, method, body, search);
      if ('refused' in named) return sendGraphQLError(res, 400, ErrorCode.PersistedQueryNotInList, named.refused, cors);
      ({ body, search } = named);
    }
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
    // The explorer page: no other site may frame it (a click there could send), and no sniffing. Its own policy is
    // a meta tag, which cannot say frame-ancestors.
    if (outHeaders['content-type']?.startsWith('text/html')) {
      Object.assign(outHeaders, { 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
    }
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
