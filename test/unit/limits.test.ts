/** The GraphQL validation limits on a schema that allows any depth. */
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { aliasLimit, depthLimit, singleSend } from '../../src/limits.js';

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

  it('counts aliases across the document', () => {
    expect(errorsOf('{ x: n y: n }')).toEqual([]);
    expect(errorsOf('{ x: n y: n z: n }')).toEqual(['More than 2 aliases in one document']);
  });

  it('allows one createMessage per operation, also through fragments', () => {
    expect(errorsOf('mutation { createMessage other }')).toEqual([]);
    expect(errorsOf('mutation { createMessage ...F } fragment F on Mutation { createMessage }')).toEqual(['At most one createMessage per operation']);
  });
});
