import Module from 'node:module';
import type { Database } from '@vartija/db';
import { LOG_WRITE } from './proc';

/**
 * Imported first by host-child.ts, before anything loads @vartija/db: every `require('@vartija/db')`
 * in the process then gets an `openDatabase` that registers the database it opens and counts its
 * statements (drizzle's logger), its access-log appends and, while capturing, its distinct SQL texts.
 * So the counts also cover the product's own entry points (gateway/src/main.ts, runSubgraph), which
 * open their database themselves.
 */

/** A distinct SQL text sent while capturing, with how often and the first parameters. */
export interface CapturedQuery {
  sql: string;
  count: number;
  params: unknown[];
}

export const counters = {
  databases: [] as Database[],
  logWrites: 0,
  capture: null as Map<string, CapturedQuery> | null,
};

export const statementsSoFar = () => counters.databases.reduce((sum, d) => sum + d.statements.count, 0);

function count(database: Database): Database {
  // The statement counter is drizzle's logger: it also sees each statement's text.
  const counter = database.statements as unknown as { logQuery: (query: string, params: unknown[]) => void };
  const logQuery = counter.logQuery.bind(counter);
  counter.logQuery = (query, params) => {
    logQuery(query, params);
    if (LOG_WRITE.test(query)) counters.logWrites += 1;
    const capture = counters.capture;
    if (!capture) return;
    const seen = capture.get(query);
    if (seen) seen.count += 1;
    else capture.set(query, { sql: query, count: 1, params });
  };
  counters.databases.push(database);
  return database;
}

type DbModule = typeof import('@vartija/db');
const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const load = loader._load;
let counted: DbModule | null = null;

loader._load = function countedLoad(this: unknown, request: string, parent: unknown, isMain: boolean) {
  const loaded = load.call(this, request, parent, isMain);
  if (request !== '@vartija/db') return loaded;
  if (!counted) {
    const original = loaded as DbModule;
    const copy = { ...original, openDatabase: async (...args: Parameters<DbModule['openDatabase']>) => count(await original.openDatabase(...args)) };
    Object.defineProperty(copy, '__esModule', { value: true });
    counted = copy as DbModule;
  }
  return counted;
};
