import type { AuditEntryInput, ChainedEntry, ChainLink } from './entry';

/** A column's value as it is hashed, sent in the INSERT's json and written by COPY. */
export type AuditValue = string | number | boolean | null | readonly string[];

export interface AuditColumn {
  /** The property of a stored entry (and of drizzle's audit.entries). */
  key: keyof ChainedEntry;
  /** The SQL column. */
  name: string;
  /** Its SQL type, as json_to_recordset must be told. */
  type: string;
  /** Whether the entry's hash covers it: everything but the links themselves. */
  hashed: boolean;
  read(entry: AuditEntryInput, link: ChainLink): AuditValue;
}

const link = (key: keyof ChainLink, name: string, type: string, hashed: boolean): AuditColumn => ({
  key,
  name,
  type,
  hashed,
  read: (_entry, l) => l[key],
});

const of = <K extends Exclude<keyof AuditEntryInput, 'at'>>(key: K, name: string, type: string): AuditColumn => ({
  key,
  name,
  type,
  hashed: true,
  read: (entry) => entry[key],
});

/**
 * Every column of audit.entries, in the one order from which the hash, the INSERT and any bulk load
 * (COPY) derive. The order and the value shapes are what old hashes were computed over: append
 * nothing in the middle, reorder nothing, and keep `at` as its ISO string.
 */
export const AUDIT_COLUMNS: readonly AuditColumn[] = [
  link('seq', 'seq', 'bigint', true),
  { key: 'at', name: 'at', type: 'timestamptz', hashed: true, read: (entry) => entry.at.toISOString() },
  of('requestId', 'request_id', 'text'),
  of('operationName', 'operation_name', 'text'),
  of('subgraph', 'subgraph', 'text'),
  of('actorKind', 'actor_kind', 'audit.actor_kind'),
  of('actorId', 'actor_id', 'text'),
  of('actorRole', 'actor_role', 'text'),
  of('organisationId', 'organisation_id', 'uuid'),
  of('unitId', 'unit_id', 'uuid'),
  of('clientId', 'client_id', 'uuid'),
  of('entityType', 'entity_type', 'text'),
  of('entityId', 'entity_id', 'text'),
  of('action', 'action', 'audit.action'),
  of('outcome', 'outcome', 'audit.outcome'),
  of('fields', 'fields', 'text[]'),
  of('categories', 'categories', 'text[]'),
  of('purpose', 'purpose', 'text'),
  of('emergency', 'emergency', 'boolean'),
  of('callerAddress', 'caller_address', 'text'),
  of('reason', 'reason', 'text'),
  link('prevHash', 'prev_hash', 'text', false),
  link('hash', 'hash', 'text', false),
];

const HASHED = AUDIT_COLUMNS.filter((c) => c.hashed);

/** The values the hash covers, in column order. */
export function hashedValues(entry: AuditEntryInput, seq: number): AuditValue[] {
  // The links are not hashed, so they need no value here.
  const at: ChainLink = { seq, prevHash: '', hash: '' };
  return HASHED.map((c) => c.read(entry, at));
}

/** `seq, at, …, hash`: the column list of the INSERT and of COPY. */
export const AUDIT_COLUMN_LIST = AUDIT_COLUMNS.map((c) => c.name).join(', ');

const HASHED_NAMES = HASHED.map((c) => c.name);
const LINK_NAMES: Record<string, string> = { prevHash: 'prev_hash', hash: 'hash' };
if (AUDIT_COLUMNS.some((c, i) => (c.hashed ? c.name !== HASHED_NAMES[i] : c.name !== LINK_NAMES[c.key]))) {
  throw new Error('audit columns: the hashed columns must come first, then prev_hash and hash');
}

/**
 * The columns that differ from entry to entry of one request's run (its place in the chain, the entity);
 * every other column (time, request, actor, grant, purpose, action, fields…) is the same for a run of
 * entries and travels once per run in the INSERT's batch.
 */
const PER_ENTRY: ReadonlySet<string> = new Set(['seq', 'client_id', 'entity_id', 'reason', 'prev_hash', 'hash']);

/** A column's key in the batch's json: its position (`c0`…), short because every entry repeats it. */
const wireKey = (index: number) => `c${index}`;
const RUN_COLUMNS = AUDIT_COLUMNS.flatMap((c, i) => (c.hashed && !PER_ENTRY.has(c.name) ? [i] : []));
const ENTRY_HASHED_COLUMNS = AUDIT_COLUMNS.flatMap((c, i) => (c.hashed && PER_ENTRY.has(c.name) ? [i] : []));
// The keys made once: an entry is added per sensitive row read, and the batch is on the request's path.
const RUN_KEYS = RUN_COLUMNS.map(wireKey);
const ENTRY_KEYS = ENTRY_HASHED_COLUMNS.map(wireKey);
const PREV_HASH_KEY = wireKey(AUDIT_COLUMNS.findIndex((c) => c.name === 'prev_hash'));
const HASH_KEY = wireKey(AUDIT_COLUMNS.findIndex((c) => c.name === 'hash'));

const recordType = (indexes: number[]) => [...indexes.map((i) => `${wireKey(i)} ${AUDIT_COLUMNS[i]!.type}`), 'k int'].join(', ');

/**
 * The SELECT list and record types of the batch's INSERT: each entry (`e`) joined to its run (`r`) by `k`,
 * every column of audit.entries in its order (sink.ts).
 */
export const AUDIT_WIRE_SQL = {
  select: AUDIT_COLUMNS.map((c, i) => `${PER_ENTRY.has(c.name) ? 'e' : 'r'}.${wireKey(i)}`).join(', '),
  entryType: recordType(AUDIT_COLUMNS.flatMap((c, i) => (PER_ENTRY.has(c.name) ? [i] : []))),
  runType: recordType(RUN_COLUMNS),
};

function sameRun(a: readonly AuditValue[], b: readonly AuditValue[]): boolean {
  for (const i of RUN_COLUMNS) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/**
 * A batch for the INSERT, in the form PostgreSQL reads cheapest: the columns a run of entries shares once per
 * run, the rest per entry, keys short and nulls left out (json_to_recordset reads a missing key as null).
 * A 50-entry client list is ~15 KB instead of ~45 KB: less to stringify, send and parse (bench/FINDINGS.md).
 */
export class AuditWireBatch {
  private readonly runs: Record<string, AuditValue>[] = [];
  private readonly entries: Record<string, AuditValue>[] = [];
  private run: readonly AuditValue[] | null = null;

  /** `values`: what the entry's hash was computed over (`hashedValues`, column order). */
  add(values: readonly AuditValue[], link: Pick<ChainLink, 'prevHash' | 'hash'>): void {
    if (!this.run || !sameRun(this.run, values)) {
      const run: Record<string, AuditValue> = { k: this.runs.length };
      for (let j = 0; j < RUN_COLUMNS.length; j++) {
        const value = values[RUN_COLUMNS[j]!]!;
        if (value !== null) run[RUN_KEYS[j]!] = value;
      }
      this.runs.push(run);
      this.run = values;
    }
    const entry: Record<string, AuditValue> = { k: this.runs.length - 1 };
    for (let j = 0; j < ENTRY_HASHED_COLUMNS.length; j++) {
      const value = values[ENTRY_HASHED_COLUMNS[j]!]!;
      if (value !== null) entry[ENTRY_KEYS[j]!] = value;
    }
    entry[PREV_HASH_KEY] = link.prevHash;
    entry[HASH_KEY] = link.hash;
    this.entries.push(entry);
  }

  get size(): number {
    return this.entries.length;
  }

  json(): { runs: string; entries: string } {
    return { runs: JSON.stringify(this.runs), entries: JSON.stringify(this.entries) };
  }
}

/** The bulk load of chained entries: `${AUDIT_COPY} FROM STDIN`, with lines from auditCopyLine. */
export const AUDIT_COPY = `COPY audit.entries (${AUDIT_COLUMN_LIST})`;

/** One line of COPY's text format (without the newline). */
export function auditCopyLine(entry: AuditEntryInput, at: ChainLink): string {
  return AUDIT_COLUMNS.map((c) => copyValue(c.read(entry, at))).join('\t');
}

// COPY text format: \N is null; backslash, tab and line breaks are escaped. Array elements are quoted.
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
const arrayElement = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

function copyValue(value: AuditValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return copyText(value);
  return copyText(`{${value.map(arrayElement).join(',')}}`);
}
