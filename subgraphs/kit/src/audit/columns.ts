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

/** `seq bigint, at timestamptz, …`: the record type of the INSERT's json_to_recordset. */
export const AUDIT_RECORD_TYPE = AUDIT_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ');

/** One row of the INSERT's json batch, keyed by column name. */
export function auditJsonRow(entry: AuditEntryInput, at: ChainLink): Record<string, AuditValue> {
  return auditJsonRowOf(hashedValues(entry, at.seq), at);
}

const HASHED_NAMES = HASHED.map((c) => c.name);
const LINK_NAMES: Record<string, string> = { prevHash: 'prev_hash', hash: 'hash' };
if (AUDIT_COLUMNS.some((c, i) => (c.hashed ? c.name !== HASHED_NAMES[i] : c.name !== LINK_NAMES[c.key]))) {
  throw new Error('audit columns: the hashed columns must come first, then prev_hash and hash');
}

/** The same row from the values the hash was computed over (`hashedValues`), which are already in column order. */
export function auditJsonRowOf(values: readonly AuditValue[], at: Pick<ChainLink, 'prevHash' | 'hash'>): Record<string, AuditValue> {
  const row: Record<string, AuditValue> = {};
  for (let i = 0; i < HASHED_NAMES.length; i++) row[HASHED_NAMES[i]!] = values[i]!;
  row['prev_hash'] = at.prevHash;
  row['hash'] = at.hash;
  return row;
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
