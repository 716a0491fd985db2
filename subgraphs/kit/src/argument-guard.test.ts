import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { guardArguments, MAX_TEXT_LENGTH, textProblem } from './argument-guard';
import { DateScalar, DateTimeScalar } from './scalars';

const ID = '6f1c1f7e-3b0a-4c1e-9a57-2d0e8c1b5a10';

function schemaWith(calls: unknown[]) {
  const schema = buildSubgraphSchema({
    typeDefs: parse(/* GraphQL */ `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
      scalar Date
      scalar DateTime
      type Query {
        item(id: ID!): Item
        period(from: DateTime, on: Date, filter: Filter): [Item!]!
        items(filter: Filter, ids: [ID!], first: Int): [Item!]!
      }
      type Mutation {
        save(input: SaveInput!): Item
      }
      type Item @key(fields: "id") {
        id: ID!
        name: String
      }
      input Filter {
        unitId: ID
        namePrefix: String
        nested: Filter
        since: Date
      }
      input SaveInput {
        ownerId: ID!
        title: String!
        body: String
        tags: [String!]
        notes: [NoteInput!]
      }
      input NoteInput {
        authorId: ID
        text: String!
      }
    `),
    resolvers: {
      Date: DateScalar,
      DateTime: DateTimeScalar,
      Query: {
        period: (_: unknown, args: unknown) => (calls.push(args), []),
        item: (_: unknown, args: unknown) => (calls.push(args), { id: ID, name: 'x' }),
        items: (_: unknown, args: unknown) => (calls.push(args), []),
      },
      Mutation: { save: (_: unknown, args: unknown) => (calls.push(args), { id: ID }) },
      Item: {
        __resolveReference: (ref: { id: string }) => {
          calls.push(ref);
          return { id: ref.id, name: 'found' };
        },
      },
    } as never,
  });
  guardArguments(schema);
  return schema;
}

async function run(query: string, variableValues: Record<string, unknown> = {}) {
  const calls: unknown[] = [];
  const result = await graphql({ schema: schemaWith(calls), source: query, variableValues });
  return { calls, errors: result.errors?.map((e) => ({ code: e.extensions['code'], field: e.extensions['field'], message: e.message })), data: result.data };
}

describe('guardArguments: ids', () => {
  it('lets UUIDs through, in any letter case, handing the resolver the lower-case form PostgreSQL returns', async () => {
    const { errors, calls } = await run(`query ($id: ID!) { item(id: $id) { id } }`, { id: ID.toUpperCase() });
    expect(errors).toBeUndefined();
    expect(calls).toEqual([{ id: ID }]);
  });

  it('lower-cases ids in lists and in input objects at any depth, leaving other values as they are', async () => {
    const upper = ID.toUpperCase();
    const listed = await run(`query ($ids: [ID!], $f: Filter) { items(ids: $ids, filter: $f) { id } }`, {
      ids: [upper, ID],
      f: { unitId: upper, namePrefix: 'ÅbC', nested: { nested: { unitId: upper } } },
    });
    expect(listed.errors).toBeUndefined();
    expect(listed.calls).toEqual([{ ids: [ID, ID], filter: { unitId: ID, namePrefix: 'ÅbC', nested: { nested: { unitId: ID } } } }]);
    const saved = await run(`mutation ($input: SaveInput!) { save(input: $input) { id } }`, {
      input: { ownerId: upper, title: 'T', notes: [{ authorId: upper, text: 'A' }, { text: 'B' }] },
    });
    expect(saved.errors).toBeUndefined();
    expect(saved.calls).toEqual([{ input: { ownerId: ID, title: 'T', notes: [{ authorId: ID, text: 'A' }, { text: 'B' }] } }]);
  });

  it('refuses a non-UUID id argument before the resolver runs, naming the argument', async () => {
    const { errors, calls } = await run(`{ item(id: "x") { id } }`);
    expect(errors).toEqual([{ code: 'BAD_USER_INPUT', field: 'id', message: 'id: must be an id returned by this API (a UUID)' }]);
    expect(calls).toHaveLength(0);
  });

  it('checks ids in input objects at any depth and in lists, naming the path', async () => {
    expect((await run(`{ items(filter: { unitId: "x" }) { id } }`)).errors?.[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.unitId' });
    expect((await run(`{ items(filter: { nested: { nested: { unitId: "1" } } }) { id } }`)).errors?.[0]).toMatchObject({ field: 'filter.nested.nested.unitId' });
    expect((await run(`query ($ids: [ID!]) { items(ids: $ids) { id } }`, { ids: [ID, 'nope'] })).errors?.[0]).toMatchObject({ field: 'ids.1' });
    const notes = await run(`mutation ($input: SaveInput!) { save(input: $input) { id } }`, {
      input: { ownerId: ID, title: 't', notes: [{ authorId: ID, text: 'a' }, { authorId: 'x'.repeat(1_000_000), text: 'b' }] },
    });
    expect(notes.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.notes.1.authorId' })]);
    expect(notes.calls).toHaveLength(0);
  });

  it('refuses integer ids: no UUID is one', async () => {
    expect((await run(`{ item(id: 12) { id } }`)).errors?.[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('guardArguments: text', () => {
  it('allows tab, line breaks and any Unicode', async () => {
    const { errors } = await run(`mutation ($input: SaveInput!) { save(input: $input) { id } }`, {
      input: { ownerId: ID, title: 'Tab\there\r\nÅäö 🙂 \u200b', tags: ['a', 'b'] },
    });
    expect(errors).toBeUndefined();
  });

  it('refuses NUL and other control characters, naming the field', async () => {
    for (const bad of ['a\u0000b', '\u001b[31m', 'x\u007f']) {
      const { errors, calls } = await run(`query ($p: String) { items(filter: { namePrefix: $p }) { id } }`, { p: bad });
      expect(errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.namePrefix' })]);
      expect(errors?.[0]?.message).toMatch(/control character U\+00(00|1B|7F)/);
      expect(calls).toHaveLength(0);
    }
    expect((await run(`mutation ($input: SaveInput!) { save(input: $input) { id } }`, { input: { ownerId: ID, title: 't', tags: ['ok', 'b\u0000'] } })).errors?.[0]).toMatchObject({
      field: 'input.tags.1',
    });
  });

  it('refuses broken Unicode (an unpaired surrogate)', async () => {
    expect((await run(`query ($p: String) { items(filter: { namePrefix: $p }) { id } }`, { p: 'a\ud800b' })).errors?.[0]).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.namePrefix',
    });
  });

  it('bounds free text, and allows document-sized values in fields meant for documents', async () => {
    const long = 'x'.repeat(MAX_TEXT_LENGTH + 1);
    const save = (input: Record<string, unknown>) => run(`mutation ($input: SaveInput!) { save(input: $input) { id } }`, { input: { ownerId: ID, title: 't', ...input } });
    expect((await save({ title: long })).errors?.[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect((await save({ title: 'x'.repeat(MAX_TEXT_LENGTH) })).errors).toBeUndefined();
    expect((await save({ body: 'y'.repeat(200_000) })).errors).toBeUndefined();
  });

  it('explains the problem without echoing the value', () => {
    expect(textProblem('secret\u0000')).toBe('contains the control character U+0000 at position 7; remove it (only tab and line breaks are allowed)');
    expect(textProblem('ok\tfine\n')).toBeNull();
  });
});

describe('guardArguments: dates', () => {
  it('passes valid dates and instants to the resolver as before', async () => {
    const { errors, calls } = await run(`query ($from: DateTime, $on: Date) { period(from: $from, on: $on, filter: { since: "2024-02-29" }) { id } }`, {
      from: '2024-05-31T12:00:00Z',
      on: '2024-05-31',
    });
    expect(errors).toBeUndefined();
    expect(calls).toEqual([{ from: new Date('2024-05-31T12:00:00Z'), on: '2024-05-31', filter: { since: '2024-02-29' } }]);
  });

  it('refuses dates that do not exist or do not parse with BAD_USER_INPUT naming the argument, in variables and literals', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['query ($on: Date) { period(on: $on) { id } }', { on: '2024-02-30' }, 'on'],
      ['{ period(on: "31.5.2024") { id } }', {}, 'on'],
      ['{ period(on: 20240531) { id } }', {}, 'on'],
      ['query ($from: DateTime) { period(from: $from) { id } }', { from: 'yesterday' }, 'from'],
      ['{ period(from: "2024-05-31T25:00:00Z") { id } }', {}, 'from'],
      ['query ($f: Filter) { period(filter: $f) { id } }', { f: { nested: { since: '2023-02-29' } } }, 'filter.nested.since'],
    ];
    for (const [query, variables, field] of cases) {
      const { errors, calls } = await run(query, variables);
      expect(errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
      expect(errors?.[0]?.message).toMatch(/must be (a calendar date|an ISO 8601 instant)/);
      expect(calls).toHaveLength(0);
    }
  });
});

describe('guardArguments: _entities', () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id name } } }`;

  it('resolves a representation with a malformed id as null and the others as usual', async () => {
    const { errors, data, calls } = await run(ENTITIES, {
      r: [
        { __typename: 'Item', id: ID },
        { __typename: 'Item', id: 'not-a-uuid' },
        { __typename: 'Item', id: 'x\u0000' },
        { __typename: 'Item', id: ID },
      ],
    });
    expect(errors).toBeUndefined();
    expect(data?.['_entities']).toEqual([{ id: ID, name: 'found' }, null, null, { id: ID, name: 'found' }]);
    expect(calls).toHaveLength(2);
  });
});

describe('guardArguments: _entities keys', () => {
  it('hands the reference resolver UUID keys in lower case, the rest of the representation as it came', async () => {
    const { errors, calls } = await run(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id } } }`, {
      r: [{ __typename: 'Item', id: ID.toUpperCase() }, { __typename: 'Item', id: 'bad' }, { __typename: 'Item', id: ID, name: 'ÅbC' }],
    });
    expect(errors).toBeUndefined();
    expect(calls).toEqual([
      { __typename: 'Item', id: ID },
      { __typename: 'Item', id: ID, name: 'ÅbC' },
    ]);
  });
});
