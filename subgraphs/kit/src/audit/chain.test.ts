import { chainHead, type Database, entries, openDatabase } from '@vartija/db';
import { asc, inArray } from 'drizzle-orm';
import {
  AUDIT_TEXT_LIMITS,
  type AuditEntryInput,
  type AuditSink,
  auditText,
  type ChainedEntry,
  chainHash,
  DbAuditSink,
  GENESIS_HASH,
  GroupCommitAuditSink,
  storedForm,
  verifyChain,
  verifyChainEnd,
} from './index';

const CLIENT = '6F1C1F7E-3B0A-4C1E-9A57-2D0E8C1B5A10';

const entry = (requestId: string, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at: new Date(),
  requestId,
  operationName: 'Test',
  subgraph: 'unit-test',
  actorKind: 'SYSTEM',
  actorId: 'audit-chain-test',
  actorRole: null,
  organisationId: null,
  unitId: null,
  clientId: null,
  entityType: 'Test',
  entityId: requestId,
  action: 'READ',
  outcome: 'DENIED',
  fields: ['x'],
  categories: ['IDENTITY'],
  purpose: 'CLIENT_WORK',
  emergency: false,
  callerAddress: '127.0.0.1',
  reason: null,
  ...overrides,
});

describe('what the log stores', () => {
  it('turns control characters into visible replacements and line breaks into spaces', () => {
    expect(auditText('a\u0000b\u001bc\u0085d', 100)).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(auditText('line\r\nnext\tcol', 100)).toBe('line  next col');
    expect(auditText('broken \ud800 half', 100)).toBe('broken \uFFFD half');
    expect(auditText('Åäö 🙂', 100)).toBe('Åäö 🙂');
  });

  it('cuts long values, marking the cut, and never splits a character', () => {
    expect(auditText('x'.repeat(1_000_000), 10)).toBe(`${'x'.repeat(9)}…`);
    const emoji = auditText(`${'x'.repeat(8)}🙂🙂`, 10);
    expect(emoji).toBe(`${'x'.repeat(8)}…`);
    expect(emoji.length).toBeLessThanOrEqual(10);
  });

  it('bounds every text column and keeps uuid columns to UUIDs', () => {
    const stored = storedForm(
      entry('r'.repeat(5_000), {
        operationName: 'O'.repeat(1_000_000),
        entityId: `id\u0000${'9'.repeat(1_000_000)}`,
        reason: 'why\u0000',
        clientId: CLIENT,
        unitId: 'not-a-uuid',
        organisationId: 'x'.repeat(100_000),
        fields: ['a\u0000', 'b'.repeat(1_000)],
      }),
    );
    expect(stored.requestId).toHaveLength(AUDIT_TEXT_LIMITS.requestId);
    expect(stored.operationName).toHaveLength(AUDIT_TEXT_LIMITS.operationName);
    expect(stored.entityId).toHaveLength(AUDIT_TEXT_LIMITS.entityId);
    expect(stored.entityId!.startsWith('id\uFFFD999')).toBe(true);
    expect(stored.reason).toBe('why\uFFFD');
    expect(stored.clientId).toBe(CLIENT.toLowerCase());
    expect(stored.unitId).toBeNull();
    expect(stored.organisationId).toBeNull();
    expect(stored.fields).toEqual(['a\uFFFD', `${'b'.repeat(AUDIT_TEXT_LIMITS.name - 1)}…`]);
    // Already stored values stay as they are: hashing the stored form twice gives the same bytes.
    expect(storedForm(stored)).toEqual(stored);
  });
});

describe('the stored form and hash of hostile text', () => {
  it('hashes an entry full of controls, broken Unicode, quotes and over-long values to the bytes it always did', () => {
    const hostile: AuditEntryInput = {
      at: new Date('2026-12-02T10:00:00.123Z'),
      requestId: 'req\u0000\ud800-1',
      operationName: `Op\u2028\u009f🙂${'x'.repeat(300)}`,
      subgraph: 'clients',
      actorKind: 'USER',
      actorId: 'ä\udc00ö',
      actorRole: null,
      organisationId: '00000000-0000-4000-8000-0000000000AA',
      unitId: 'not-a-uuid',
      clientId: null,
      entityType: 'Client',
      action: 'READ',
      outcome: 'DENIED',
      entityId: '"quoted"\\back\tslash\n',
      fields: Array.from({ length: 600 }, (_, i) => `f${i}\u0007`),
      categories: ['IDENTITY'],
      purpose: null,
      emergency: true,
      callerAddress: '::1',
      reason: `${'x'.repeat(3000)}🙂`,
    };
    // Computed by the appender before its fast paths (createHash, a copy of every column, no clean-text shortcut).
    expect(chainHash('ab'.repeat(32), 42, storedForm(hostile))).toBe('9a9dbf35795c7ead086ab9d35f8e05b3ad22f5a1c2c29c2a254db9d12a77c2eb');
  });

  it('stores any text bounded, without controls or lone surrogates, and clean short text as it is', () => {
    const alphabet = ['a', 'Ö', ' ', '"', '\\', '\u0000', '\t', '\n', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\ud83d', '\ude42', '🙂', '…'];
    let seed = 16;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // eslint-disable-next-line no-control-regex -- finding them is the point
    const dirty = /[\u0000-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (let n = 0; n < 5_000; n++) {
      const value = Array.from({ length: Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const max = 1 + Math.floor(random() * 20);
      const stored = auditText(value, max);
      expect(stored.length).toBeLessThanOrEqual(max);
      expect(dirty.test(stored)).toBe(false);
      expect(auditText(stored, max)).toBe(stored);
      if (value.length <= max && !dirty.test(value)) expect(stored).toBe(value);
    }
  });
});

describe('GroupCommitAuditSink: one request never fails another', () => {
  /** Records each inner write; fails any write that holds an entry of a poisoned request. */
  class FakeSink implements AuditSink {
    writes: string[][] = [];
    written: string[] = [];
    private release: (() => void) | null = null;
    private gate: Promise<void> | null = null;
    hold(): void {
      this.gate = new Promise((resolve) => (this.release = resolve));
    }
    open(): void {
      this.release?.();
      this.gate = null;
    }
    async write(batch: AuditEntryInput[]): Promise<void> {
      const ids = batch.map((e) => e.requestId);
      this.writes.push(ids);
      if (this.gate) await this.gate;
      if (ids.some((id) => id.startsWith('poison'))) throw new Error('cannot write');
      this.written.push(...ids);
    }
  }

  it('retries each request of a failed group on its own, in order, and fails only the bad one', async () => {
    const inner = new FakeSink();
    const sink = new GroupCommitAuditSink(inner);
    inner.hold();
    const first = sink.write([entry('a1')]);
    // These queue behind the write in flight and go together in the next group.
    const b = sink.write([entry('b1'), entry('b2')]);
    const poison = sink.write([entry('poison1')]);
    const c = sink.write([entry('c1')]);
    inner.open();
    await first;
    await expect(b).resolves.toBeUndefined();
    await expect(poison).rejects.toThrow('cannot write');
    await expect(c).resolves.toBeUndefined();
    expect(inner.writes).toEqual([['a1'], ['b1', 'b2', 'poison1', 'c1'], ['b1', 'b2'], ['poison1'], ['c1']]);
    expect(inner.written).toEqual(['a1', 'b1', 'b2', 'c1']);
  });

  it('writes a group that succeeds in one call, and a lone request fails with its own error once', async () => {
    const inner = new FakeSink();
    const sink = new GroupCommitAuditSink(inner);
    inner.hold();
    const first = sink.write([entry('a1')]);
    const rest = [sink.write([entry('b1')]), sink.write([entry('c1')])];
    inner.open();
    await Promise.all([first, ...rest]);
    expect(inner.writes).toEqual([['a1'], ['b1', 'c1']]);
    await expect(sink.write([entry('poison2')])).rejects.toThrow('cannot write');
    expect(inner.writes).toHaveLength(3);
  });
});

describe('GroupCommitAuditSink on the database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
  });
  afterAll(() => database?.close());

  async function verifyStoredChain() {
    const rows = (await database.db.select().from(entries).orderBy(asc(entries.seq))) as ChainedEntry[];
    const state = verifyChain(rows, GENESIS_HASH, 1);
    const [head] = await database.db.select().from(chainHead);
    return { rows, ok: state.ok && verifyChainEnd(state, head!.seq, head!.hash).ok, reason: state.reason };
  }

  it('writes the other requests of a group whose statement fails, and the chain verifies', async () => {
    const db = new DbAuditSink(database.db);
    const sink = new GroupCommitAuditSink(db);
    const first = sink.write([entry('db-a')]);
    // An actor kind the column's enum does not know fails the combined INSERT in the database.
    const bad = sink.write([entry('db-bad', { actorKind: 'ROBOT' as never })]);
    const others = [sink.write([entry('db-b1'), entry('db-b2')]), sink.write([entry('db-c')])];
    await first;
    await expect(bad).rejects.toThrow();
    await Promise.all(others);
    const { rows, ok, reason } = await verifyStoredChain();
    expect(reason).toBeNull();
    expect(ok).toBe(true);
    expect(rows.map((r) => r.requestId)).toEqual(['db-a', 'db-b1', 'db-b2', 'db-c']);
  });

  it('stores hostile text bounded and clean, and the stored row is what was hashed', async () => {
    const sink = new GroupCommitAuditSink(new DbAuditSink(database.db));
    await sink.write([
      entry('db-hostile', {
        operationName: `Op${'x'.repeat(1_000_000)}`,
        entityId: `\u0000${'é'.repeat(1_000_000)}`,
        reason: 'line\nbreak\u0000nul \ud800',
        clientId: 'not-a-uuid',
        unitId: CLIENT,
      }),
    ]);
    const { rows, ok } = await verifyStoredChain();
    expect(ok).toBe(true);
    const row = rows.find((r) => r.requestId === 'db-hostile')!;
    expect(row.operationName).toHaveLength(AUDIT_TEXT_LIMITS.operationName);
    expect(row.entityId!.startsWith('\uFFFDé')).toBe(true);
    expect(row.reason).toBe('line break\uFFFDnul \uFFFD');
    expect(row.clientId).toBeNull();
    expect(row.unitId).toBe(CLIENT.toLowerCase());
  });

  it('stores every column of a group of requests as given: runs of shared columns, nulls and arrays in their places', async () => {
    const sink = new GroupCommitAuditSink(new DbAuditSink(database.db));
    const inputs = [
      entry('mixed-1', { organisationId: CLIENT, unitId: CLIENT, clientId: CLIENT, fields: ['a"b', 'c,d'], reason: 'why' }),
      entry('mixed-1', { organisationId: CLIENT, unitId: CLIENT, clientId: null, entityId: 'mixed-1b', fields: ['a"b', 'c,d'] }),
      entry('mixed-2', { actorRole: 'AUDITOR', emergency: true, operationName: null, callerAddress: null, categories: [] }),
      entry('mixed-1', { organisationId: CLIENT, unitId: CLIENT, clientId: CLIENT, fields: ['a"b', 'c,d'], outcome: 'ALLOWED' }),
    ];
    const inFlight = sink.write([entry('mixed-0')]);
    await Promise.all([inFlight, sink.write(inputs.slice(0, 2)), sink.write(inputs.slice(2, 3)), sink.write(inputs.slice(3))]);
    const { rows, ok } = await verifyStoredChain();
    expect(ok).toBe(true);
    const stored = rows.filter((r) => r.requestId.startsWith('mixed-') && r.requestId !== 'mixed-0');
    const pick = (r: AuditEntryInput) => ({ ...r, at: r.at.toISOString() });
    expect(stored.map((r) => pick(Object.fromEntries(Object.keys(inputs[0]!).map((k) => [k, r[k as keyof ChainedEntry]])) as unknown as AuditEntryInput))).toEqual(
      inputs.map((i) => pick({ ...storedForm(i), clientId: i.clientId?.toLowerCase() ?? null, organisationId: i.organisationId?.toLowerCase() ?? null, unitId: i.unitId?.toLowerCase() ?? null })),
    );
  });

  it('keeps the success path at one append per group: no statement more than a single write', async () => {
    const sink = new GroupCommitAuditSink(new DbAuditSink(database.db));
    let start = database.statements.count;
    await sink.write([entry('count-a')]);
    // The first write reads the head under its lock (two statements); then the sink knows the head it wrote.
    expect(database.statements.count - start).toBe(2);
    start = database.statements.count;
    await sink.write([entry('count-a2')]);
    const single = database.statements.count - start;
    expect(single).toBe(1);
    start = database.statements.count;
    // One write in flight; three more queue behind it and go as one group.
    const inFlight = sink.write([entry('count-b')]);
    await Promise.all([inFlight, sink.write([entry('count-c')]), sink.write([entry('count-d')]), sink.write([entry('count-e')])]);
    expect(database.statements.count - start).toBe(2 * single);
    expect((await verifyStoredChain()).ok).toBe(true);
  });

  it('chains from the head it last wrote in one statement, and falls back to the lock when another writer moved it', async () => {
    const mine = new DbAuditSink(database.db);
    const other = new DbAuditSink(database.db);
    await mine.write([entry('opt-1')]); // locked: learns the head
    await other.write([entry('opt-2'), entry('opt-3')]); // moves the head behind mine's back
    const start = database.statements.count;
    await mine.write([entry('opt-4')]); // its one statement fails as a whole, then the locked path
    expect(database.statements.count - start).toBe(3);
    // After a miss the lock is used for eight writes (other appenders are busy), then the single statement again.
    let before = database.statements.count;
    for (let i = 0; i < 8; i++) await mine.write([entry(`opt-locked-${i}`)]);
    expect(database.statements.count - before).toBe(16);
    before = database.statements.count;
    await mine.write([entry('opt-5')]);
    expect(database.statements.count - before).toBe(1);
    const chain = await verifyStoredChain();
    expect(chain.ok).toBe(true);
    const rows = await database.db.select({ entityId: entries.entityId, seq: entries.seq }).from(entries).where(inArray(entries.entityId, ['opt-1', 'opt-2', 'opt-3', 'opt-4', 'opt-5'])).orderBy(entries.seq);
    expect(rows.map((r) => r.entityId)).toEqual(['opt-1', 'opt-2', 'opt-3', 'opt-4', 'opt-5']);
  });

  it('many sinks racing on the single-statement path keep the chain gapless and valid', async () => {
    const sinks = Array.from({ length: 4 }, () => new DbAuditSink(database.db));
    for (const [i, sink] of sinks.entries()) await sink.write([entry(`race-warm-${i}`)]);
    await Promise.all(Array.from({ length: 40 }, (_, i) => sinks[i % 4]!.write([entry(`race-${i}`), entry(`race-${i}-b`)])));
    expect((await verifyStoredChain()).ok).toBe(true);
  });
});
