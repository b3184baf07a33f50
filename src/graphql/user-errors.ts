/**
 * Twilio's answers to a mutation's input as `userErrors`: a stable code per Twilio error, and the input
 * field it points at.
 */
import { TwilioApiError } from '../twilio/errors.js';

/** The stable codes of caller-fixable errors, and the input field each points at, by Twilio code. */
const USER_ERRORS: Readonly<Record<number, { code: string; field: string | null }>> = {
  20404: { code: 'NOT_FOUND', field: 'sid' },
  20009: { code: 'DELIVERY_NOT_COMPLETE', field: 'sid' },
  21211: { code: 'INVALID_PHONE_NUMBER', field: 'to' },
  21212: { code: 'INVALID_SENDER', field: 'from' },
  21408: { code: 'REGION_NOT_PERMITTED', field: 'to' },
  21602: { code: 'CONTENT_REQUIRED', field: 'body' },
  21603: { code: 'SENDER_REQUIRED', field: 'from' },
  21604: { code: 'RECIPIENT_REQUIRED', field: 'to' },
  21606: { code: 'SENDER_NOT_CAPABLE', field: 'from' },
  21609: { code: 'INVALID_STATUS_CALLBACK', field: 'statusCallback' },
  21610: { code: 'RECIPIENT_OPTED_OUT', field: 'to' },
  21611: { code: 'SENDER_QUEUE_FULL', field: 'from' },
  21612: { code: 'RECIPIENT_UNREACHABLE', field: 'to' },
  21614: { code: 'NOT_A_MOBILE_NUMBER', field: 'to' },
  21617: { code: 'BODY_TOO_LONG', field: 'body' },
  21620: { code: 'INVALID_MEDIA_URL', field: 'mediaUrls' },
  21623: { code: 'TOO_MANY_MEDIA', field: 'mediaUrls' },
  21624: { code: 'INVALID_VALIDITY_PERIOD', field: 'validityPeriod' },
  21655: { code: 'INVALID_CONTENT_SID', field: 'contentSid' },
  21701: { code: 'INVALID_MESSAGING_SERVICE', field: 'messagingServiceSid' },
  30409: { code: 'NOT_CANCELABLE', field: 'status' },
  35114: { code: 'INVALID_SCHEDULE', field: 'sendAt' },
};

/** A caller-fixable problem, as the `UserError` GraphQL type. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string;
  twilioCode: number | null;
  moreInfo: string | null;
}

/**
 * Turns a Twilio 4xx into a `UserError`. `fieldPrefix` is where the mutation's arguments sit
 * (`['input']` for input objects, `[]` for a bare `sid` argument).
 */
export function toUserError(error: TwilioApiError, fieldPrefix: readonly string[]): UserError {
  const known = USER_ERRORS[error.code];
  return {
    field: known?.field ? [...fieldPrefix, known.field] : null,
    message: error.message,
    code: known?.code ?? 'REJECTED_BY_TWILIO',
    twilioCode: error.code,
    moreInfo: error.moreInfo,
  };
}

/** Runs a mutation's upstream call; a Twilio 4xx becomes `userErrors`, anything else is thrown on. */
export async function withUserErrors<T>(
  fieldPrefix: readonly string[],
  run: () => Promise<T>,
): Promise<{ value: T; userErrors: [] } | { value: null; userErrors: UserError[] }> {
  try {
    return { value: await run(), userErrors: [] };
  } catch (error) {
    if (error instanceof TwilioApiError) return { value: null, userErrors: [toUserError(error, fieldPrefix)] };
    throw error;
  }
}
