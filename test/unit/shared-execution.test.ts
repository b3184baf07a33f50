/** sharedSubscribe: subscribers of the same document and variables execute each shared payload once. */
import { parse, type ExecutionResult } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { sharedSubscribe } from '../../src/graphql/shared-execution.js';

const payloads = [{ n: 1 }, { n: 2 }];

function schema(counter: { runs: number }) {
  return makeExecutableSchema({
    typeDefs: 'type Query { x: Int } type Subscription { tick(times: Int): Int! }',
    resolvers: {
      Subscription: {
        tick: {
          // Every subscriber gets the same payload objects, as the event streams hand them out.
          subscribe: async function* () {
            yield* payloads;
          },
          resolve: (payload: { n: number }, args: { times?: number }) => {
            counter.runs++;
            return payload.n * (args.times ?? 1);
          },
        },
      },
    },
  });
}

async function collect(stream: AsyncIterableIterator<ExecutionResult> | ExecutionResult): Promise<unknown[]> {
  const seen: unknown[] = [];
  if (!(Symbol.asyncIterator in stream)) throw new Error('not a stream');
  for await (const result of stream) seen.push(result.data?.['tick']);
  return seen;
}

describe('sharedSubscribe', () => {
  it('runs each payload once for every subscriber with the same document and variables, and apart for other variables', async () => {
    const counter = { runs: 0 };
    const subscribe = sharedSubscribe();
    const ticks = schema(counter);
    // Each subscriber parses its own document, as each socket does: the text, not the object, is the key.
    const run = (times: number) => subscribe({ schema: ticks, document: parse('subscription($t: Int) { tick(times: $t) }'), variableValues: { t: times } });
    const results = await Promise.all([run(2), run(2), run(2), run(3)].map(async (stream) => collect(await stream)));
    expect(results).toEqual([[2, 4], [2, 4], [2, 4], [3, 6]]);
    expect(counter.runs).toBe(4); // 2 payloads × 2 distinct variable sets, not 2 × 4 subscribers
  });

  it('stays correct past the documents it keeps per payload (subscribers that all differ cost what they would unshared)', async () => {
    const counter = { runs: 0 };
    const subscribe = sharedSubscribe();
    const ticks = schema(counter);
    const times = Array.from({ length: 40 }, (_, i) => i + 1);
    const results = await Promise.all(times.map(async (t) => collect(await subscribe({ schema: ticks, document: parse('subscription($t: Int) { tick(times: $t) }'), variableValues: { t } }))));
    expect(results).toEqual(times.map((t) => [t, 2 * t]));
    expect(counter.runs).toBe(80);
  });
});
