import { createMongoAbility, type MongoQuery } from '@casl/ability';
import { clients, DB_CASING, documents, type Queryable } from '@vartija/db';
import { desc } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import { candidateName, candidateRows } from './candidate-rows';
import type { AppAbility, Subject } from './policy/ability';
import { candidateScope, rowScope } from './policy/row-scope';

const abilityOf = (subject: Subject, alternatives: MongoQuery[]) =>
  createMongoAbility(alternatives.map((conditions) => ({ action: 'access', subject, conditions }))) as AppAbility;

const dialect = new PgDialect({ casing: DB_CASING });

describe('candidateScope: the row scope on a loader batch’s rows', () => {
  // A partner's documents: its own, under an active commission of the issuing region (roles.ts partner).
  const ability = abilityOf('Document', [
    { authorOrganisationId: 'p1', commission: { $elemMatch: { partnerOrganisationId: 'p1', endsOn: null, client: { $elemMatch: { organisationId: 'r1' } } } } },
  ]);

  it('names the rows by the batch’s name, the related rows by their own aliases, and keeps the parameters', () => {
    const on = dialect.sqlToQuery(candidateScope(ability, 'Document'));
    const plain = dialect.sqlToQuery(rowScope(ability, 'Document'));
    expect(candidateName(documents)).toBe('candidate_documents');
    expect(on.sql).toContain('"candidate_documents"."author_organisation_id" = $1');
    expect(on.sql).toContain('"scope_1"."id" = "candidate_documents"."commission_id"');
    // Nothing of the outer row is left on the table's own name: it is not in the statement's FROM.
    expect(on.sql).not.toContain('"documents"."documents".');
    expect(on.sql.replaceAll('"candidate_documents".', '"documents"."documents".')).toBe(plain.sql);
    expect(on.params).toEqual(plain.params);
  });

  it('renders SQL-computed conditions on the batch’s name too (a client in the archive)', () => {
    const archive = abilityOf('Client', [{ organisationId: 'r1', archivedAsOf: '2025-12-01' }]);
    const on = dialect.sqlToQuery(candidateScope(archive, 'Client')).sql;
    expect(candidateName(clients)).toBe('candidate_clients');
    expect(on).toContain('ar.client_id = "candidate_clients"."id"');
    expect(on).not.toContain('"clients"."clients".');
  });

  it('is kept per ability, apart from the scope on the table itself', () => {
    expect(candidateScope(ability, 'Document')).toBe(candidateScope(ability, 'Document'));
    expect(candidateScope(ability, 'Document')).not.toBe(rowScope(ability, 'Document'));
  });
});

describe('candidateRows: a batch picked by its keys, then scoped', () => {
  it('is a sub-select PostgreSQL does not merge into the scope (OFFSET 0), the scope on its name', () => {
    // Only renders SQL: a database with no connection.
    const db = drizzle.mock({ casing: DB_CASING }) as unknown as Queryable;
    const ability = abilityOf('Document', [{ unitId: 'u1' }]);
    const batch = candidateRows(db, documents, documents.clientId, ['c1', 'c2']);
    const query = db.select({ id: batch.id }).from(batch).where(candidateScope(ability, 'Document')).orderBy(desc(batch.recordedAt));
    const { sql, params } = query.toSQL();
    expect(sql).toMatch(
      /^select "id" from \(select .*"recorded_at".* from "documents"\."documents" where "documents"\."documents"\."client_id" in \(\$1, \$2\) offset 0\) "candidate_documents" where "candidate_documents"\."unit_id" = \$3 order by "candidate_documents"\."recorded_at" desc$/,
    );
    expect(params).toEqual(['c1', 'c2', 'u1']);
  });
});
