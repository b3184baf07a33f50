/**
 * Twilio's failures as typed errors, made at the edge of the REST client. Two kinds: {@link TwilioApiError},
 * a 4xx Twilio gave about the request (the caller may be able to fix it), and {@link UpstreamError}, which
 * the caller cannot fix, with one of {@link UpstreamCode}. Messages here are written by us: nothing from the
 * upstream body or URL reaches them verbatim, so no credential can leak through an error. No GraphQL here:
 * the GraphQL layer decides how each one is shown.
 */

/** Why an upstream call failed, when the caller cannot fix it. */
export const UpstreamCode = {
  AuthFailed: 'UPSTREAM_AUTH_FAILED',
  RateLimited: 'RATE_LIMITED',
  Unavailable: 'UPSTREAM_UNAVAILABLE',
  Timeout: 'UPSTREAM_TIMEOUT',
  SendOutcomeUnknown: 'SEND_OUTCOME_UNKNOWN',
} as const;
export type UpstreamCode = (typeof UpstreamCode)[keyof typeof UpstreamCode];

/** A Twilio 4xx about the request: `{code, message, more_info, status}`. */
export class TwilioApiError extends Error {
  override name = 'TwilioApiError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly moreInfo: string | null,
  ) {
    super(message);
  }
}

/** A failure the caller cannot fix, with details for the caller (such as `retryAfter` seconds). */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly code: UpstreamCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** Twilio refused the account's credentials (401/403, Twilio's 20003). */
export const authFailed = (): UpstreamError => new UpstreamError(UpstreamCode.AuthFailed, 'Twilio refused the gateway\'s credentials (20003).');

/** No answer: a timeout gives UPSTREAM_TIMEOUT, anything else UPSTREAM_UNAVAILABLE. */
export function noAnswer(code: string | undefined): UpstreamError {
  return code === 'ETIMEDOUT'
    ? new UpstreamError(UpstreamCode.Timeout, 'Twilio did not answer in time.')
    : new UpstreamError(UpstreamCode.Unavailable, 'Twilio could not be reached.');
}

/** Codes after which a send surely did not happen, so it may be tried again. */
const NOTHING_SENT: ReadonlySet<string> = new Set([UpstreamCode.RateLimited, UpstreamCode.Unavailable, UpstreamCode.AuthFailed]);

/** True for a failure that proves no send reached Twilio. */
export function nothingWasSent(error: unknown): boolean {
  return error instanceof UpstreamError && NOTHING_SENT.has(error.code);
}
