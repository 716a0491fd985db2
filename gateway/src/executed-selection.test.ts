import { buildSchema, type FieldNode, parse } from 'graphql';
import { askedResponseKeys, isIncluded, selectedOperation } from './executed-selection';

const schema = buildSchema(`
  type Client { id: ID a: String b: String c: String child: Client }
  type Query { client: Client }
`);

const asked = (query: string, variables: Record<string, unknown> = {}, operationName: string | null = null) =>
  askedResponseKeys(schema, parse(query), operationName, variables, 'x_');

describe('askedResponseKeys', () => {
  it('collects the prefixed keys the operation asks for, through fragments and nesting', () => {
    expect(asked('fragment F on Client { x_1: b } { client { x_0: a ...F ... on Client { child { x_2: c } } } }')).toEqual(new Set(['x_0', 'x_1', 'x_2']));
  });

  it('leaves out what @skip / @include drop, on the field, an enclosing field, a spread or an inline fragment', () => {
    const query = `fragment F on Client { x_1: b }
      query ($s: Boolean!, $i: Boolean = false) {
        client { x_0: a @skip(if: $s) ...F @include(if: $i) ... @skip(if: $s) { x_2: c } child @skip(if: $s) { x_3: a } x_4: c }
      }`;
    expect(asked(query, { s: true })).toEqual(new Set(['x_4']));
    expect(asked(query, { s: false, i: true })).toEqual(new Set(['x_0', 'x_1', 'x_2', 'x_3', 'x_4']));
  });

  it('reads only the selected operation', () => {
    const query = 'query A { client { x_0: a } } query B { client { x_1: b } }';
    expect(asked(query, {}, 'A')).toEqual(new Set(['x_0']));
    expect(asked(query, {}, 'B')).toEqual(new Set(['x_1']));
    expect(asked(query, {}, null)).toEqual(new Set());
  });

  it('is null when the variables do not coerce (nothing ran)', () => {
    expect(asked('query ($s: Boolean!) { client { x_0: a @skip(if: $s) } }', {})).toBeNull();
  });
});

describe('isIncluded and selectedOperation', () => {
  it('honour @skip and @include together, and pick the only or the named operation', () => {
    const document = parse('query Q { client { a @skip(if: false) @include(if: true) b @skip(if: true) @include(if: true) } }');
    const client = selectedOperation(document, null)!.selectionSet.selections[0] as FieldNode;
    const [a, b] = client.selectionSet!.selections;
    expect([isIncluded(a!, {}), isIncluded(b!, {})]).toEqual([true, false]);
    expect(selectedOperation(document, 'Q')?.name?.value).toBe('Q');
    expect(selectedOperation(document, 'R')).toBeUndefined();
  });
});
