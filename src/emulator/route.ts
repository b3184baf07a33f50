/**
 * What the handler's routes share: the request the transport hands over, the response it writes, the
 * operations calls are counted under, and a route over its request context. Resource modules (Messages in
 * handler.ts, IncomingPhoneNumbers in numbers-api.ts) each give the handler a list of routes.
 */

/** A request as the transport hands it over. */
export interface EmulatorRequest {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

/** A response for the transport to write; the transport sets `content-length` from the body's bytes. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  /** Text (JSON, written as UTF-8) or bytes (media content). */
  body: string | Buffer;
}

/** The operations the emulator serves, named after Twilio's operationIds; calls are counted per operation. */
export type Operation =
  | 'CreateMessage' | 'ListMessage' | 'FetchMessage' | 'UpdateMessage' | 'DeleteMessage'
  | 'ListMedia' | 'FetchMedia' | 'DeleteMedia' | 'FetchMediaContent' | 'CreateMessageFeedback'
  | 'ListIncomingPhoneNumber' | 'FetchIncomingPhoneNumber' | 'UpdateIncomingPhoneNumber' | 'DeleteIncomingPhoneNumber'
  /** The emulator's stand-in for the storage host that FetchMediaContent redirects to (no credentials). */
  | 'FetchMediaStorage'
  | 'InjectInbound' | 'Unrouted';

/** An authenticated request under `/2010-04-01/Accounts/{AccountSid}`. */
export interface RouteContext {
  accountSid: string;
  /** The full path, for 404 messages and page links. */
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: EmulatorRequest['headers'];
}

/** One operation: a method and a pattern over the path after the account prefix; `params` are the pattern's groups. */
export interface Route {
  op: Operation;
  method: string;
  pattern: RegExp;
  run(ctx: RouteContext, params: string[]): EmulatorResponse;
}

/** A JSON answer. */
export function json(status: number, body: unknown): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}
