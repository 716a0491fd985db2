import { buildSchema, parse, validate } from 'graphql';
import { operationLimitRules } from './operation-limits';

// A recursive schema: the register's own is acyclic, so depth is checked here.
const schema = buildSchema(`type Node { id: ID child: Node } type Query { node: Node other: Node }`);
const rules = operationLimitRules({ maxDepth: 3, maxAliases: 2, maxRootFields: 1 });
const errorsOf = (query: string) => validate(schema, parse(query), rules).map((e) => e.message);

describe('operation limits', () => {
  it('allows an operation within every limit', () => {
    expect(errorsOf('{ node { child { id } } }')).toEqual([]);
  });

  it('counts depth through named fragments and inline fragments', () => {
    expect(errorsOf('{ node { child { child { id } } } }')).toEqual(['Operation is nested 4 levels deep; at most 3 are allowed.']);
    expect(errorsOf('fragment F on Node { child { child { id } } } { node { ...F } }')).toEqual([
      'Operation is nested 4 levels deep; at most 3 are allowed.',
    ]);
    expect(errorsOf('{ node { ... on Node { child { child { id } } } } }')).toHaveLength(1);
  });

  it('counts aliases and root fields', () => {
    expect(errorsOf('{ node { a: id b: id c: id } }')).toEqual(['Operation uses 3 aliases; at most 2 are allowed.']);
    expect(errorsOf('{ node { id } other { id } }')).toEqual(['Operation selects 2 root fields; at most 1 are allowed.']);
  });
});
