/**
 * The API's error codes, and errors mapped and masked in one place: Twilio's failures become GraphQL errors
 * with our words and a code; only errors the gateway made on purpose keep their message. Everything else (a
 * native exception, an error thrown without a code, which Apollo labels INTERNAL_SERVER_ERROR) becomes a
 * generic INTERNAL_SERVER_ERROR for the caller and a log line for us.
 */
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../telemetry/log.js';
import { OutcomeUnknownError, StateUnavailableError } from '../state/types.js';
import { TwilioApiError, UpstreamCode, UpstreamError } from '../twilio/errors.js';

/** The `extensions.code`s of top-level errors: Twilio's failures, and the gateway's own. */
export const ErrorCode = {
  ...UpstreamCode,
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  BadUserInput: 'BAD_USER_INPUT',
  QueryTooExpensive: 'QUERY_TOO_EXPENSIVE',
  /** A subscription's `after` is older than the event log keeps. */
  CursorExpired: 'CURSOR_EXPIRED',
  /** REDIS_URL is configured but Redis cannot be reached: sends are refused rather than risk a duplicate. */
  StateUnavailable: 'STATE_UNAVAILABLE',
  /** The HTTP request itself was wrong: a body that is not JSON. */
  BadRequest: 'BAD_REQUEST',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** TRUSTED_DOCUMENTS=only and the document is not one of the manifest's (PERSISTED_DOCUMENTS). */
  PersistedQueryNotInList: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** An upstream call refused because its GraphQL request had been answered; never seen by a caller. */
  RequestEnded: 'REQUEST_ENDED',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error the gateway raises on purpose, with its code and extra extensions. */
export function gatewayError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** A BAD_USER_INPUT error: an argument the caller can fix, and how. */
export function badUserInput(message: string): GraphQLError {
  return gatewayError(ErrorCode.BadUserInput, message);
}

/**
 * A failure from the REST client as the caller sees it: an {@link UpstreamError} with its code, a Twilio 4xx
 * that reached the top (a read has no `userErrors`) as BAD_USER_INPUT in our words with Twilio's code, since
 * Twilio's own text may carry anything. Null for anything else.
 */
export function fromUpstream(error: unknown): GraphQLError | null {
  if (error instanceof UpstreamError) return gatewayError(error.code, error.message, { ...error.details });
  if (error instanceof TwilioApiError) {
    const help = error.moreInfo ? ` See ${error.moreInfo}` : '';
    return gatewayError(ErrorCode.BadUserInput, `Twilio refused the request (error ${error.code}, HTTP ${error.status}).${help}`, {
      twilioCode: error.code,
      moreInfo: error.moreInfo,
    });
  }
  return null;
}

/** A failure of the shared state as the caller sees it, or null for anything else. */
function fromState(error: unknown): GraphQLError | null {
  if (error instanceof StateUnavailableError) {
    return gatewayError(ErrorCode.StateUnavailable, 'The gateway\'s shared state (Redis) is unavailable: nothing was sent. Retry shortly.', { retryAfter: 1 });
  }
  if (error instanceof OutcomeUnknownError) return gatewayError(ErrorCode.SendOutcomeUnknown, error.message);
  return null;
}

/** Codes whose messages we (or graphql-js, about the document) wrote, and may show. INTERNAL_SERVER_ERROR is never one. */
const SAFE_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError),
  ...Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
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
  const upstream = fromUpstream(unwrapResolverError(error)) ?? fromState(unwrapResolverError(error));
  if (upstream) return { message: upstream.message, path: formatted.path, locations: formatted.locations, extensions: upstream.extensions };
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && SAFE_CODES.has(code) && madeOnPurpose(error)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  logger('error', 'graphql.unexpected_error', {
    name: original instanceof Error ? original.name : typeof original,
    // Bounded: the text may be the caller's (a document, a variable), and a log line is no place for 90 KB of it.
    message: (original instanceof Error ? original.message : String(original)).slice(0, 500),
    path: formatted.path,
  });
  return { message: MASKED_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
}

/** Apollo's own log lines (it logs a few failures itself), through our logger and its redaction. */
export function apolloLogger(logger: Logger) {
  const line = (level: 'info' | 'warn' | 'error') => (message: unknown) => logger(level, 'apollo', { message: String(message) });
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}
