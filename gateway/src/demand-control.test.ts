import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, buildSchema, getNamedType, isCompositeType, isListType, isObjectType, getNullableType, parse } from 'graphql';
import {
  costModelFromSchema,
  costModelFromSdl,
  DEFAULT_MAX_OPERATION_COST,
  estimateOperationCost,
  SlicingArgumentError,
} from './demand-control';

// A schema of its own, with the directives declared as a plain (unlinked) SDL has them.
const schema = buildSchema(`
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    item(id: ID!): Item
    items(first: Int, last: Int): [Item!]! @listSize(assumedSize: 5, slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
    strictItems(first: Int, last: Int): [Item!]! @listSize(slicingArguments: ["first", "last"])
    page(first: Int = 20): Page! @listSize(slicingArguments: ["first"], sizedFields: ["nodes", "edges"])
    unsized: [Item!]!
    report: Report @cost(weight: 50)
    search(filter: Filter, tags: [String!] @cost(weight: 3)): [Item!]! @listSize(assumedSize: 2)
  }
  type Mutation { touch(input: Filter): Item }
  type Page { nodes: [Item!]! edges: [Edge!]! total: Int! }
  type Edge { cursor: String! node: Item! }
  type Item { id: ID! name: String big: Blob children: [Item!] @listSize(assumedSize: 3) }
  type Report { rows: [Item!]! @listSize(assumedSize: 4) }
  scalar Blob @cost(weight: 7)
  input Filter { name: String nested: Filter expensive: String @cost(weight: 4) }
`);
const model = costModelFromSchema(schema);
const cost = (query: string, variables: Record<string, unknown> = {}, defaultListSize?: number) =>
  estimateOperationCost({ schema, model, document: parse(query), variables, ...(defaultListSize !== undefined ? { defaultListSize } : {}) });

describe('static cost (IBM cost directives, as Apollo Router and Hive price them)', () => {
  it('prices objects 1, scalars and enums 0, __typename nothing', () => {
    expect(cost('{ item(id: 1) { id name __typename } }')).toBe(1);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('multiplies a list by its slicing argument, the largest given, or its assumed size', () => {
    expect(cost('{ items(first: 7) { id } }')).toBe(7);
    expect(cost('{ items(first: 7, last: 9) { id } }')).toBe(9);
    expect(cost('{ items { id } }')).toBe(5);
    expect(cost('query ($n: Int) { items(first: $n) { id } }', { n: 40 })).toBe(40);
    expect(cost('query ($n: Int) { items(first: $n) { id } }', {})).toBe(5);
  });

  it('multiplies nested lists', () => {
    // 10 × (1 + 3 × (1 + 3 × 1))
    expect(cost('{ items(first: 10) { children { children { id } } } }')).toBe(10 * (1 + 3 * (1 + 3)));
  });

  it('sizes a connection’s nodes and edges by its slicing argument (sizedFields), the connection itself once', () => {
    expect(cost('{ page(first: 30) { total nodes { id } } }')).toBe(1 + 30);
    expect(cost('{ page(first: 30) { edges { cursor node { id } } } }')).toBe(1 + 30 * 2);
    // The argument's default counts as given.
    expect(cost('{ page { nodes { id } } }')).toBe(1 + 20);
  });

  it('uses the default list size for a list without @listSize', () => {
    expect(cost('{ unsized { id } }')).toBe(10);
    expect(cost('{ unsized { id } }', {}, 50)).toBe(50);
  });

  it('refuses a list that requires exactly one slicing argument when none or two are given', () => {
    expect(cost('{ strictItems(first: 3) { id } }')).toBe(3);
    expect(() => cost('{ strictItems { id } }')).toThrow(SlicingArgumentError);
    expect(() => cost('{ strictItems(first: 1, last: 2) { id } }')).toThrow(/exactly one of its slicing arguments/);
  });

  it('applies @cost of fields, types, arguments and input fields', () => {
    expect(cost('{ report { rows { id } } }')).toBe(50 + 4);
    expect(cost('{ item(id: 1) { big } }')).toBe(1 + 7);
    // Input object 1 + nested input object 1 + weighted input field 4; a weighted list argument 3 + items.
    expect(cost('{ search(filter: { name: "a", nested: { expensive: "x" } }) { id } }')).toBe(2 + 1 + 1 + 4);
    expect(cost('{ search(tags: ["a", "b"]) { id } }')).toBe(2 + 3);
    expect(cost('query ($f: Filter) { search(filter: $f) { id } }', { f: { nested: {} } })).toBe(2 + 2);
  });

  it('adds 10 for a mutation', () => {
    expect(cost('mutation { touch { id } }')).toBe(10 + 1);
    expect(cost('mutation { touch(input: { name: "x" }) { id } }')).toBe(10 + 1 + 1);
  });

  it('sees through named, inline and nested fragments, honouring @skip and @include', () => {
    const plain = cost('{ items(first: 10) { children { id } } }');
    expect(cost('query { ...Q } fragment Q on Query { items(first: 10) { ...C } } fragment C on Item { ... on Item { children { id } } }')).toBe(plain);
    expect(cost('query ($s: Boolean!) { items(first: 10) { children @skip(if: $s) { id } } }', { s: true })).toBe(10);
    expect(cost('query ($s: Boolean!) { items(first: 10) { ... @include(if: $s) { children { id } } } }', { s: false })).toBe(10);
    // A fragment under a sized connection is sized by it.
    expect(cost('{ page(first: 50) { ...P } } fragment P on Page { nodes { id } }')).toBe(1 + 50);
  });

  it('counts aliases as the fields they are', () => {
    expect(cost('{ a: items(first: 100) { id } b: items(first: 100) { id } }')).toBe(200);
  });

  it('prices fragments that spread fragments many times over in linear time', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Item { ...F${i} a${i}: children { ...F${i} } }`).join('\n');
    const started = Date.now();
    const estimated = cost(`{ item(id: 1) { ...F${levels} } } fragment F0 on Item { id } ${fragments}`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(estimated).toBeGreaterThan(DEFAULT_MAX_OPERATION_COST);
  });

  it('leaves an operation whose variables do not coerce to execution (which refuses it before planning)', () => {
    expect(cost('query ($n: Int) { items(first: $n) { id } }', { n: 'many' })).toBeNull();
  });
});

describe('the register’s supergraph', () => {
  const supergraphSdl = readFileSync(path.join(__dirname, '..', 'supergraph.graphql'), 'utf8');
  const apiSchema = buildASTSchema(parse(readFileSync(path.join(__dirname, '..', 'api-schema.graphql'), 'utf8')));
  const supergraph = costModelFromSdl(supergraphSdl);
  const price = (query: string, variables: Record<string, unknown> = {}) =>
    estimateOperationCost({ schema: apiSchema, model: supergraph, document: parse(query), variables });

  it('carries @cost and @listSize from the subgraph SDLs (linked through the cost spec)', () => {
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1"/);
    expect(supergraph.listSizes.get('Query.clients')).toEqual({
      assumedSize: 20,
      slicingArguments: ['first'],
      sizedFields: ['nodes', 'edges'],
      requireOneSlicingArgument: false,
    });
    expect(supergraph.fieldWeights.get('Query.verifyAuditChain')).toBe(1000);
  });

  it('has @listSize on every list of objects, so that none is priced by a guess', () => {
    const missing: string[] = [];
    for (const type of Object.values(apiSchema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
        const sized = [...supergraph.listSizes.entries()].some(([coordinate, size]) => coordinate === `${type.name}.${field.name}` || size.sizedFields.includes(field.name));
        if (listOfObjects && !sized) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  // The README's table of costs: keep the two in step.
  it.each([
    ['README: first clients', '{ clients(first: 3) { totalCount nodes { id displayName } } }', {}, 4],
    [
      'README / bench (a): the client page',
      `query ClientPage($id: ID!) { client(id: $id) { displayName personalIdentityCode address { street postalCode postOffice }
        relationships { unit { name } serviceTask startedOn endedOn responsibleWorkerName }
        decisions { type legalAct legalSection decidedAt } placements { kind providerName startsOn endsOn }
        documents { type title revision revisions { revision reason } } } }`,
      { id: 'x' },
      122,
    ],
    [
      'README: a filtered page of 20',
      '{ clients(first: 20, filter: { lastNamePrefix: "Vir", activeOnly: true }) { totalCount pageInfo { hasNextPage endCursor } nodes { id displayName } } }',
      {},
      23,
    ],
    [
      'README: a correction',
      'mutation { correctDocument(id: "x", expectedRevision: 1, input: { title: "t", body: "b", reason: "r" }) { revision revisions { revision reason } } }',
      {},
      15,
    ],
    [
      'bench (b): 50 clients with identity codes and addresses',
      'query ($first: Int!) { clients(first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { id personalIdentityCode address { street } } } }',
      { first: 50 },
      102,
    ],
    ['README / bench (c1): clientAccessReport', '{ clientAccessReport(clientId: "x") { rows { date organisation { name } unit { name } role categories purpose } } }', {}, 320],
    ['README / bench (c2): auditEntries, first 50', '{ auditEntries(first: 50) { totalCount nodes { at actorId action } } }', {}, 51],
    ['README: verifyAuditChain', '{ verifyAuditChain { ok checkpoint { seq } } }', {}, 1001],
    ['README: auditSample(size: 20)', '{ auditSample(size: 20, seed: 2026) { id at } }', {}, 20],
    [
      'bench (d): the partner operation, first 20',
      'query ($first: Int!) { clients(first: $first) { totalCount pageInfo { endCursor } nodes { id guardians { firstName } placements { kind } documents { type } } } }',
      { first: 20 },
      702,
    ],
    [
      'the partner operation at the largest page (first 100)',
      'query ($first: Int!) { clients(first: $first) { totalCount pageInfo { endCursor } nodes { id guardians { firstName } placements { kind } documents { type } } } }',
      { first: 100 },
      3502,
    ],
  ])('%s', (_name, query, variables, expected) => {
    expect(price(query, variables)).toBe(expected);
    expect(expected).toBeLessThanOrEqual(DEFAULT_MAX_OPERATION_COST);
  });

  it('prices the 20-alias query of issue 10 far over the default budget', () => {
    const nested = 'clients(first: 100) { totalCount nodes { id displayName personalIdentityCode relationships { unit { name } startedOn } documents { title body } } }';
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: ${nested}`).join(' ')} }`;
    expect(price(query)).toBe(20 * (1 + 100 * (1 + 5 * 2 + 20)));
    expect(price(query)).toBeGreaterThan(10 * DEFAULT_MAX_OPERATION_COST);
  });
});
