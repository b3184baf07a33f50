/** Root mutations: send, redact, cancel, delete. Twilio 4xx answers come back as `userErrors`. */
import type { CreateMessageInput, MutationResolvers } from '../__generated__/resolvers.js';
import { primeMessages, type GatewayContext } from '../context.js';
import type { CreateMessageParams } from '../twilio/client.js';
import { toTwilioIso } from '../twilio/dates.js';
import { ErrorCode, UpstreamError, withUserErrors, type UserError } from '../twilio/errors.js';
import { MESSAGE_SID, type WireMessage } from '../twilio/wire.js';


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
  const result = await withUserErrors(['input'], () => ctx.twilio.createMessage(createParams(input)));
  if (result.value) primeMessages(ctx.loaders, [result.value]);
  return { message: result.value, userErrors: result.userErrors };
}

async function update(
  ctx: GatewayContext,
  sid: string,
  change: { Body?: string; Status?: 'canceled' },
  fieldPrefix: string[],
): Promise<MessagePayload> {
  if (!MESSAGE_SID.test(sid)) return { message: null, userErrors: [inputError([...fieldPrefix, 'sid'], 'NOT_FOUND', `No message ${sid}`)] };
  const result = await withUserErrors(fieldPrefix, () => ctx.twilio.updateMessage(sid, change));
  if (result.value) primeMessages(ctx.loaders, [result.value]);
  return { message: result.value, userErrors: result.userErrors };
}

export const Mutation: MutationResolvers = {
  createMessage: async (_root, { input }, ctx) => {
    const sendWithinBudget = (): MessagePayload | Promise<MessagePayload> => {
      const wait = ctx.services.sendRateLimiter.take(ctx.caller.id);
      if (wait > 0) {
        throw new UpstreamError(ErrorCode.RateLimited, `Send rate limit reached for this caller; retry in ${wait} s.`, { retryAfter: wait });
      }
      return send(input, ctx);
    };
    if (!input.idempotencyKey) return sendWithinBudget();
    // A replay of a key already used costs no send budget: only the first call with a key is counted.
    const payload = (await ctx.services.idempotency.run(ctx.caller.id, input.idempotencyKey, async () => sendWithinBudget())) as MessagePayload;
    if (payload.message) primeMessages(ctx.loaders, [payload.message]);
    return payload;
  },

  updateMessage: (_root, { input }, ctx) => {
    if (input.body !== null && input.body !== undefined && input.body !== '') {
      return { message: null, userErrors: [inputError(['input', 'body'], 'INVALID_BODY', 'body can only be "", which redacts the message')] };
    }
    if ((input.body === null || input.body === undefined) && !input.status) {
      return { message: null, userErrors: [inputError(['input'], 'NOTHING_TO_UPDATE', 'give body "" (redact) or status CANCELED')] };
    }
    return update(ctx, input.sid, { Body: input.body ?? undefined, Status: input.status ? 'canceled' : undefined }, ['input']);
  },

  redactMessage: (_root, { sid }, ctx) => update(ctx, sid, { Body: '' }, []),

  cancelMessage: (_root, { sid }, ctx) => update(ctx, sid, { Status: 'canceled' }, []),

  deleteMessage: async (_root, { sid }, ctx) => {
    if (!MESSAGE_SID.test(sid)) return { deletedSid: null, userErrors: [inputError(['sid'], 'NOT_FOUND', `No message ${sid}`)] };
    const result = await withUserErrors([], () => ctx.twilio.deleteMessage(sid));
    if (result.userErrors.length > 0) return { deletedSid: null, userErrors: result.userErrors };
    ctx.loaders.message.clear(sid).prime(sid, null);
    return { deletedSid: sid, userErrors: [] };
  },
};
