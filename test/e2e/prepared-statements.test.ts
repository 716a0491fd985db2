/**
 * Statements are prepared once per connection on PostgreSQL (drizzle would send every one unnamed, to
 * be parsed and planned again), and IN lists are padded so that the lists of a DataLoader share them.
 */
import { randomBytes } from 'node:crypto';
import { type Database, clients, databaseOptions, inList, openDatabase, organisations, paddedLength, preparedStatements, readDbConfig, units } from '@vartija/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createTestDatabase, type TestDatabase } from '../testkit/database';

const ids = (n: number) => Array.from({ length: n }, (_, k) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`);

describe('inList: IN lists padded to a few lengths', () => {
  let test: TestDatabase;
  let seeded: string[];
  beforeAll(async () => {
    test = await createTestDatabase();
    const [organisation] = await test.database.db.insert(organisations).values({ code: 'testialue', name: 'Testialue', kind: 'WELFARE_REGION' }).returning({ id: organisations.id });
    const organisationId = organisation!.id;
    const rows = await test.database.db
      .insert(units)
      .values(Array.from({ length: 40 }, (_, k) => ({ organisationId, code: `u-${k}`, name: `Yksikkö ${k}`, serviceTask: 'CHILD_WELFARE' as const })))
      .returning({ id: units.id });
    seeded = rows.map((r) => r.id);
  });
  afterAll(() => test.dispose());

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 17, 31, 33, 40])('matches exactly what inArray matches for %i ids', async (n) => {
    const wanted = [...seeded.slice(0, n - 1), ids(1)[0]!].slice(0, n);
    const padded = await test.database.db.select({ id: units.id }).from(units).where(inList(units.id, wanted)).orderBy(asc(units.id));
    const plain = await test.database.db.select({ id: units.id }).from(units).where(inArray(units.id, wanted)).orderBy(asc(units.id));
    expect(padded).toEqual(plain);
    expect(padded).toHaveLength(Math.min(n - 1, 40));
  });

  it('gives lists of 5 to 8 ids one SQL text, and 9 another', () => {
    const text = (n: number) => test.database.db.select().from(clients).where(inList(clients.id, ids(n))).toSQL().sql;
    expect(new Set([5, 6, 7, 8].map(text)).size).toBe(1);
    expect(text(9)).not.toBe(text(8));
    expect(text(4)).not.toBe(text(3));
  });

  it('pads to few lengths, and never a long list (the protocol allows 65,535 parameters)', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 100, 129, 257, 4000, 4097, 60000].map(paddedLength)).toEqual([1, 2, 3, 4, 8, 8, 16, 128, 256, 512, 4096, 4097, 60000]);
    expect(new Set(Array.from({ length: 4096 }, (_, k) => paddedLength(k + 1))).size).toBeLessThan(30);
  });

  it('matches nothing for an empty list', async () => {
    expect(await test.database.db.select().from(units).where(inList(units.id, []))).toEqual([]);
  });
});

const adminUrl = process.env['DATABASE_URL'];
(adminUrl ? describe : describe.skip)('prepared statements on PostgreSQL', () => {
  const name = `vartija_test_${randomBytes(6).toString('hex')}`;
  let admin: postgres.Sql;
  let url: string;
  const opened: Database[] = [];
  const open = async (preparedStatements?: boolean) => {
    // One connection: pg_prepared_statements shows that connection's statements.
    const database = await openDatabase({ url, poolSize: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
    opened.push(database);
    return database;
  };
  const preparedLike = async (database: Database, fragment: string) => {
    const rows = (await database.db.execute(sql`SELECT statement FROM pg_prepared_statements WHERE statement LIKE ${`%${fragment}%`} AND statement NOT LIKE '%pg_prepared_statements%'`)) as unknown as { statement: string }[];
    return rows.map((r) => r.statement);
  };

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    url = u.toString();
    const first = await open();
    await first.migrate();
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('prepares a statement once and reuses it: one named statement for repeated and padded queries', async () => {
    const database = await open();
    for (const n of [5, 6, 7, 8, 5]) await database.db.select({ id: units.id }).from(units).where(inList(units.id, ids(n)));
    const statements = await preparedLike(database, 'from "clients"."units" where "clients"."units"."id" in');
    expect(statements).toHaveLength(1);
  });

  it('prepares the statements of a transaction too', async () => {
    const database = await open();
    await database.db.transaction(async (tx) => {
      await tx.select({ id: units.id }).from(units).where(and(eq(units.code, 'in-a-transaction'), inList(units.id, ids(2))));
    });
    expect(await preparedLike(database, 'in-a-transaction')).toEqual([]);
    expect(await preparedLike(database, '"clients"."units"."code" = $1')).toHaveLength(1);
  });

  it('passes unsafe queries with and without parameters through unchanged', async () => {
    const raw = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const wrapped = preparedStatements(raw);
      expect(await wrapped.unsafe('SELECT $1::int AS n', [7])).toEqual([{ n: 7 }]);
      expect(await wrapped.unsafe('SELECT 9 AS n')).toEqual([{ n: 9 }]);
    } finally {
      await raw.end();
    }
  });

  it('prepares the statements of a savepoint (a nested transaction)', async () => {
    const database = await open();
    await database.db.transaction(async (tx) => {
      await tx.transaction(async (nested) => {
        await nested.select({ id: units.id }).from(units).where(and(eq(units.name, 'nested'), eq(units.code, 'savepoint')));
      });
    });
    expect(await preparedLike(database, '"clients"."units"."name" = $1 and "clients"."units"."code" = $2')).toHaveLength(1);
  });

  it('sends every statement unnamed with DATABASE_PREPARED_STATEMENTS=false (a pooler in transaction mode): drizzle\'s, and the driver\'s own', async () => {
    const database = await openDatabase(databaseOptions(readDbConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '1', DATABASE_PREPARED_STATEMENTS: 'false' })));
    opened.push(database);
    await database.db.select({ id: units.id }).from(units).where(inList(units.id, ids(3)));
    await database.db.transaction(async (tx) => {
      await tx.select({ id: units.id }).from(units).where(eq(units.code, 'unnamed'));
    });
    expect(await database.ping()).toBe(true);
    const all = (await database.db.execute(sql`SELECT statement FROM pg_prepared_statements`)) as unknown as { statement: string }[];
    expect(all.map((r) => r.statement)).toEqual([]);
  });
});
