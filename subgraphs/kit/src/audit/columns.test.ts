import { entries } from '@vartija/db';
import { getTableColumns } from 'drizzle-orm';
import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import { createHash } from 'node:crypto';
import { canonicalEntry, chainHash, chainLinkOf } from './chain';
import { AUDIT_COLUMN_LIST, AUDIT_COLUMNS, AUDIT_COPY, AUDIT_WIRE_SQL, auditCopyLine, AuditWireBatch, hashedValues } from './columns';
import { AUDIT_ENTITY_TYPES, type AuditEntryInput, isAuditEntityType } from './entry';

const ENTRY: AuditEntryInput = {
  at: new Date('2026-01-02T03:04:05.678Z'),
  requestId: 'req-1',
  operationName: null,
  subgraph: 'clients',
  actorKind: 'USER',
  actorId: 'u-1',
  actorRole: 'SOCIAL_WORKER',
  organisationId: '00000000-0000-4000-8000-000000000001',
  unitId: null,
  clientId: '00000000-0000-4000-8000-000000000002',
  entityType: 'Client',
  entityId: '00000000-0000-4000-8000-000000000002',
  action: 'READ',
  outcome: 'DENIED',
  fields: ['firstName', 'lastName'],
  categories: ['IDENTITY'],
  purpose: 'CLIENT_WORK',
  emergency: false,
  callerAddress: '127.0.0.1',
  reason: 'field not permitted',
};
const LINK = { seq: 7, prevHash: 'p'.repeat(64), hash: 'h'.repeat(64) };

// Every column of audit.entries the application writes: a generated one is the database's to fill.
const table = Object.entries(getTableColumns(entries)).filter(([, c]) => !c.generated && !c.generatedIdentity);
const sqlType = (type: string) => (type === 'timestamptz' ? 'timestamp with time zone' : type.replace(/^audit\./, ''));

/** A batch's rows by column name, as the INSERT's join of its two json parts reads them (sink.ts). */
function joinedRows(batch: AuditWireBatch): Record<string, unknown>[] {
  const { runs, entries } = batch.json();
  const runOf = new Map((JSON.parse(runs) as Record<string, unknown>[]).map((r) => [r['k'], r]));
  const from = AUDIT_WIRE_SQL.select.split(', ');
  return (JSON.parse(entries) as Record<string, unknown>[]).map((e) =>
    Object.fromEntries(AUDIT_COLUMNS.map((c, i) => [c.name, (from[i]!.startsWith('e.') ? e : runOf.get(e['k'])!)[`c${i}`] ?? null])),
  );
}

const batchOf = (...rows: [AuditEntryInput, typeof LINK][]) => {
  const batch = new AuditWireBatch();
  for (const [entry, link] of rows) batch.add(hashedValues(entry, link.seq), link);
  return batch;
};

describe('the one column list of the access log', () => {
  it('is audit.entries, every column in its order, with its SQL type', () => {
    expect(AUDIT_COLUMNS.map((c) => [c.key, c.name, sqlType(c.type)])).toEqual(table.map(([key, c]) => [key, c.name, c.getSQLType()]));
  });

  it('gives the INSERT, its record types and COPY the same columns in the same order', () => {
    const names = table.map(([, c]) => c.name);
    expect(AUDIT_COLUMN_LIST.split(', ')).toEqual(names);
    expect(AUDIT_COPY).toBe(`COPY audit.entries (${names.join(', ')})`);
    // Every column read once, from the entry or from its run, each declared once with its SQL type.
    expect(AUDIT_WIRE_SQL.select.split(', ').map((s) => s.slice(2))).toEqual(names.map((_, i) => `c${i}`));
    const declared = [...AUDIT_WIRE_SQL.entryType.split(', '), ...AUDIT_WIRE_SQL.runType.split(', ')].filter((d) => d !== 'k int');
    expect(declared.sort()).toEqual(AUDIT_COLUMNS.map((c, i) => `c${i} ${c.type}`).sort());
    for (const [i, from] of AUDIT_WIRE_SQL.select.split(', ').entries()) {
      expect((from.startsWith('e.') ? AUDIT_WIRE_SQL.entryType : AUDIT_WIRE_SQL.runType).split(', ')).toContain(`c${i} ${AUDIT_COLUMNS[i]!.type}`);
    }
    expect(Object.keys(joinedRows(batchOf([ENTRY, LINK]))[0]!)).toEqual(names);
    expect(auditCopyLine(ENTRY, LINK).split('\t')).toHaveLength(names.length);
  });

  it('sends a run of entries’ shared columns once, and every entry whole after the join', () => {
    const other = { ...ENTRY, requestId: 'req-2', unitId: '00000000-0000-4000-8000-000000000003', fields: ['firstName'] };
    const rows: [AuditEntryInput, typeof LINK][] = [
      [ENTRY, LINK],
      [{ ...ENTRY, clientId: null, entityId: 'e-2', reason: null }, { ...LINK, seq: 8 }],
      [other, { ...LINK, seq: 9 }],
      [ENTRY, { ...LINK, seq: 10 }],
    ];
    const batch = batchOf(...rows);
    // Three runs: the first two entries share theirs; a run seen before but not adjacent starts a new one.
    expect(JSON.parse(batch.json().runs)).toHaveLength(3);
    expect(batch.size).toBe(4);
    expect(joinedRows(batch)).toEqual(
      rows.map(([entry, link]) => Object.fromEntries(AUDIT_COLUMNS.map((c) => [c.name, c.read(entry, link)]))),
    );
    // Nulls are left out (json_to_recordset reads a missing key as null); the shared columns are not repeated.
    expect(batch.json().entries).not.toContain('null');
    expect(batch.json().entries).not.toContain('CLIENT_WORK');
  });

  it('hashes every column but the links, in column order, in the shapes existing hashes were computed over', () => {
    // Written out by hand: a reordering or a changed shape changes every hash in every log.
    const expected = JSON.stringify([
      7, '2026-01-02T03:04:05.678Z', 'req-1', null, 'clients', 'USER', 'u-1', 'SOCIAL_WORKER',
      '00000000-0000-4000-8000-000000000001', null, '00000000-0000-4000-8000-000000000002', 'Client',
      '00000000-0000-4000-8000-000000000002', 'READ', 'DENIED', ['firstName', 'lastName'], ['IDENTITY'],
      'CLIENT_WORK', false, '127.0.0.1', 'field not permitted',
    ]);
    expect(canonicalEntry(7, ENTRY)).toBe(expected);
    expect(AUDIT_COLUMNS.filter((c) => !c.hashed).map((c) => c.name)).toEqual(['prev_hash', 'hash']);
    const [row] = joinedRows(batchOf([ENTRY, LINK]));
    expect(JSON.parse(expected)).toEqual(AUDIT_COLUMNS.filter((c) => c.hashed).map((c) => row![c.name]));
  });

  it('hashes the same bytes as ever: sha256 of the previous hash, a newline and the canonical entry', () => {
    const expected = createHash('sha256').update(LINK.prevHash).update('\n').update(canonicalEntry(7, ENTRY)).digest('hex');
    expect(chainHash(LINK.prevHash, 7, ENTRY)).toBe(expected);
    // The appender's row is built from the hashed values: the same row, column by column, as from the entry.
    const { hash, values } = chainLinkOf(LINK.prevHash, 7, ENTRY);
    expect(hash).toBe(expected);
    const batch = new AuditWireBatch();
    batch.add(values, { prevHash: LINK.prevHash, hash });
    expect(joinedRows(batch)).toEqual(joinedRows(batchOf([ENTRY, { ...LINK, hash }])));
    expect(joinedRows(batch)[0]).toEqual(Object.fromEntries(AUDIT_COLUMNS.map((c) => [c.name, c.read(ENTRY, { ...LINK, hash })])));
  });

  it('writes COPY text with nulls, booleans, arrays and escapes', () => {
    const line = auditCopyLine({ ...ENTRY, reason: 'a\tb\\c\nd', fields: ['x"y', 'z,w'] }, LINK).split('\t');
    const at = (name: string) => line[AUDIT_COLUMNS.findIndex((c) => c.name === name)];
    expect(at('seq')).toBe('7');
    expect(at('operation_name')).toBe('\\N');
    expect(at('emergency')).toBe('f');
    expect(at('fields')).toBe('{"x\\\\"y","z,w"}');
    expect(at('reason')).toBe('a\\tb\\\\c\\nd');
  });
});

describe('entity types', () => {
  it('cover every type of the sensitive-field catalog', () => {
    expect([...new Set(SENSITIVE_FIELDS.map((f) => f.type))].filter((t) => !isAuditEntityType(t))).toEqual([]);
  });

  it('are unique', () => {
    expect(new Set(AUDIT_ENTITY_TYPES).size).toBe(AUDIT_ENTITY_TYPES.length);
  });
});
