import { buildSchema, parse, validate } from 'graphql';
import { operationLimitRules } from './operation-limits';

// A recursive schema: the register's own is acyclic, so depth is checked here.
const schema = buildSchema(`type Node { id: ID child: Node } type Query { node: Node other: Node third: Node }`);
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

  it('counts root fields spread from fragments, named, inline and nested', () => {
    expect(errorsOf('query { ...Roots } fragment Roots on Query { node { id } other { id } }')).toEqual([
      'Operation selects 2 root fields; at most 1 are allowed.',
    ]);
    expect(errorsOf('query { ... on Query { node { id } } ...A } fragment A on Query { ... { ...B } } fragment B on Query { third { id } }')).toEqual([
      'Operation selects 2 root fields; at most 1 are allowed.',
    ]);
    // The same field twice is one root field (GraphQL merges it), through fragments too.
    expect(errorsOf('query { node { id } ...A } fragment A on Query { node { id } }')).toEqual([]);
  });

  it('counts aliases hidden in fragments once per spread', () => {
    expect(errorsOf('query { node { ...A } } fragment A on Node { a: id b: id c: id }')).toEqual(['Operation uses 3 aliases; at most 2 are allowed.']);
    // Two aliases in the fragment, spread at two places: four aliased fields.
    const twice = 'query { node { ...A child { ...A } } } fragment A on Node { a: id b: id }';
    expect(errorsOf(twice)).toEqual(['Operation uses 4 aliases; at most 2 are allowed.']);
    expect(errorsOf('query { node { ... on Node { ...A } } } fragment A on Node { ... on Node { a: id } b: child { c: id } }')).toEqual([
      'Operation uses 3 aliases; at most 2 are allowed.',
    ]);
  });

  it('checks each operation of a document on its own', () => {
    expect(errorsOf('query A { node { a: id b: id } } query B { node { c: id d: id } }')).toEqual([]);
  });

  it('measures fragments that spread fragments many times over in linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Node { ...F${i} x${i}: child { ...F${i} } }`).join('\n');
    const started = Date.now();
    const errors = validate(schema, parse(`{ node { ...F${levels} } } fragment F0 on Node { id } ${fragments}`), operationLimitRules()).map((e) => e.message);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors).toContain('Operation is nested 42 levels deep; at most 10 are allowed.');
    expect(errors.some((m) => m.startsWith('Operation uses ') && m.endsWith(' aliases; at most 30 are allowed.'))).toBe(true);
  });
});
