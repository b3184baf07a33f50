/**
 * Error masking, in one place: only errors the gateway made on purpose keep their message. Everything
 * else (a native exception, an error thrown without a code, which Apollo labels INTERNAL_SERVER_ERROR)
 * becomes a generic INTERNAL_SERVER_ERROR for the caller and a log line for us.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './log.js';
import { ErrorCode } from './twilio/errors.js';

/** Codes whose messages we (or graphql-js, about the document) wrote, and may show. INTERNAL_SERVER_ERROR is never one. */
const SAFE_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The message every masked error gets. */
export const MASKED_MESSAGE = 'Internal server error';

/** Masks every error we did not make on purpose: no stack, no upstream text, no internals. Masked ones are logged. */
export function formatError(formatted: GraphQLFormattedError, logger: Logger, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && SAFE_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  logger('error', 'graphql.unexpected_error', {
    name: original instanceof Error ? original.name : typeof original,
    message: original instanceof Error ? original.message : String(original),
    path: formatted.path,
  });
  return { message: MASKED_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
}
