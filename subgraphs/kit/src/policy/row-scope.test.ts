import type { Condition } from '@ucast/mongo2js';
import { PgDialect } from 'drizzle-orm/pg-core';
import { factorCommon, matchingSql } from './row-scope';

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
