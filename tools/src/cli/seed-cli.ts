import { isSeeded, LOG_HISTORY_DAYS, migratesOnStart, openDatabase, readDbConfig, seedDemoWorld, databaseOptions } from '@vartija/db';
import { type CliIo, CliRefusal, consoleIo, DbAuditSink, EXIT_OK, helpText, parseCliArgs, runCli } from '@vartija/kit';

export const SEED_HELP = helpText({
  usage: ['npm run db:seed'],
  summary: `Loads the demo world (DESIGN.md §7: the personas, 329 synthetic clients, the majakka partner
token, a few weeks of access-log history) into an empty database; a database that holds it already is left as it is. The embedded database
is migrated first; on PostgreSQL run npm run db:migrate before (or set MIGRATE_ON_START=true).
For trying Vartija out: never seed a production register.`,
  environment: [
    ['DATABASE_URL', 'postgres:// or postgresql:// URL; unset: the embedded database'],
    ['PGLITE_DATA_DIR', 'the embedded database (default .data/pglite); one process at a time: stop npm start first'],
    ['MIGRATE_ON_START', 'true: migrate first also on PostgreSQL (default: only the embedded database)'],
  ],
  exitCodes: { 0: 'seeded, or the demo world was there already', 1: 'the database could not be opened, is not migrated, or could not be seeded' },
});

/** `npm run db:seed`: migrate and load the demo world into an empty database (DATABASE_URL or PGlite). */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  if (parseCliArgs(argv, {}, SEED_HELP).help) {
    io.out(SEED_HELP);
    return EXIT_OK;
  }
  const config = readDbConfig();
  const database = await openDatabase(databaseOptions(config));
  try {
    // On PostgreSQL npm run db:migrate, as the schemas' owner, changes the schema (MIGRATE_ON_START).
    if (migratesOnStart(config)) await database.migrate();
    else if (!(await database.migrated())) throw new CliRefusal('The database is not migrated: run npm run db:migrate first (as the owner of the schemas).');
    if (await isSeeded(database.db)) {
      io.out('The database already holds the demo world; nothing to do.');
      return EXIT_OK;
    }
    // With a few weeks of access-log history, written through the log's own chained writer (issue 15).
    const summary = await seedDemoWorld(database.db, { logHistory: { sink: new DbAuditSink(database.db) } });
    io.out(`Seeded the demo world: ${summary.clients} clients, ${summary.documents} documents, ${LOG_HISTORY_DAYS} days of access-log history.`);
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

if (require.main === module) runCli(main);
