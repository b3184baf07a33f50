/**
 * Error masking, in one place: only errors the gateway made on purpose keep their message. Everything
 * else (a native exception, an error thrown without a code, which Apollo labels INTERNAL_SERVER_ERROR)
 * becomes a generic INTERNAL_SERVER_ERROR for the caller and a log line for us.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../telemetry/log.js';
import { ErrorCode } from '../twilio/errors.js';

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

/**
 * True when the error at the root of `error` is a GraphQLError: one that we, graphql-js or Apollo wrote on
 * purpose. A native exception (a TypeError, the RangeError of a too-deeply nested document) is not, even when
 * Apollo has given it a safe-looking code such as GRAPHQL_PARSE_FAILED.
 */
function madeOnPurpose(error: unknown): boolean {
  let root = error;
  while (root instanceof GraphQLError && root.originalError) root = root.originalError;
  return root instanceof GraphQLError;
}

/** Masks every error we did not make on purpose: no stack, no upstream text, no internals. Masked ones are logged. */
export function formatError(formatted: GraphQLFormattedError, logger: Logger, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && SAFE_CODES.has(code) && madeOnPurpose(error)) {
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

/** Apollo's own log lines (it logs a few failures itself), through our logger and its redaction. */
export function apolloLogger(logger: Logger) {
  const line = (level: 'info' | 'warn' | 'error') => (message: unknown) => logger(level, 'apollo', { message: String(message) });
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}
