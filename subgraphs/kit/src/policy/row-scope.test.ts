import { createMongoAbility, type MongoQuery } from '@casl/ability';
import type { Condition } from '@ucast/mongo2js';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { AppAbility } from './ability';
import { factorCommon, matchingSql, relationOnlyScope } from './row-scope';

const eq = (field: string, value: unknown) => ({ operator: 'eq', field, value }) as unknown as Condition;
const and = (...value: Condition[]) => ({ operator: 'and', value }) as unknown as Condition;
const or = (...value: Condition[]) => ({ operator: 'or', value }) as unknown as Condition;
const show = (c: Condition | null) => JSON.stringify(c);

describe('factorCommon: (A ∧ X) ∨ (A ∧ Y) = A ∧ (X ∨ Y)', () => {
  const A = eq('unitId', 'u1');
  const X = eq('endedOn', null);
  const Y = eq('endedOn', '2026-01-01');
  it('takes the shared conjunct out', () => {
    expect(show(factorCommon([and(A, X), and(A, Y)]))).toBe(show(and(A, or(X, Y))));
  });
  it('absorbs: (A) ∨ (A ∧ X) = A', () => {
    expect(show(factorCommon([A, and(A, X)]))).toBe(show(A));
  });
  it('drops duplicate alternatives', () => {
    expect(show(factorCommon([and(A, X), and(A, X)]))).toBe(show(and(A, X)));
    expect(show(factorCommon([X, Y, X]))).toBe(show(or(X, Y)));
  });
  it('leaves alternatives that share nothing', () => {
    expect(factorCommon([X, Y])).toBeNull();
  });
});

describe('row scopes in SQL: alternatives meet inside one EXISTS', () => {
  const dialect = new PgDialect();
  const window = [
    { unitId: 'u1', client: { $elemMatch: { relationships: { $elemMatch: { unitId: 'u1', endedOn: null } } } } },
    { unitId: 'u1', client: { $elemMatch: { relationships: { $elemMatch: { unitId: 'u1', endedOn: { $gte: '2025-12-01' } } } } } },
  ];
  it('a unit’s open or recently ended relationship becomes one EXISTS per relation with the OR inside', () => {
    const { sql, params } = dialect.sqlToQuery(matchingSql('Document', window));
    expect(sql.match(/EXISTS/g)).toHaveLength(2);
    expect(sql).toMatch(/\("scope_2"\."ended_on" >= \$\d or "scope_2"\."ended_on" is null\)/);
    expect(params.filter((p) => p === 'u1')).toHaveLength(2);
  });
});

describe('row scopes are rendered once: a statement built around one renders as if built from the tree', () => {
  const dialect = new PgDialect({ casing: 'snake_case' });
  const scope = [
    { unitId: 'u1', type: { $in: ['NOTE', 'PLAN'] }, client: { $elemMatch: { relationships: { $elemMatch: { unitId: 'u1', endedOn: { $gte: '2025-12-01' } } } } } },
    { unitId: 'u2', client: { $elemMatch: { archivedAsOf: '2020-01-01' } } },
  ];
  it('keeps the text and the parameters, numbered after those of the statement before it', () => {
    const flat = matchingSql('Document', scope);
    const chunks = (flat as unknown as { queryChunks: unknown[] }).queryChunks;
    // Flat: text and parameters only, no columns, tables or nested conditions left to walk.
    expect(chunks.every((c) => ['StringChunk', 'Param'].includes((c as object).constructor.name))).toBe(true);
    const alone = dialect.sqlToQuery(flat);
    expect([...alone.params].sort()).toEqual(['2020-01-01', '2025-12-01', 'NOTE', 'PLAN', 'u1', 'u1', 'u2']);
    expect(alone.sql).toContain('"documents"."documents"."type" in (');
    const { sql: text, params } = dialect.sqlToQuery(sql`SELECT 1 WHERE ${'before'} = ${'before'} AND ${flat} AND ${'after'} <> ''`);
    expect(params).toEqual(['before', 'before', ...alone.params, 'after']);
    expect(text.match(/\$\d+/g)).toEqual(params.map((_, i) => `$${i + 1}`));
    // The same text with its parameters numbered on from the two before it.
    const shifted = alone.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 2}`);
    expect(text).toBe(`SELECT 1 WHERE $1 = $2 AND ${shifted} AND $${params.length} <> ''`);
  });
});

describe('relationOnlyScope: a row scope that is only "has a related row matching X"', () => {
  const dialect = new PgDialect({ casing: 'snake_case' });
  const abilityOf = (rules: { conditions?: MongoQuery; inverted?: boolean }[]) =>
    createMongoAbility(rules.map((r) => ({ action: 'access', subject: 'Client', ...r }))) as AppAbility;
  const open = { relationships: { $elemMatch: { unitId: 'u1', endedOn: null } } };
  const recent = { relationships: { $elemMatch: { unitId: 'u1', endedOn: { $gte: '2025-12-01' } } } };

  it('is the condition on the relationships themselves when every rule is one', () => {
    const scope = relationOnlyScope(abilityOf([{ conditions: open }, { conditions: recent }]), 'Client', 'relationships');
    const { sql: text, params } = dialect.sqlToQuery(scope!);
    expect(text).not.toMatch(/EXISTS|"clients"\."clients"/);
    expect(text).toMatch(/"clients"\."client_relationships"\."unit_id" = \$1/);
    expect(text).toMatch(/"clients"\."client_relationships"\."ended_on" >= \$\d+ or "clients"\."client_relationships"\."ended_on" is null/);
    expect(params).toEqual(['u1', '2025-12-01']);
    expect(dialect.sqlToQuery(relationOnlyScope(abilityOf([{ conditions: open }]), 'Client', 'relationships')!).sql).toMatch(/is null/);
  });

  it('is null when any rule says more, or something else, so the rows themselves are counted', () => {
    const cases: [string, { conditions?: MongoQuery; inverted?: boolean }[]][] = [
      ['a client condition beside the relationship', [{ conditions: { ...open, addressNonDisclosure: false } }]],
      ['one alternative of the client alone', [{ conditions: open }, { conditions: { organisationId: 'o1' } }]],
      ['an inverted rule', [{ conditions: open }, { conditions: { addressNonDisclosure: true }, inverted: true }]],
      ['another relation', [{ conditions: open }, { conditions: { commissions: { $elemMatch: { partnerOrganisationId: 'p1' } } } }]],
      ['a rule without conditions (every row)', [{ conditions: open }, {}]],
      ['a virtual condition', [{ conditions: { responsibleWorkerIds: 'w1' } }]],
      ['no rule at all', []],
    ];
    for (const [name, rules] of cases) expect({ name, scope: relationOnlyScope(abilityOf(rules), 'Client', 'relationships') }).toEqual({ name, scope: null });
  });
});
