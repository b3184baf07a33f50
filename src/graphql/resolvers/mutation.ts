/** Root mutations: send, redact, cancel, delete. Twilio 4xx answers come back as `userErrors`. */
import type { CreateMessageInput, MutationResolvers } from '../../__generated__/resolvers.js';
import { primeMessages, type GatewayContext } from '../context.js';
import type { CreateMessageParams } from '../../twilio/messages.js';
import { toTwilioIso } from '../../protocol/dates.js';
import { fingerprint, idempotencyKeyProblem } from '../../state/idempotency.js';
import { GraphQLError } from 'graphql';
import { nothingWasSent } from '../../twilio/errors.js';
import { StateUnavailableError } from '../../state/types.js';
import { ErrorCode, gatewayError } from '../errors.js';
import { withUserErrors, type UserError } from '../user-errors.js';
import { MESSAGE_SID, type WireMessage } from '../../protocol/wire.js';

/** The payload of createMessage and the update mutations, over the wire type (the codegen mapper). */
interface MessagePayload {
  message: WireMessage | null;
  userErrors: UserError[];
}

/** A userError raised by the gateway itself, before any upstream call. */
function inputError(field: string[], code: string, message: string): UserError {
  return { field, code, message, twilioCode: null, moreInfo: null };
}

/** Twilio's parameter names for a CreateMessageInput; absent fields are not sent. */
export function createParams(input: CreateMessageInput): CreateMessageParams {
  const bool = (value: boolean | null | undefined) => (value === null || value === undefined ? undefined : String(value));
  const lower = (value: string | null | undefined) => value?.toLowerCase();
  return {
    To: input.to,
    From: input.from ?? undefined,
    MessagingServiceSid: input.messagingServiceSid ?? undefined,
    Body: input.body ?? undefined,
    MediaUrl: input.mediaUrls ?? undefined,
    ContentSid: input.contentSid ?? undefined,
    ContentVariables: input.contentVariables ?? undefined,
    StatusCallback: input.statusCallback ?? undefined,
    ...(input.sendAt ? { SendAt: toTwilioIso(Date.parse(input.sendAt)), ScheduleType: 'fixed' } : {}),
    ValidityPeriod: input.validityPeriod === null || input.validityPeriod === undefined ? undefined : String(input.validityPeriod),
    SmartEncoded: bool(input.smartEncoded),
    SendAsMms: bool(input.sendAsMms),
    ShortenUrls: bool(input.shortenUrls),
    ProvideFeedback: bool(input.provideFeedback),
    PersistentAction: input.persistentActions ?? undefined,
    ContentRetention: lower(input.contentRetention),
    AddressRetention: lower(input.addressRetention),
    RiskCheck: lower(input.riskCheck),
  };
}

async function send(input: CreateMessageInput, ctx: GatewayContext): Promise<MessagePayload> {
  // Without a callback of the caller's own, Twilio is asked to tell the gateway, where Twilio can reach it.
  const params = { ...createParams(input), StatusCallback: input.statusCallback ?? ctx.services.statusCallbackUrl() ?? undefined };
  let result: { value: WireMessage | null; userErrors: UserError[] } | null = null;
  try {
    result = await withUserErrors(['input'], () => ctx.twilio.createMessage(params));
    return await kept(result, ctx);
  } finally {
    // Every cached list is now missing it. After a failure (SEND_OUTCOME_UNKNOWN) it may be, and the look-up that
    // error asks for must not be answered from before the send; Twilio's 4xx (userErrors) created nothing.
    const sid = result?.value?.sid;
    if (sid) ctx.services.invalidations.publish({ sid, deleted: false });
    else if (!result) ctx.services.invalidations.publish({ sid: null, deleted: false });
  }
}

/** A sent message kept for what follows: the request's loader, and the snapshot its events will carry. */
async function kept(result: { value: WireMessage | null; userErrors: UserError[] }, ctx: GatewayContext): Promise<MessagePayload> {
  if (result.value) {
    primeMessages(ctx.loaders, [result.value]);
    // Kept so that its status callbacks become events with the whole message, without asking Twilio.
    await ctx.services.snapshots.put(result.value);
  }
  return { message: result.value, userErrors: result.userErrors };
}

/** The one answer to a SID that names no message, malformed or unknown alike. */
function sidNotFound(field: string[], sid: string, twilioCode: number | null = null): UserError {
  const shape = MESSAGE_SID.test(sid) ? '' : ' (a message SID is SM or MM followed by 32 hex digits)';
  return { field, code: 'NOT_FOUND', message: `No message ${JSON.stringify(sid.slice(0, 64))} in this account${shape}`, twilioCode, moreInfo: null };
}

/**
 * Runs an upstream change of the message `sid`. Twilio's 4xx become userErrors whose `field` names an
 * argument the mutation has (`arguments`), else its `sid`; a 404 gets the same answer as a malformed SID.
 */
async function changeMessage<T>(
  sid: string,
  sidField: string[],
  argumentFields: readonly string[],
  run: () => Promise<T>,
): Promise<{ value: T | null; userErrors: UserError[] }> {
  if (!MESSAGE_SID.test(sid)) return { value: null, userErrors: [sidNotFound(sidField, sid)] };
  const result = await withUserErrors(sidField.slice(0, -1), run);
  const userErrors = result.userErrors.map((error) => {
    if (error.code === 'NOT_FOUND') return sidNotFound(sidField, sid, error.twilioCode);
    const named = error.field && argumentFields.includes(error.field[error.field.length - 1]!);
    return named ? error : { ...error, field: sidField };
  });
  return { value: result.value, userErrors };
}

async function update(
  ctx: GatewayContext,
  sid: string,
  change: { Body?: string; Status?: 'canceled' },
  fieldPrefix: string[],
  argumentFields: readonly string[],
): Promise<MessagePayload> {
  let result: Awaited<ReturnType<typeof changeMessage<WireMessage>>>;
  try {
    result = await changeMessage(sid, [...fieldPrefix, 'sid'], argumentFields, () => ctx.twilio.updateMessage(sid, change));
  } finally {
    // Whatever the outcome: an update whose answer was lost may have happened.
    if (MESSAGE_SID.test(sid)) ctx.services.invalidations.publish({ sid, deleted: false });
  }
  if (result.value) primeMessages(ctx.loaders, [result.value]);
  return { message: result.value, userErrors: result.userErrors };
}

/** True for a failure of createMessage that proves nothing was sent: Twilio said so, or no request went out. */
function nothingSentYet(error: unknown): boolean {
  const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
  return nothingWasSent(error) || error instanceof StateUnavailableError || code === ErrorCode.RateLimited || code === ErrorCode.QueryTooExpensive || code === ErrorCode.RequestEnded;
}

/** createMessage's own checks, before any budget is taken or call made. */
function createInputErrors(input: CreateMessageInput): UserError[] {
  const errors: UserError[] = [];
  if (input.sendAt && !input.messagingServiceSid) {
    // Without a Messaging Service Twilio ignores SendAt and sends at once: never an early SMS.
    errors.push(inputError(['input', 'messagingServiceSid'], 'SCHEDULE_NEEDS_MESSAGING_SERVICE',
      'sendAt needs messagingServiceSid: Twilio schedules only messages sent through a Messaging Service (without one it would send now)'));
  }
  if (input.idempotencyKey !== null && input.idempotencyKey !== undefined) {
    const problem = idempotencyKeyProblem(input.idempotencyKey);
    if (problem) errors.push(inputError(['input', 'idempotencyKey'], 'INVALID_IDEMPOTENCY_KEY', problem));
  }
  return errors;
}

export const Mutation: MutationResolvers = {
  createMessage: async (_root, { input }, ctx) => {
    const invalid = createInputErrors(input);
    if (invalid.length > 0) return { message: null, userErrors: invalid };
    const sendWithinBudget = async (): Promise<MessagePayload> => {
      const wait = await ctx.services.sendRateLimiter.take(ctx.caller.id);
      if (wait > 0) {
        throw gatewayError(ErrorCode.RateLimited, `Send rate limit reached for this caller; retry in ${wait} s.`, { retryAfter: wait });
      }
      return send(input, ctx);
    };
    if (!input.idempotencyKey) return sendWithinBudget();
    const { idempotencyKey, ...rest } = input;
    // A replay of a key already used costs no send budget: only the first call with a key is counted.
    const claim = await ctx.services.idempotency.claim(ctx.caller.id, idempotencyKey, fingerprint(createParams(rest)), sendWithinBudget, nothingSentYet);
    if (claim.kind === 'conflict') {
      return { message: null, userErrors: [inputError(['input', 'idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED',
        'This idempotencyKey was already used with different input; use a new key for a new message')] };
    }
    const payload = (await claim.result) as MessagePayload;
    if (claim.kind === 'first' || !payload.message?.sid) return payload;
    // A replay answers with the message as it is now, not as it was when it was sent.
    const current = await ctx.loaders.message.load(payload.message.sid).catch(() => null);
    return { ...payload, message: current ?? payload.message };
  },

  updateMessage: (_root, { input }, ctx) => {
    if (input.body !== null && input.body !== undefined && input.body !== '') {
      return { message: null, userErrors: [inputError(['input', 'body'], 'INVALID_BODY', 'body can only be "", which redacts the message')] };
    }
    if ((input.body === null || input.body === undefined) && !input.status) {
      return { message: null, userErrors: [inputError(['input'], 'NOTHING_TO_UPDATE', 'give body "" (redact) or status CANCELED')] };
    }
    const change = { Body: input.body ?? undefined, Status: input.status ? ('canceled' as const) : undefined };
    return update(ctx, input.sid, change, ['input'], ['sid', 'body', 'status']);
  },

  redactMessage: (_root, { sid }, ctx) => update(ctx, sid, { Body: '' }, [], ['sid']),

  cancelMessage: (_root, { sid }, ctx) => update(ctx, sid, { Status: 'canceled' }, [], ['sid']),

  deleteMessage: async (_root, { sid }, ctx) => {
    let result: Awaited<ReturnType<typeof changeMessage<void>>>;
    try {
      result = await changeMessage(sid, ['sid'], ['sid'], () => ctx.twilio.deleteMessage(sid));
    } finally {
      // Whatever the outcome: a delete whose answer was lost may have happened, and a NOT_FOUND means it is gone.
      if (MESSAGE_SID.test(sid)) ctx.services.invalidations.publish({ sid, deleted: true });
    }
    if (result.userErrors.length > 0) return { deletedSid: null, userErrors: result.userErrors };
    ctx.loaders.message.clear(sid).prime(sid, null);
    return { deletedSid: sid, userErrors: [] };
  },
};
