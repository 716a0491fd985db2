import { migratesOnStart, openDatabase, readDbConfig, databaseOptions } from '@vartija/db';
import { type CliIo, CliRefusal, consoleIo, EXIT_OK, helpText, parseCliArgs, runCli } from '@vartija/kit';
import { z } from 'zod';
import { applyRetention, DEFAULT_RETENTION_YEARS } from './retention';

const configSchema = z.object({
  AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(DEFAULT_RETENTION_YEARS),
});

export const RETENTION_HELP = helpText({
  usage: ['npm run retention', 'node dist/retention.js   (in a built image)'],
  summary: `The access-log retention job: removes the entries older than the retention period from the start of
the chain, records the run in audit.retention_runs and writes an entry saying so, so that verification
still holds. Run it regularly (e.g. nightly) as the role that owns the audit schema: audit.apply_retention
is not executable by the services' application role.`,
  environment: [
    ['AUDIT_RETENTION_YEARS', `the retention period in years, 1–100 (default ${DEFAULT_RETENTION_YEARS})`],
    ['DATABASE_URL', 'postgres:// or postgresql:// URL, as the owner of the audit schema; unset: the embedded database'],
    ['PGLITE_DATA_DIR', 'the embedded database (default .data/pglite); one process at a time: stop npm start first'],
  ],
  exitCodes: { 0: 'the run is done (also when nothing was old enough)', 1: 'refused or failed: bad configuration, a role without the right, the database' },
});

/**
 * The access-log retention job: removes entries older than AUDIT_RETENTION_YEARS (default 12) and
 * logs that it did. Run it against DATABASE_URL (or the embedded PGlite in PGLITE_DATA_DIR) as the
 * role that owns the audit schema: audit.apply_retention is not executable by the application role.
 */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  if (parseCliArgs(argv, {}, RETENTION_HELP).help) {
    io.out(RETENTION_HELP);
    return EXIT_OK;
  }
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new CliRefusal(`Invalid retention configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const dbConfig = readDbConfig();
  const database = await openDatabase(databaseOptions(dbConfig, { poolSize: 1 }));
  try {
    if (migratesOnStart(dbConfig)) await database.migrate();
    const years = parsed.data.AUDIT_RETENTION_YEARS;
    const result = await applyRetention(database.db, { years });
    io.out(
      `Access-log retention (${years} years): removed ${result.removed} entries written before ${result.cutoff.toISOString()}; ` +
        `the chain now starts at entry ${result.firstKeptSeq}. The run is recorded in audit.retention_runs and in the log.`,
    );
    return EXIT_OK;
  } finally {
    await database.close();
  }
}

if (require.main === module) runCli(main);
