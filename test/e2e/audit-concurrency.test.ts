import { type AuditEntryInput, DbAuditSink } from '@vartija/kit';
import { startTestStack, type TestStack } from '../testkit';

const entry = (i: number, writer: number): AuditEntryInput => ({
  at: new Date(),
  requestId: `concurrency-${writer}-${i}`,
  operationName: null,
  subgraph: `writer-${writer}`,
  actorKind: 'SYSTEM',
  actorId: 'concurrency-test',
  actorRole: null,
  organisationId: null,
  unitId: null,
  clientId: null,
  entityType: 'Test',
  entityId: String(i),
  action: 'READ',
  outcome: 'ALLOWED',
  fields: ['x'],
  categories: ['IDENTITY'],
  purpose: null,
  emergency: false,
  callerAddress: null,
  reason: null,
});

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

describe('several writers append to one chain', () => {
  it('keeps seq gapless and the chain valid when many batches are written at once', async () => {
    // On PostgreSQL the pool runs these transactions on separate connections, as separate subgraph
    // processes would; the row lock on the chain head orders them.
    const writers = [new DbAuditSink(t.database.db), new DbAuditSink(t.database.db), new DbAuditSink(t.database.db)];
    await Promise.all(Array.from({ length: 60 }, (_, i) => writers[i % 3]!.write([entry(i, i % 3), entry(i + 1000, i % 3)])));
    const result = await t.execute<{ verifyAuditChain: { ok: boolean; checkedEntries: number; reason: string | null } }>({
      as: 'dpo',
      query: '{ verifyAuditChain { ok checkedEntries reason } }',
    });
    expect(result.data?.verifyAuditChain).toMatchObject({ ok: true, reason: null });
    expect(result.data!.verifyAuditChain.checkedEntries).toBeGreaterThanOrEqual(120);
  });
});
