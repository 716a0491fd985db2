import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Queryable, UPKEEP_STATEMENT } from '@vartija/db';
import { sql } from 'drizzle-orm';
import { Kind, parse } from 'graphql';
import { rowsOf } from '../audit/sink';

/** The label of an operation name the register does not know: callers choose names, and a name can be a person's. */
export const UNLISTED_OPERATION = '(unlisted)';
/** A GraphQL name, as short as a label should be. */
export const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,79}$/;

/** Parses KNOWN_OPERATION_NAMES: comma-separated GraphQL operation names. Throws naming a bad entry. */
export function parseOperationNames(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  for (const name of names) {
    if (!OPERATION_NAME.test(name)) throw new Error(`${JSON.stringify(name.slice(0, 100))} is not a GraphQL operation name (letters, digits and _, at most 80)`);
  }
  return names;
}

/**
 * The documents shipped with the product whose operation names are known: the auditor's console
 * (console/src/operations, copied into the build beside the services). Test documents are not shipped.
 */
export const SHIPPED_DOCUMENTS = path.join(__dirname, '..', '..', '..', '..', 'console', 'src', 'operations');

/** The operation names of the `.graphql` documents under `dir`; none when it is absent. */
export function shippedOperationNames(dir: string = SHIPPED_DOCUMENTS): string[] {
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.graphql'));
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const file of files) {
    try {
      for (const definition of parse(readFileSync(path.join(dir, file), 'utf8')).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.push(definition.name.value);
      }
    } catch {
      // A document that does not parse names nothing; the console's build refuses it anyway.
    }
  }
  return names;
}

/**
 * The names of the persisted operations (access.persisted_operations.operation_name: every service's
 * role may read that column). Upkeep, not a request's work: not in the statement count.
 */
export function persistedOperationNames(db: Queryable): () => Promise<string[]> {
  return async () => {
    const rows = rowsOf<{ name: string | null }>(
      await db.execute(sql.raw(`${UPKEEP_STATEMENT} SELECT DISTINCT operation_name AS name FROM access.persisted_operations WHERE operation_name IS NOT NULL`)),
    );
    return rows.flatMap((r) => (r.name ? [r.name] : []));
  };
}

export interface KnownOperationNamesOptions {
  /** Always known: the shipped documents' names and KNOWN_OPERATION_NAMES. */
  names?: Iterable<string>;
  /** The persisted operations' names, read again once `cacheMs` has passed. */
  persisted?: () => Promise<Iterable<string>>;
  cacheMs?: number;
}

export const DEFAULT_OPERATION_NAMES_CACHE_MS = 10_000;

/**
 * The operation names that may appear in /metrics labels, the request log and span attributes: those
 * of the register's known operations. Any other name a caller chose is `(unlisted)`; an anonymous
 * operation stays anonymous (null). A subgraph's fetch is named `<ClientOperation>__<subgraph>__<n>`
 * by the gateway: the rule applies to the client operation's part.
 */
export class KnownOperationNames {
  private readonly fixed: ReadonlySet<string>;
  private persisted: ReadonlySet<string> = new Set();
  private loadedAt: number | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly options: KnownOperationNamesOptions = {}) {
    this.fixed = new Set([...(options.names ?? [])].filter((n) => OPERATION_NAME.test(n)));
  }

  /** The name as it may be recorded: itself when known, `(unlisted)` otherwise; null (anonymous) as it is. */
  async label(name: string | null, subgraph?: string): Promise<string | null> {
    if (name === null || name === '') return null;
    const client = subgraph ? clientOperationOf(name, subgraph) : name;
    if (!OPERATION_NAME.test(client)) return UNLISTED_OPERATION;
    if (this.fixed.has(client)) return name;
    return (await this.persistedNames()).has(client) ? name : UNLISTED_OPERATION;
  }

  /** The persisted operations' names: read on first use, then answered from the cache while it is refreshed. */
  private async persistedNames(): Promise<ReadonlySet<string>> {
    const load = this.options.persisted;
    if (!load) return this.persisted;
    const stale = this.loadedAt === null || Date.now() - this.loadedAt >= (this.options.cacheMs ?? DEFAULT_OPERATION_NAMES_CACHE_MS);
    if (stale && !this.loading) {
      this.loading = load().then(
        (names) => {
          this.persisted = new Set([...names].filter((n) => OPERATION_NAME.test(n)));
        },
        // Unreadable (the database is down): the names read before stay; anything else is unlisted.
        () => undefined,
      );
      void this.loading.finally(() => {
        this.loadedAt = Date.now();
        this.loading = null;
      });
    }
    if (this.loadedAt === null && this.loading) await this.loading;
    return this.persisted;
  }
}

/** `ClientPage__clients__0` in the clients subgraph → `ClientPage`; any other name as it is. */
function clientOperationOf(name: string, subgraph: string): string {
  const suffix = new RegExp(`__${subgraph.replace(/[^_0-9A-Za-z]/g, '_')}__\\d+$`);
  const match = suffix.exec(name);
  return match && match.index > 0 ? name.slice(0, match.index) : name;
}
