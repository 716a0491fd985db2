import { entries } from '@vartija/db';
import { getTableColumns } from 'drizzle-orm';
import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import { createHash } from 'node:crypto';
import { canonicalEntry, chainHash, chainLinkOf } from './chain';
import { AUDIT_COLUMN_LIST, AUDIT_COLUMNS, AUDIT_COPY, AUDIT_RECORD_TYPE, auditCopyLine, auditJsonRow, auditJsonRowOf } from './columns';
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

describe('the one column list of the access log', () => {
  it('is audit.entries, every column in its order, with its SQL type', () => {
    expect(AUDIT_COLUMNS.map((c) => [c.key, c.name, sqlType(c.type)])).toEqual(table.map(([key, c]) => [key, c.name, c.getSQLType()]));
  });

  it('gives the INSERT, its record type and COPY the same columns in the same order', () => {
    const names = table.map(([, c]) => c.name);
    expect(AUDIT_COLUMN_LIST.split(', ')).toEqual(names);
    expect(AUDIT_RECORD_TYPE.split(', ').map((t) => t.split(' ')[0])).toEqual(names);
    expect(AUDIT_COPY).toBe(`COPY audit.entries (${names.join(', ')})`);
    expect(Object.keys(auditJsonRow(ENTRY, LINK))).toEqual(names);
    expect(auditCopyLine(ENTRY, LINK).split('\t')).toHaveLength(names.length);
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
    const row = auditJsonRow(ENTRY, LINK);
    expect(JSON.parse(expected)).toEqual(AUDIT_COLUMNS.filter((c) => c.hashed).map((c) => row[c.name]));
  });

  it('hashes the same bytes as ever: sha256 of the previous hash, a newline and the canonical entry', () => {
    const expected = createHash('sha256').update(LINK.prevHash).update('\n').update(canonicalEntry(7, ENTRY)).digest('hex');
    expect(chainHash(LINK.prevHash, 7, ENTRY)).toBe(expected);
    // The appender's row is built from the hashed values: the same row, column by column, as from the entry.
    const { hash, values } = chainLinkOf(LINK.prevHash, 7, ENTRY);
    expect(hash).toBe(expected);
    expect(JSON.stringify(auditJsonRowOf(values, { prevHash: LINK.prevHash, hash }))).toBe(JSON.stringify(auditJsonRow(ENTRY, { ...LINK, hash })));
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
