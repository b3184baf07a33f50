/**
 * Subscriptions whose subscribers share the execution of each event: a thousand clients following the same
 * stream with the same document and variables would otherwise each run the same selection over the same
 * payload. The streams hand every subscriber the same payload object for one event (see event-messages.ts),
 * so a payload and a document identify one result, computed once and kept while the event is recent.
 *
 * Sharing is safe because nothing in a result depends on the caller: every authenticated caller sees the
 * whole account. Were data ever scoped per caller, the caller would have to join the key.
 */
import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Subscribe = (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;

/** Payloads whose results are kept: the events being delivered now, with room for subscribers a little behind. */
const MAX_PAYLOADS = 64;
/** Distinct documents (and variables) kept per payload; beyond, each executes on its own, unkept. */
const MAX_DOCUMENTS_PER_PAYLOAD = 32;

/**
 * A `subscribe` like graphql-js's own, that executes each (payload, document, variables) once. Bounded: the
 * results of at most MAX_PAYLOADS recent payloads, MAX_DOCUMENTS_PER_PAYLOAD each, so that subscribers who
 * all differ (by variables, say) cost what they would without sharing, and no more memory.
 */
export function sharedSubscribe(): Subscribe {
  const executions = new Map<unknown, Map<string, ExecutionResult | Promise<ExecutionResult>>>();
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const key = JSON.stringify([args.document.loc?.source.body ?? print(args.document), args.operationName ?? null, args.variableValues ?? null]);
    const run = (payload: unknown): ExecutionResult | Promise<ExecutionResult> => {
      const execution = () => execute({ ...args, rootValue: payload });
      if (typeof payload !== 'object' || payload === null) return execution();
      let byDocument = executions.get(payload);
      if (!byDocument) {
        executions.set(payload, (byDocument = new Map()));
        if (executions.size > MAX_PAYLOADS) executions.delete(executions.keys().next().value);
      }
      let result = byDocument.get(key);
      if (result) return result;
      result = execution();
      if (byDocument.size < MAX_DOCUMENTS_PER_PAYLOAD) byDocument.set(key, result);
      return result;
    };
    const events = source[Symbol.asyncIterator]();
    const results: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const step = await events.next();
        return step.done ? { value: undefined, done: true } : { value: await run(step.value), done: false };
      },
      // graphql-ws ends a subscription by returning its iterator; the source must hear it to stop listening.
      async return() {
        await events.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return results;
      },
    };
    return results;
  };
}
