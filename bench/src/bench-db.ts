import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type Database, openDatabase } from '@vartija/db';
import { AUDIT_COPY } from '@vartija/kit';
import postgres from 'postgres';
import type { BulkLoader } from './world';

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** The benchmark database's URL (PostgreSQL): child processes connect to it. */
  url: string | null;
  name: string;
  /** Opened in this process: seeding, counting, chain checks. */
  database: Database;
  loader: BulkLoader;
  /** Whether it existed already (BENCH_DB_NAME) and was kept seeded. */
  reused: boolean;
  /** EXPLAIN (ANALYZE) of one statement with its parameters (PostgreSQL only). */
  explain?: (sql: string, params: unknown[]) => Promise<ExplainResult>;
  dispose(): Promise<void>;
}

export interface ExplainResult {
  executionMs: number;
  planningMs: number;
  /** Rows the statement returned. */
  rows: number;
  /** Sequential scans in the plan, with the table and the rows they read. */
  seqScans: string[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

function seqScansOf(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
    const read = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
    out.push(`${node.Schema ?? ''}${node.Schema ? '.' : ''}${node['Relation Name']} (${read.toLocaleString('en')} rows read)`);
  }
  for (const child of node.Plans ?? []) seqScansOf(child, out);
  return out;
}

export interface BenchDatabaseOptions {
  kind: 'postgres' | 'pglite';
  /** Server to create the benchmark database on. */
  adminUrl: string;
  /** Reuse (or create and keep) this database instead of a throwaway vartija_bench_<random>. */
  reuseName?: string | undefined;
  keep: boolean;
}

class RolledBack extends Error {}

/** A fresh database for one benchmark run: vartija_bench_<random> on the server, dropped afterwards. */
export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  if (options.kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    const pg = (database.db as unknown as { $client: { query(q: string, p: unknown[], o: { blob: Blob }): Promise<unknown> } }).$client;
    return {
      kind: 'pglite',
      url: null,
      name: 'memory://',
      database,
      reused: false,
      loader: {
        async copyAuditEntries(produce) {
          await produce(async (chunk) => {
            await pg.query(`${AUDIT_COPY} FROM '/dev/blob'`, [], { blob: new Blob([chunk]) });
          });
        },
      },
      dispose: () => database.close(),
    };
  }

  const name = options.reuseName ?? `vartija_bench_${randomBytes(5).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`BENCH_DB_NAME must be a plain lower-case identifier, got "${name}"`);
  const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {} });
  const [exists] = await admin`SELECT 1 AS one FROM pg_database WHERE datname = ${name}`;
  if (!exists) await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 4 });
  await database.migrate();
  const raw = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const keep = options.keep || options.reuseName !== undefined;
  return {
    kind: 'postgres',
    url: url.toString(),
    name,
    database,
    reused: Boolean(exists),
    async explain(statement, params) {
      // Read-only: a rolled-back transaction around it, so that EXPLAIN ANALYZE changes nothing.
      let result: ExplainResult | null = null;
      await raw
        .begin(async (tx) => {
          const [row] = await tx.unsafe(`EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ${statement}`, params as never[]);
          const [plan] = (row as Record<string, unknown>)['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number; 'Planning Time': number }];
          result = {
            executionMs: plan['Execution Time'],
            planningMs: plan['Planning Time'],
            rows: plan.Plan['Actual Rows'] ?? 0,
            seqScans: seqScansOf(plan.Plan),
          };
          throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
      return result!;
    },
    loader: {
      async copyAuditEntries(produce) {
        const stream = (await raw.unsafe(`${AUDIT_COPY} FROM STDIN`).writable()) as Writable;
        const done = new Promise<void>((resolve, reject) => {
          stream.once('finish', () => resolve());
          stream.once('error', reject);
        });
        await produce(async (chunk) => {
          if (!stream.write(chunk)) await once(stream, 'drain');
        });
        stream.end();
        await done;
      },
    },
    async dispose() {
      await raw.end({ timeout: 5 });
      await database.close();
      if (!keep) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
