import { openDatabase, readDbConfig } from '@vartija/db';
import { z } from 'zod';
import { applyRetention, DEFAULT_RETENTION_YEARS } from './retention';

const configSchema = z.object({
  AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(DEFAULT_RETENTION_YEARS),
});

/**
 * The access-log retention job: removes entries older than AUDIT_RETENTION_YEARS (default 12) and
 * logs that it did. Run it against DATABASE_URL (or the embedded PGlite in PGLITE_DATA_DIR) as the
 * role that owns the audit schema: audit.apply_retention is not executable by the application role.
 */
async function main() {
  const parsed = configSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid retention configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const dbConfig = readDbConfig();
  const database = await openDatabase({ url: dbConfig.DATABASE_URL, dataDir: dbConfig.PGLITE_DATA_DIR, poolSize: 1 });
  try {
    await database.migrate();
    const years = parsed.data.AUDIT_RETENTION_YEARS;
    const result = await applyRetention(database.db, { years });
    console.log(
      `Access-log retention (${years} years): removed ${result.removed} entries written before ${result.cutoff.toISOString()}; ` +
        `the chain now starts at entry ${result.firstKeptSeq}. The run is recorded in audit.retention_runs and in the log.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
