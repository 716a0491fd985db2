import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { type Database, openDatabase } from './client';
import { readDbConfig, databaseOptions } from './config';

const USAGE = `Usage: npm run db:migrate   (in a built image: node dist/migrate.js)

Applies the committed migrations (drizzle/migrations) to DATABASE_URL, or to the embedded PGlite in
PGLITE_DATA_DIR, and does nothing else: no seed, no server. In production this is the only command
that changes the schema; run it as the role that owns the schemas (deploy/sql/roles.sql), before the
services start (they do not migrate unless MIGRATE_ON_START=true). Safe to run again and from
several places at once (an advisory lock serialises it). Exits 1 when a migration fails.`;

const journal = path.join(__dirname, '..', 'migrations', 'meta', '_journal.json');

/** The first row of a result: postgres.js answers an array, PGlite `{ rows }`. */
const firstRow = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows)[0] as T | undefined;

/** How many migrations the database has recorded as applied (0 on a fresh database). */
async function appliedCount(database: Database): Promise<number> {
  const table = firstRow<{ present: boolean }>(
    await database.db.execute(sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`),
  );
  if (!table?.present) return 0;
  return Number(firstRow<{ n: number }>(await database.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`))?.n ?? 0);
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length > 0) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = readDbConfig();
  const { entries } = JSON.parse(readFileSync(journal, 'utf8')) as { entries: { tag: string }[] };
  const database = await openDatabase(databaseOptions(config, { poolSize: 1 }));
  try {
    const before = await appliedCount(database);
    await database.migrate();
    const after = await appliedCount(database);
    const where = config.DATABASE_URL ? 'the PostgreSQL database' : `the embedded database in ${config.PGLITE_DATA_DIR}`;
    console.log(
      after === before
        ? `Up to date: ${where} has ${after} of ${entries.length} migrations applied, none new (latest ${entries.at(-1)?.tag}).`
        : `Applied ${after - before} migration(s) to ${where}: now ${after} of ${entries.length} (latest ${entries.at(-1)?.tag}).`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
