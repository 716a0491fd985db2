import { z } from 'zod';
import type { OpenOptions } from './client';

const POSTGRES_URL = 'a postgres:// or postgresql:// URL, e.g. postgres://vartija_app@127.0.0.1:5432/vartija';

const schema = z.object({
  // Checked for its scheme so that a mysql:// or a typo stops the process here, not at the first query;
  // the message never repeats the value, which may hold a password.
  DATABASE_URL: z
    .string()
    .refine((url) => /^postgres(?:ql)?:\/\/./.test(url) && URL.canParse(url), {
      message: `must be ${POSTGRES_URL} (Vartija runs on PostgreSQL only; unset it for the embedded database)`,
    })
    .optional()
    .describe('The PostgreSQL database of the register; unset: the embedded PGlite in PGLITE_DATA_DIR.'),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Named prepared statements on PostgreSQL: each connection plans a statement once and reuses the plan
   * (row scopes make statements costly to plan). `false` behind a pooler in transaction mode that does
   * not carry prepared statements between clients (PgBouncer before 1.21).
   */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'], { message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Whether a service or command applies the migrations when it starts. Unset: only on the embedded
   * database (development); on PostgreSQL `npm run db:migrate`, run as the schema owner, is the one
   * schema changer, and the services' own roles could not change the schema anyway.
   */
  MIGRATE_ON_START: z.enum(['true', 'false'], { message: 'MIGRATE_ON_START must be true or false' }).optional(),
});

export type DbConfig = z.infer<typeof schema>;

/** Whether this process migrates at start (see MIGRATE_ON_START). */
export function migratesOnStart(config: DbConfig): boolean {
  return config.MIGRATE_ON_START === undefined ? !config.DATABASE_URL : config.MIGRATE_ON_START === 'true';
}

/**
 * What openDatabase takes from the configuration: every service and command opens its database through
 * this, so that none of them forgets a setting (such as DATABASE_PREPARED_STATEMENTS behind a pooler).
 */
export function databaseOptions(config: DbConfig, overrides: { poolSize?: number } = {}): OpenOptions {
  return {
    ...(config.DATABASE_URL ? { url: config.DATABASE_URL } : {}),
    dataDir: config.PGLITE_DATA_DIR,
    poolSize: overrides.poolSize ?? config.DATABASE_POOL_SIZE,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  };
}

export function readDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid database configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
