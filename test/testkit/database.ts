import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '@vartija/db';
import postgres from 'postgres';

export interface TestDatabase {
  database: Database;
  /** The database's postgres:// URL (PostgreSQL only; undefined for PGlite). */
  url?: string;
  /** Drops what was created for this test file. */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database per test file: a new PostgreSQL database when DATABASE_URL is set
 * (so files never share state), otherwise an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env['DATABASE_URL'];
  if (!adminUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    return { database, dispose: () => database.close() };
  }
  const name = `vartija_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  await database.migrate();
  return {
    database,
    url: url.toString(),
    async dispose() {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
