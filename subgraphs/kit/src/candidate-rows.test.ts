import { createMongoAbility, type MongoQuery } from '@casl/ability';
import { DB_CASING, documents, type Queryable } from '@vartija/db';
import { desc } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import { CANDIDATE, candidateRows } from './candidate-rows';
import type { AppAbility, Subject } from './policy/ability';
import { rowScope, rowScopeAs } from './policy/row-scope';

const abilityOf = (subject: Subject, alternatives: MongoQuery[]) =>
  createMongoAbility(alternatives.map((conditions) => ({ action: 'access', subject, conditions }))) as AppAbility;

const dialect = new PgDialect({ casing: DB_CASING });
const text = (scope: Parameters<PgDialect['sqlToQuery']>[0]) => dialect.sqlToQuery(scope).sql;

describe('rowScopeAs: the row scope on rows under another name', () => {
  // A partner's documents: its own, under an active commission of the issuing region (roles.ts partner).
  const ability = abilityOf('Document', [
    { authorOrganisationId: 'p1', commission: { $elemMatch: { partnerOrganisationId: 'p1', endsOn: null, client: { $elemMatch: { organisationId: 'r1' } } } } },
  ]);

  it('names the rows by the new name, the related rows by their own aliases, and keeps the parameters', () => {
    const on = dialect.sqlToQuery(rowScopeAs(ability, 'Document', CANDIDATE));
    const plain = dialect.sqlToQuery(rowScope(ability, 'Document'));
    expect(on.sql).toContain('"candidate"."author_organisation_id" = $1');
    expect(on.sql).toContain('"scope_1"."id" = "candidate"."commission_id"');
    // Nothing of the outer row is left on the table's own name: it would not be in the statement's FROM.
    expect(on.sql).not.toContain('"documents"."documents".');
    expect(on.sql.replaceAll('"candidate".', '"documents"."documents".')).toBe(plain.sql);
    expect(on.params).toEqual(plain.params);
  });

  it('renders SQL-computed conditions on the new name too (a client in the archive)', () => {
    const archive = abilityOf('Client', [{ organisationId: 'r1', archivedAsOf: '2025-12-01' }]);
    const on = text(rowScopeAs(archive, 'Client', CANDIDATE));
    expect(on).toContain('ar.client_id = "candidate"."id"');
    expect(on).not.toContain('"clients"."clients".');
  });

  it('is kept per ability and name, apart from the scope on the table itself', () => {
    expect(rowScopeAs(ability, 'Document', CANDIDATE)).toBe(rowScopeAs(ability, 'Document', CANDIDATE));
    expect(rowScopeAs(ability, 'Document', CANDIDATE)).not.toBe(rowScope(ability, 'Document'));
  });
});

describe('candidateRows: a batch picked by its keys, then scoped', () => {
  it('is a sub-select PostgreSQL does not merge into the scope (OFFSET 0), the scope on its name', () => {
    // Only renders SQL: a database with no connection.
    const db = drizzle.mock({ casing: DB_CASING }) as unknown as Queryable;
    const ability = abilityOf('Document', [{ unitId: 'u1' }]);
    const batch = candidateRows(db, documents, documents.clientId, ['c1', 'c2']);
    const query = db.select({ id: batch.id }).from(batch).where(rowScopeAs(ability, 'Document', CANDIDATE)).orderBy(desc(batch.recordedAt));
    const { sql, params } = query.toSQL();
    expect(sql).toMatch(/^select "id" from \(select .*"recorded_at".* from "documents"\."documents" where "documents"\."documents"\."client_id" in \(\$1, \$2\) offset 0\) "candidate" where "candidate"\."unit_id" = \$3 order by "candidate"\."recorded_at" desc$/);
    expect(params).toEqual(['c1', 'c2', 'u1']);
  });
});
