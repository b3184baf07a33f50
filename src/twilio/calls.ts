/**
 * One REST call to Twilio: reads shared with identical ones (coalesced, cached), then the attempt loop under
 * the retry rules, the timeouts and the fair concurrency limit, with one seam before every attempt, when it
 * has its slot (where the GraphQL request's budget hangs; timing, traces and metrics of an attempt belong
 * beside it, in this loop). Answers are parsed here; Twilio's errors become typed errors here.
 */
import type { OptionsOfTextResponseBody, Response } from 'got';
import { redactText } from '../telemetry/log.js';
import { TwilioApiError, UpstreamCode, UpstreamError } from './errors.js';
import type { TwilioHttp } from './http.js';
import { CapacityTimeoutError, type Lanes } from './limiter.js';
import { readKey, type Loaded } from './shared-reads.js';
import { backoffMs, decide, mayHaveBeenProcessed, outcomeUnknown, type CallKind, type Failure } from './rules.js';

/** A REST call: its kind, path under the account, and query or form. */
export interface Call {
  kind: CallKind;
  path: string;
  searchParams?: URLSearchParams;
  form?: URLSearchParams;
  /** Retries after the first attempt, when the policy's number is not wanted (readiness checks make none). */
  retries?: number;
}

/** Who a call is made for. */
export interface CallOptions {
  /** Runs before every attempt made for this caller; see {@link BeforeAttempt}. */
  beforeAttempt: BeforeAttempt;
  /** The caller's lane in the fair queue for the account's capacity. */
  lane: string;
  /** False: a read that must ask Twilio now (a status poll, readiness), never answered from the cache. */
  cached: boolean;
}

/**
 * Runs before every attempt, when it has its slot and is about to be sent; throwing refuses the attempt
 * (the error reaches the caller as it is). The GraphQL request's call budget is one.
 */
export type BeforeAttempt = () => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date); null when absent or unreadable. */
function retryAfterMs(response: Response<string>): number | null {
  const value = response.headers['retry-after'];
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A Twilio error body, or a made-up one when the body is not Twilio's shape (we never echo it). */
function apiError(response: Response<string>): TwilioApiError {
  const body = parseJson(response.body);
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'number') {
    const b = body as { code: number; message?: unknown; more_info?: unknown };
    // Twilio's message is shown to the caller: bounded, and scrubbed of anything that looks like a credential.
    const message = typeof b.message === 'string' ? redactText(b.message.slice(0, 500)) : `Twilio error ${b.code}`;
    // Only a link to Twilio's page for an error code passes: anything else in it could carry anything.
    const moreInfo = typeof b.more_info === 'string' && /^https:\/\/www\.twilio\.com\/docs\/errors\/\d{1,6}$/.test(b.more_info) ? b.more_info : null;
    return new TwilioApiError(response.statusCode, b.code, message, moreInfo);
  }
  return new TwilioApiError(response.statusCode, 0, `Twilio answered HTTP ${response.statusCode}`, null);
}

/** got options for a call, with only the keys it needs: every key given costs got a merge step. */
function requestOptions(c: Call): OptionsOfTextResponseBody {
  const options: OptionsOfTextResponseBody = {};
  if (c.kind === 'delete') options.method = 'DELETE';
  else if (c.kind !== 'read') options.method = 'POST';
  if (c.searchParams) options.searchParams = c.searchParams;
  if (c.form) {
    options.body = c.form.toString();
    options.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  return options;
}

/**
 * Makes one REST call. Resolves with the parsed JSON (null for 204, or for a DELETE retried into 404);
 * rejects with {@link TwilioApiError} for a Twilio 4xx, {@link UpstreamError} for everything the caller
 * cannot fix, or whatever `beforeAttempt` threw. Reads go through the shared reads: an identical read in
 * flight is joined, a cached answer is given as it is (callers must not modify answers).
 */
export function call(upstream: TwilioHttp, c: Call, options: CallOptions): Promise<unknown> {
  if (c.kind !== 'read') return logged(upstream, c, options.beforeAttempt, options.lane).then((made) => made.value);
  const key = readKey(c.path, c.searchParams);
  return upstream.reads.read(key, options.cached, options.beforeAttempt, options.lane, (before, lanes) => logged(upstream, c, before, lanes));
}

/** The call made, its failure logged: its answer's value and the size of its body. */
async function logged(upstream: TwilioHttp, c: Call, beforeAttempt: BeforeAttempt, lanes: string | Lanes): Promise<Loaded> {
  try {
    const response = await attempts(upstream, c, beforeAttempt, lanes);
    return response === null ? { value: null, bytes: 0 } : { value: answer(c, response), bytes: response.body.length };
  } catch (error) {
    // Refusals by `beforeAttempt` are the caller's doing, and 4xx are the caller's to see: only Twilio's failures are logged.
    if (error instanceof UpstreamError) upstream.logger('warn', 'upstream.failed', { kind: c.kind, path: c.path, code: error.code });
    throw error;
  }
}

/** Nothing was sent that Twilio processed: the account's capacity stayed busy for longer than the call's patience. */
export function capacityBusy(): UpstreamError {
  return new UpstreamError(UpstreamCode.RateLimited, "Twilio's capacity for this account is busy; retry later.", { retryAfter: 1 });
}

/** The attempts of a call: the answer that stands (a success or a 4xx), or null for a DELETE retried into 404. */
async function attempts(upstream: TwilioHttp, c: Call, beforeAttempt: BeforeAttempt, lanes: string | Lanes): Promise<Response<string> | null> {
  const policy = c.retries === undefined ? upstream.retry : { ...upstream.retry, retries: c.retries };
  const deadline = Date.now() + policy.patienceMs;
  // 429s are counted apart: they are waited out within the patience and must not use up the retries of other failures.
  let retries = 0;
  let throttled = 0;
  let earlierMayHaveHappened = false;
  for (;;) {
    let refused: { error: unknown } | null = null;
    let failure: Failure | null = null;
    let response: Response<string> | null = null;
    try {
      response = await upstream.limiter.run(async () => {
        // Checked when the attempt gets its slot, not when it was queued: a request that has ended by then makes none.
        try {
          beforeAttempt();
        } catch (error) {
          refused = { error };
          return null;
        }
        upstream.requests++;
        const answer = await upstream.got(c.path, requestOptions(c));
        // The limit follows Twilio's verdict on the account's concurrency (it falls on 429, grows back otherwise).
        if (answer.statusCode === 429) upstream.limiter.throttled();
        else upstream.limiter.answered();
        return answer;
      }, lanes, deadline - Date.now());
    } catch (error) {
      if (error instanceof CapacityTimeoutError) throw capacityBusy();
      failure = { kind: 'network', code: (error as { code?: string }).code, event: (error as { event?: string }).event };
    }
    if (refused) throw (refused as { error: unknown }).error;
    if (response) failure = { kind: 'status', status: response.statusCode, retryAfterMs: response.statusCode === 429 ? retryAfterMs(response) : null };
    const was429 = failure!.kind === 'status' && failure!.status === 429;
    const state = { attempt: retries, backoffMs: backoffMs(policy, was429 ? throttled : retries), remainingMs: deadline - Date.now(), earlierMayHaveHappened };
    const decision = decide(c.kind, failure!, state, policy);
    switch (decision.action) {
      case 'retry':
        upstream.logger('warn', 'upstream.retry', { kind: c.kind, path: c.path, attempt: retries + throttled + 1, reason: decision.reason, delayMs: decision.delayMs });
        if (was429) throttled++;
        else retries++;
        earlierMayHaveHappened ||= mayHaveBeenProcessed(failure!);
        await sleep(decision.delayMs);
        continue;
      case 'fail':
        throw decision.error;
      case 'deleted':
        return null;
      case 'answer':
        return response!;
    }
  }
}

/** The value of an answer that stands: a 4xx as {@link TwilioApiError}, a success as parsed JSON. */
function answer(c: Call, response: Response<string>): unknown {
  const status = response.statusCode;
  if (status >= 300) throw apiError(response);
  if (status === 204) return null;
  const body = parseJson(response.body);
  if (body === undefined || body === null || typeof body !== 'object') {
    if (c.kind === 'send') throw outcomeUnknown();
    throw new UpstreamError(UpstreamCode.Unavailable, 'Twilio answered with a body that is not JSON.');
  }
  return body;
}
