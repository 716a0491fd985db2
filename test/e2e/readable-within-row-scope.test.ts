/**
 * A readable-field condition that the rules prove to admit only visible rows stands alone for "row scope and
 * condition" (kit field-scope.ts withinRowScope; the partner's sorted page and count then take one semi-join
 * over its commissions, not two). For every persona and partner token, every field set the client and
 * data-subject-request channels use: the rows the condition alone admits are exactly those of the row scope
 * and the condition together, on the demo world.
 */
import { clients, dataSubjectRequests, seedDemoWorld } from '@vartija/db';
import { defineAbilityFor, readableScope, RowGrants, rowScope, SENSITIVE_FIELDS, type Subject } from '@vartija/kit';
import { and, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { demoActors } from '../testkit/actors';
import { createTestDatabase, type TestDatabase } from '../testkit/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoWorld(t.database.db);
}, 120_000);
afterAll(async () => t?.dispose());

/**
 * The fields each list's channels read (clients/src/client-channels.ts, documents' dataSubjectRequests), alone and
 * with the sort key; and every sensitive field of the two types alone (conditions such as non-disclosure).
 */
const each = (subject: Subject) => SENSITIVE_FIELDS.filter((f) => f.type === subject).map((f) => [f.field]);
const FIELD_SETS: { subject: Subject; table: PgTable & { id: PgColumn }; sets: string[][] }[] = [
  {
    subject: 'Client',
    table: clients,
    sets: [['relationships'], ['displayName', 'lastName'], ['displayName', 'personalIdentityCode'], ['displayName', 'relationships'], ...each('Client')],
  },
  {
    subject: 'DataSubjectRequest',
    table: dataSubjectRequests,
    sets: [['dueOn', 'extendedDueOn'], ['dueOn', 'extendedDueOn', 'kind'], ['dueOn', 'extendedDueOn', 'status'], ['dueOn', 'extendedDueOn', 'overdue'], ...each('DataSubjectRequest')],
  },
];

describe('a readable condition standing alone admits only rows of the row scope', () => {
  it('gives every persona and partner token the same rows as row scope ∧ condition, for every field set the channels use', async () => {
    const db = t.database.db;
    const personas = await demoActors(db);
    const differences: string[] = [];
    const standingAlone: string[] = [];
    for (const { name, actor } of personas) {
      const ability = defineAbilityFor(actor);
      const grants = new RowGrants(db, actor);
      for (const { subject, table, sets } of FIELD_SETS) {
        const idsWhere = async (where: SQL) => (await db.select({ id: table.id }).from(table).where(where)).map((r) => String(r.id)).sort();
        for (const fields of sets) {
          const readable = readableScope(ability, grants, subject, fields);
          if (readable === null || readable === 'never' || !readable.withinRowScope) continue;
          standingAlone.push(`${name} ${subject} ${fields.join('+')}`);
          const together = await idsWhere(and(rowScope(ability, subject), readable.condition)!);
          const alone = await idsWhere(readable.condition);
          if (together.join() !== alone.join()) differences.push(`${name} ${subject} ${fields.join('+')}: ${alone.length - together.length} rows more`);
        }
      }
    }
    expect(differences).toEqual([]);
    // The claim is made where it pays (the partner's names) and for users with several grants; not vacuous.
    expect(standingAlone).toEqual(expect.arrayContaining(['token Majakka demo integration Client displayName', 'sw-adult-student Client personalIdentityCode']));
  });
});
