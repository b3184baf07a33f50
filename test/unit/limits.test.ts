/** The GraphQL validation limits on a schema that allows any depth. */
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { aliasLimit, depthLimit, singleSend } from '../../src/graphql/limits.js';

const schema = buildSchema(`
  type Query { a: Query, n: Int }
  type Mutation { createMessage: Int, other: Int }
`);
const errorsOf = (query: string) =>
  validate(schema, parse(query), [...specifiedRules, depthLimit(3), aliasLimit(2), singleSend]).map((e) => e.message);

describe('GraphQL limits', () => {
  it('counts depth through fields, inline fragments and named fragments', () => {
    expect(errorsOf('{ a { a { n } } }')).toEqual([]);
    expect(errorsOf('{ a { a { a { n } } } }')).toEqual(['Query is deeper than the limit of 3']);
    expect(errorsOf('{ a { ... on Query { a { a { n } } } } }')).toEqual(['Query is deeper than the limit of 3']);
    expect(errorsOf('{ ...F } fragment F on Query { a { a { a { n } } } }')).toEqual(['Query is deeper than the limit of 3']);
  });

  it('does not loop on fragment cycles (graphql reports them itself)', () => {
    const errors = errorsOf('{ ...F } fragment F on Query { a { ...F } }');
    expect(errors.some((e) => e.includes('Cannot spread fragment "F" within itself'))).toBe(true);
  });

  it('stays linear on fragment chains that spread the next fragment twice (2^60 paths, one visit each)', () => {
    const chain = Array.from({ length: 60 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} n }`).join('\n');
    // Depth 2 at the end of the chain: within the limit, so the whole chain must really be measured.
    expect(errorsOf(`{ ...F0 }\n${chain}\nfragment F60 on Query { a { n } }`)).toEqual([]);
    expect(errorsOf(`{ ...F0 }\n${chain}\nfragment F60 on Query { a { a { a { n } } } }`)).toEqual(['Query is deeper than the limit of 3']);
  });

  it('reports mutually spreading fragments as a cycle instead of exploring them', () => {
    const errors = errorsOf('{ ...A } fragment A on Query { a { ...B ...B } } fragment B on Query { ...A ...A n }');
    expect(errors.some((e) => e.includes('Cannot spread fragment "A" within itself via "B"'))).toBe(true);
  });

  it('does not count introspection in the depth (graphql-js bounds it with its own rule)', () => {
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual([]);
    const tooDeep = '{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }';
    expect(errorsOf(tooDeep)).toEqual(['Maximum introspection depth exceeded']);
  });

  it('counts aliases across the document', () => {
    expect(errorsOf('{ x: n y: n }')).toEqual([]);
    expect(errorsOf('{ x: n y: n z: n }')).toEqual(['More than 2 aliases in one document']);
  });

  it('allows one createMessage per operation, also through fragments', () => {
    expect(errorsOf('mutation { createMessage other }')).toEqual([]);
    expect(errorsOf('mutation { createMessage ...F } fragment F on Mutation { createMessage }')).toEqual(['At most one createMessage per operation']);
  });
});
