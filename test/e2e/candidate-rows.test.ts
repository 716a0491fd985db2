/**
 * Loader lists by key read the batch's rows first and scope them (kit candidateRows, candidateScope): for every
 * persona and partner token, each list returns exactly the rows of the plain form (`WHERE key IN (…) AND` the row
 * scope on the table), in the same order; and a scope rendered for one list's batch fails as SQL on another's.
 */
import { ClientStore } from '@vartija/clients/src/client-store';
import {
  assistanceRequests,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  decisions,
  DB_CASING,
  disclosures,
  documents,
  inList,
  medications,
  paymentCommitments,
  placements,
  restrictions,
  seedDemoWorld,
} from '@vartija/db';
import { DocumentStore } from '@vartija/documents/src/document-store';
import { type AppAbility, candidateScope, defineAbilityFor, lazyScopes, rowScope, type Subject } from '@vartija/kit';
import { ServiceStore } from '@vartija/services/src/service-store';
import { and, asc, type Column, desc, type SQL } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { demoActors } from '../testkit/actors';
import { createTestDatabase, type TestDatabase } from '../testkit/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoWorld(t.database.db);
}, 120_000);
afterAll(async () => t?.dispose());

type Row = { id: string };
interface List {
  subject: Subject;
  table: PgTable & { clientId: Column; id: Column };
  order: (table: never) => SQL[];
  load(ids: string[], scope: SQL): Promise<Row[]>;
}

function lists(): List[] {
  const db = t.database.db;
  const services = new ServiceStore(db);
  const docs = new DocumentStore(db);
  const register = new ClientStore(db, null);
  const list = <T extends PgTable & { clientId: Column; id: Column }>(subject: Subject, table: T, order: (table: T) => SQL[], load: List['load']): List =>
    ({ subject, table, order: order as List['order'], load });
  return [
    list('Decision', decisions, (d) => [desc(d.decidedAt), desc(d.id)], (i, s) => services.decisionsOf(i, s)),
    list('Placement', placements, (p) => [desc(p.startsOn), desc(p.id)], (i, s) => services.placementsOf(i, s)),
    list('Restriction', restrictions, (r) => [desc(r.startsAt), desc(r.id)], (i, s) => services.restrictionsOf(i, s)),
    list('AssistanceRequest', assistanceRequests, (a) => [desc(a.requestedAt), desc(a.id)], (i, s) => services.assistanceRequestsOf(i, s)),
    list('Medication', medications, (m) => [desc(m.givenAt), desc(m.id)], (i, s) => services.medicationsOf(i, s)),
    list('PaymentCommitment', paymentCommitments, (p) => [desc(p.validFrom), desc(p.id)], (i, s) => services.paymentCommitmentsOf(i, s)),
    list('Document', documents, (d) => [desc(d.recordedAt), desc(d.id)], (i, s) => docs.documentsOf(i, s)),
    list('Disclosure', disclosures, (d) => [desc(d.disclosedAt), desc(d.id)], (i, s) => docs.disclosuresOf(i, s)),
    list('DataSubjectRequest', dataSubjectRequests, (r) => [desc(r.receivedOn), desc(r.id)], (i, s) => docs.dataSubjectRequestsOf(i, s)),
    // Ordered by a date alone: rows of one date may come in either order, so these compare as sets.
    list('ClientRelationship', clientRelationships, (r) => [asc(r.startedOn)], (i, s) => register.relationshipsOf(i, s)),
    list('Commission', commissions, (c) => [asc(c.startsOn)], (i, s) => register.commissionsOf(i, s)),
    list('Consent', consents, (c) => [asc(c.givenOn)], (i, s) => register.consentsOf(i, s)),
  ];
}
const dialect = new PgDialect({ casing: DB_CASING });
const ORDERED_BY_DATE_ONLY = new Set<Subject>(['ClientRelationship', 'Commission', 'Consent']);

const ids = (rows: Row[]) => rows.map((r) => r.id);
const sorted = (values: string[]) => [...values].sort();

describe('loader lists: the batch first, then the row scope', () => {
  it('every persona and partner token gets the plain form’s rows from every list, for all clients and for a page of 20', async () => {
    const allClients = (await t.database.db.select({ id: clients.id }).from(clients)).map((c) => c.id);
    const batches = [allClients, allClients.slice(0, 20), allClients.slice(-20)];
    const personas = await demoActors(t.database.db);
    expect(personas.some((p) => p.actor.kind === 'PARTNER')).toBe(true);
    const differences: string[] = [];
    const listsWithRows = new Set<Subject>();
    for (const { name, actor } of personas) {
      const ability: AppAbility = defineAbilityFor(actor);
      for (const l of lists()) {
        const candidates = lazyScopes(ability, { list: l.subject }, 'candidates');
        for (const batch of batches) {
          const plain = (await t.database.db
            .select()
            .from(l.table as PgTable)
            .where(and(inList(l.table.clientId, batch), rowScope(ability, l.subject)))
            .orderBy(...l.order(l.table as never))) as Row[];
          const scoped = await l.load(batch, candidates.list);
          const same = ORDERED_BY_DATE_ONLY.has(l.subject) ? sorted(ids(plain)).join() === sorted(ids(scoped)).join() : ids(plain).join() === ids(scoped).join();
          if (!same) differences.push(`${name} ${l.subject} (${batch.length} clients): ${plain.length} rows plain, ${scoped.length} batch-first`);
          if (plain.length > 0) listsWithRows.add(l.subject);
        }
      }
    }
    expect(differences).toEqual([]);
    // Not vacuous: every list returned rows to someone.
    expect([...listsWithRows].sort()).toEqual(lists().map((l) => l.subject).sort());
  }, 300_000);

  it('a scope rendered for one list’s batch fails as SQL on another’s, never filtering rows it was not written for', async () => {
    const student = (await demoActors(t.database.db)).find((p) => p.name === 'student-child')!;
    const ability = defineAbilityFor(student.actor);
    const allClients = (await t.database.db.select({ id: clients.id }).from(clients)).map((c) => c.id);
    const all = lists();
    let checked = 0;
    for (const l of all) {
      for (const other of all.filter((o) => o.subject !== l.subject)) {
        const scope = candidateScope(ability, other.subject);
        if (!dialect.sqlToQuery(scope).sql.includes('candidate_')) continue; // a scope without conditions (TRUE / FALSE) names nothing
        await expect(l.load(allClients, scope)).rejects.toThrow();
        checked += 1;
      }
      // The scope on the table itself is not the batch's either.
      const onTable = rowScope(ability, l.subject);
      if (/^(TRUE|FALSE)$/.test(dialect.sqlToQuery(onTable).sql)) continue;
      await expect(l.load(allClients, onTable)).rejects.toThrow();
      checked += 1;
    }
    expect(checked).toBeGreaterThan(all.length * 3);
  }, 120_000);

  it('keeps the batch’s scope and the table’s apart on one ability', async () => {
    const ability = defineAbilityFor((await demoActors(t.database.db)).find((p) => p.name === 'sw-child')!.actor);
    expect(candidateScope(ability, 'Document')).toBe(candidateScope(ability, 'Document'));
    expect(candidateScope(ability, 'Document')).not.toBe(rowScope(ability, 'Document'));
    expect(dialect.sqlToQuery(candidateScope(ability, 'Document')).sql).toContain('"candidate_documents"."unit_id"');
    expect(dialect.sqlToQuery(rowScope(ability, 'Document')).sql).not.toContain('candidate');
  });
});
