/** The upstream-call estimate, on the gateway's own schema: what each shape of query can cost at most. */
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { CallBudget, estimateCost } from '../../src/graphql/cost.js';
import { loadTypeDefs } from '../../src/graphql/schema.js';

const schema = buildSchema(loadTypeDefs());
const estimate = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return estimateCost(schema, document, operation, variables);
};
const cost = (query: string, variables: Record<string, unknown> = {}): number => estimate(query, variables).calls;

describe('estimateCost', () => {
  it('counts one call per root field and nothing for fields Twilio already sent', () => {
    expect(cost('{ __typename }')).toBe(0);
    expect(cost('{ message(sid: "SM1") { sid body status } }')).toBe(1);
    expect(cost('{ a: message(sid: "SM1") { sid } b: message(sid: "SM2") { sid } }')).toBe(2);
    expect(cost('{ messages { nodes { sid } } }')).toBe(1);
    expect(cost('{ messagePreview(body: "hi") { segments estimatedPrice { amount } } }')).toBe(0);
  });

  it('multiplies media by the page size, whether asked through nodes, edges or both', () => {
    expect(cost('{ messages { nodes { media { sid } } } }')).toBe(51);
    expect(cost('{ messages(first: 10) { edges { node { media { sid } } } } }')).toBe(11);
    expect(cost('{ messages(first: 10) { nodes { media { sid } x: media { url } } edges { node { media { sid } } } } }')).toBe(11);
    expect(cost('{ a: messages(first: 10) { nodes { media { sid } } } b: messages(first: 20) { nodes { sid } } }')).toBe(12);
  });

  it('reads `first` from variables, with their defaults, and caps what the resolver would refuse', () => {
    expect(cost('query($n: Int) { messages(first: $n) { nodes { media { sid } } } }', { n: 5 })).toBe(6);
    expect(cost('query($n: Int = 700) { messages(first: $n) { nodes { media { sid } } } }')).toBe(701);
    expect(cost('{ messages(first: 5000) { nodes { media { sid } } } }')).toBe(1001);
    // null is the resolver's default page size, not an empty page.
    expect(cost('{ messages(first: null) { nodes { media { sid } } } }')).toBe(51);
    expect(cost('query($f: Int = 3) { messages(first: $f) { nodes { media { sid } } } }', { f: null })).toBe(51);
    // Variables that do not coerce stop execution before any resolver runs.
    expect(cost('query($n: Int) { messages(first: $n) { nodes { media { sid } } } }', { n: 'many' })).toBe(0);
  });

  it('follows fragments and inline fragments, on interfaces too', () => {
    const fragments = 'fragment M on Message { media { sid } } fragment C on MessageConnection { nodes { ...M } }';
    expect(cost(`{ messages(first: 30) { ...C } other: messages(first: 3) { ...C } } ${fragments}`)).toBe(31 + 4);
    expect(cost('{ node(id: "SM1") { ... on Message { media { sid } } ... on Media { url } } }')).toBe(2);
  });

  it('counts mutations and what their payloads select', () => {
    expect(cost('mutation { createMessage(input: { to: "+1" }) { message { media { sid } } } }')).toBe(2);
    expect(cost('mutation { redactMessage(sid: "SM1") { message { sid } } deleteMessage(sid: "SM2") { deletedSid } }')).toBe(2);
  });

  it('counts root fields once per response key, as GraphQL merges them', () => {
    const inbox = 'messages(first: 50) { nodes { media { sid } } }';
    expect(cost(`{ ...A ...B } fragment A on Query { ${inbox} } fragment B on Query { ${inbox} }`)).toBe(51);
    expect(cost(`{ ${inbox} again: ${inbox} }`)).toBe(102);
  });

  it('stays linear on fragment chains that double at every step', () => {
    const rootChain = Array.from({ length: 60 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(cost(`{ ...F0 } ${rootChain} fragment F60 on Query { m: message(sid: "SM1") { sid } }`)).toBe(1);
    const nested = Array.from({ length: 60 }, (_, i) => `fragment G${i} on Message { ...G${i + 1} ...G${i + 1} }`).join(' ');
    expect(cost(`{ messages(first: 7) { nodes { ...G0 } } } ${nested} fragment G60 on Message { media { sid } }`)).toBe(8);
  });
});

describe('messages in the answer', () => {
  it('add up over root messages fields, merged by response key', () => {
    expect(estimate('{ messages { nodes { sid } } }').messages).toBe(50);
    expect(estimate('{ a: messages(first: 1000) { nodes { sid } } b: messages(first: 700) { edges { cursor } } }').messages).toBe(1700);
    expect(estimate('{ ...A ...A } fragment A on Query { messages(first: 900) { nodes { sid } } }').messages).toBe(900);
    expect(estimate(`{ ${Array.from({ length: 30 }, (_, i) => `m${i}: messages(first: 1000) { nodes { sid } }`).join(' ')} }`)).toEqual({ calls: 30, messages: 30_000 });
  });
});

describe('CallBudget', () => {
  it('gives `limit` calls and refuses the next with QUERY_TOO_EXPENSIVE', () => {
    const budget = new CallBudget(2);
    budget.take();
    budget.take();
    expect(() => budget.take()).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_EXPENSIVE', budget: 2 }) }));
    expect(budget.spent).toBe(2);
  });

  it('refuses every call once the request has been answered', () => {
    const budget = new CallBudget(10);
    budget.take();
    budget.end();
    expect(() => budget.take()).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'REQUEST_ENDED' }) }));
    expect(budget.spent).toBe(1);
  });
});
