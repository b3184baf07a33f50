/** CORS for /graphql: the configured browser origins only, and the preflight answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../graphql/errors.js';
import { originMatcher } from '../http.js';
import { sendGraphQLError } from './graphql-route.js';

/**
 * Checks a request's Origin against `allowlist`. Returns the CORS headers to add to its answer, or null when
 * the request has been answered already (403 for a foreign origin, 204 for a preflight).
 */
export function corsHandler(allowlist: readonly string[]): (req: IncomingMessage, res: ServerResponse) => Record<string, string> | null {
  const originAllowed = originMatcher(allowlist);
  return (req, res) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> = { vary: 'Origin' };
    if (origin !== undefined) {
      if (!originAllowed(origin)) {
        sendGraphQLError(res, 403, ErrorCode.Forbidden, 'Origin not allowed', cors);
        return null;
      }
      cors['access-control-allow-origin'] = origin;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name',
        'access-control-max-age': '600',
      });
      res.end();
      return null;
    }
    return cors;
  };
}
