import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { acquireDataDirLock } from './data-dir-lock';
import * as schema from './schema';

/** How drizzle names columns in SQL: every database of the register, and SQL rendered ahead (row scopes), use it. */
export const DB_CASING = 'snake_case';

export { DataDirLockedError, LOCK_FILE_NAME } from './data-dir-lock';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything a store can run a query on: the database or an open transaction. */
export type Queryable = Db | Tx;

/**
 * Marks a statement that is a service's own upkeep (refreshing the cache of known operation names), not
 * work for the request it happens to run beside: the statement counter leaves it out.
 */
export const UPKEEP_STATEMENT = '/* vartija:upkeep */';

/** Counts the statements sent, so tests and benchmarks can prove there is no N+1. */
export class StatementCounter implements Logger {
  count = 0;
  logQuery(query: string): void {
    if (!query.startsWith(UPKEEP_STATEMENT)) this.count += 1;
  }
}

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  statements: StatementCounter;
  /** Applies the committed drizzle-kit migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /**
   * True when the newest committed migration (drizzle/migrations' journal) is applied: readiness. Throws
   * when the database cannot be asked (unreachable, or the role may not read drizzle.__drizzle_migrations).
   */
  migrated(): Promise<boolean>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(__dirname, '..', 'migrations');

/** The `when` of the newest migration in the journal: drizzle stores it as created_at of the row it adds. */
function newestMigrationMillis(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(0, ...journal.entries.map((e) => e.when));
}

const APPLIED_MIGRATION = 'SELECT max(created_at) AS newest FROM drizzle.__drizzle_migrations';
/** undefined_table, invalid_schema_name: nothing was ever migrated. */
const NEVER_MIGRATED = new Set(['42P01', '3F000']);

async function migratedBy(query: () => Promise<{ newest: unknown }[]>): Promise<boolean> {
  try {
    const newest = (await query())[0]?.newest;
    return newest !== null && newest !== undefined && Number(newest) >= newestMigrationMillis();
  } catch (error) {
    if (NEVER_MIGRATED.has(String((error as { code?: unknown }).code))) return false;
    throw error;
  }
}
// Any constant will do; it keeps concurrently starting processes from migrating twice.
const MIGRATION_LOCK_KEY = 7_256_114_001;

export interface OpenOptions {
  /** postgres:// URL; without it an embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory, or 'memory://' for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL: named prepared statements (default true); see DATABASE_PREPARED_STATEMENTS. */
  preparedStatements?: boolean;
}

/**
 * Connections that are lost are replaced, never fatal. postgres.js opens connections lazily and
 * handles a connection's socket errors itself (a connection lost under a transaction needs the repair
 * of `drizzle/scripts/patch-postgres.cjs`, checked below): a connection terminated while idle (a
 * restart, `pg_terminate_backend`, a network cut) is dropped and the next query on it connects again;
 * a query in flight on it fails with the error (PostgresError 57P01, CONNECTION_CLOSED, ECONNRESET),
 * which the services answer as SERVICE_UNAVAILABLE (an access-log write as AUDIT_UNAVAILABLE). No
 * error of a connection surfaces as an event nobody listens to. Tuned here: how fast the pool is back.
 */
const CONNECTION_OPTIONS = {
  onnotice: () => {},
  // A connection is replaced after 10–20 minutes, drawn for each connection as it opens (postgres.js calls
  // a function here per connection), so that a pool does not reconnect at once: this also bounds the
  // prepared statements each connection holds.
  max_lifetime: (() => 60 * (10 + Math.random() * 10)) as unknown as number,
  connection: { application_name: 'vartija' },
  // A database that does not answer is reported within seconds, not after postgres.js' 30 s.
  connect_timeout: 5,
  // Seconds before a connection that failed `attempt` times in a row tries again: 0.05, 0.1, 0.2 …
  // at most 2 (postgres.js' default grows to 20 s, so a pool that failed a few times during an
  // outage would stay away long after the database returned).
  backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 2),
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;

const DRIVER_REPAIR_MARK = 'vartija: closed-socket repair';
let driverChecked = false;

/**
 * Whether the loaded postgres.js carries the repair of `drizzle/scripts/patch-postgres.cjs` (run by
 * `npm ci` as the root postinstall): without it, a connection lost under a transaction crashes the
 * process from inside the driver, where no handler of ours can catch it.
 */
export function postgresDriverRepaired(): boolean {
  try {
    return readFileSync(path.join(path.dirname(require.resolve('postgres')), 'connection.js'), 'utf8').includes(DRIVER_REPAIR_MARK);
  } catch {
    return false;
  }
}

/**
 * drizzle sends every statement unnamed (`prepare: false` unless a query is given a name), so
 * PostgreSQL parses and plans it on every call; a statement with row scopes costs more to plan than to
 * run. This client names them instead: postgres.js prepares each distinct statement once per
 * connection, and PostgreSQL reuses its plan. The statements a connection keeps are bounded by the
 * distinct SQL texts (IN lists are padded to a few lengths: `inList` in ./in-list) and by the
 * connection's lifetime (`max_lifetime`). Transactions and savepoints are wrapped alike.
 */
export function preparedStatements<T extends postgres.Sql | postgres.TransactionSql>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        // drizzle passes prepare: false for every unnamed query, so it is overridden, not defaulted.
        return (query: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          (value as postgres.Sql['unsafe']).call(target, query, params as never, { ...options, prepare: true });
      }
      if (property === 'begin' || property === 'savepoint') {
        // (options?, callback): the callback gets the transaction's own client, wrapped the same way.
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const callback = args[last] as (tx: postgres.TransactionSql) => unknown;
          args[last] = (tx: postgres.TransactionSql) => callback(preparedStatements(tx));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  }) as T;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const statements = new StatementCounter();
  if (options.url) {
    if (!driverChecked && !postgresDriverRepaired()) {
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'postgres.js is not repaired: a database connection lost under a transaction can crash this process. Run npm ci, or node drizzle/scripts/patch-postgres.cjs',
        }),
      );
    }
    driverChecked = true;
    const prepare = options.preparedStatements ?? true;
    // Off, postgres.js's own statements (ping, the migration lock) go unnamed too: a pooler in transaction mode keeps none.
    const driverOptions = { ...CONNECTION_OPTIONS, prepare };
    const client = postgres(options.url, { max: options.poolSize ?? 10, ...driverOptions });
    const db = drizzlePostgres(prepare ? preparedStatements(client) : client, { schema, logger: statements, casing: DB_CASING }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      statements,
      async migrate() {
        const lockClient = postgres(options.url!, { max: 1, ...driverOptions });
        try {
          await lockClient`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
          await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
        } finally {
          await lockClient`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => undefined);
          await lockClient.end();
        }
      },
      async ping() {
        try {
          await client`SELECT 1`;
          return true;
        } catch {
          return false;
        }
      },
      migrated: () => migratedBy(() => client.unsafe(APPLIED_MIGRATION) as Promise<{ newest: unknown }[]>),
      async close() {
        await client.end({ timeout: 5 });
      },
    };
  }

  const dataDir = options.dataDir ?? 'memory://';
  if (dataDir !== 'memory://') mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // One process at a time: a second PGlite on the same files loses the first one's writes.
  const lock = dataDir === 'memory://' ? null : acquireDataDirLock(path.resolve(dataDir));
  let pg: PGlite;
  try {
    pg = new PGlite(dataDir === 'memory://' ? undefined : dataDir);
    await pg.waitReady;
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(pg, { schema, logger: statements, casing: DB_CASING }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    statements,
    async migrate() {
      await migratePglite(drizzlePglite(pg), { migrationsFolder });
    },
    async ping() {
      try {
        await pg.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    migrated: async () => migratedBy(async () => (await pg.query<{ newest: unknown }>(APPLIED_MIGRATION)).rows),
    async close() {
      try {
        if (!pg.closed) await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}
