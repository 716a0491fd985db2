import { applyRetention } from '@vartija/audit';
import { entries, retentionRuns } from '@vartija/db';
import { type AuditEntryInput, DbAuditSink, rowsOf } from '@vartija/kit';
import { asc, desc, eq, lt, sql } from 'drizzle-orm';
import { ClientPageDocument } from '../generated/graphql';
import { DEMO, startTestStack, type TestStack } from '../testkit';

/**
 * The retention job removes entries older than the retention period (12 years) through
 * audit.apply_retention, records the run, logs itself into the chain, and the chain still verifies.
 */

let t: TestStack;
const db = () => t.database.db;
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function oldEntry(at: Date, i: number): AuditEntryInput {
  return {
    at,
    requestId: `old-request-${i}`,
    operationName: 'ClientPage',
    subgraph: 'clients',
    actorKind: 'USER',
    actorId: DEMO.users['sw-child'].id,
    actorRole: 'SOCIAL_WORKER',
    organisationId: DEMO.organisations.region.id,
    unitId: DEMO.units['child-welfare'].id,
    clientId: DEMO.clients.childWelfareOpen,
    entityType: 'Client',
    entityId: DEMO.clients.childWelfareOpen,
    action: 'READ',
    outcome: 'ALLOWED',
    fields: ['displayName'],
    categories: ['IDENTITY'],
    purpose: 'CLIENT_WORK',
    emergency: false,
    callerAddress: '127.0.0.1',
    reason: null,
  };
}

interface Verification {
  ok: boolean;
  checkedEntries: number;
  firstBadSeq: number | null;
  reason: string | null;
  fromSeq: number | null;
}
async function verify(): Promise<Verification> {
  const res = await t.execute<{ verifyAuditChain: Verification }>({
    as: 'dpo',
    query: `{ verifyAuditChain { ok checkedEntries firstBadSeq reason fromSeq } }`,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.verifyAuditChain;
}

beforeAll(async () => {
  t = await startTestStack();
  // The log is written in time order, so the old entries go first: 5 from 13 years ago (past the
  // retention period), 2 from 11 years ago (kept), then today's use through the gateway.
  const sink = new DbAuditSink(db());
  const now = Date.now();
  await sink.write([0, 1, 2, 3, 4].map((i) => oldEntry(new Date(now - 13 * YEAR_MS + i * 1000), i)));
  await sink.write([5, 6].map((i) => oldEntry(new Date(now - 11 * YEAR_MS + i * 1000), i)));
  for (let i = 0; i < 2; i += 1) {
    const page = await t.execute({ as: 'sw-child', query: ClientPageDocument, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(page.errors).toBeUndefined();
  }
});
afterAll(() => t?.close());

describe('audit retention', () => {
  it('removes the entries past the retention period, records the run and logs itself', async () => {
    expect(await verify()).toMatchObject({ ok: true, fromSeq: 1 });
    const [oldest] = await db().select().from(entries).orderBy(asc(entries.seq)).limit(1);
    expect(oldest?.seq).toBe(1);
    const fifth = (await db().select().from(entries).where(eq(entries.seq, 5)))[0]!;

    const result = await applyRetention(db());
    expect(result).toMatchObject({ removed: 5, firstKeptSeq: 6, firstKeptPrevHash: fifth.hash });
    expect(Date.now() - result.cutoff.getTime()).toBeGreaterThan(11.9 * YEAR_MS);

    // The old entries are gone; the 11-year-old ones and today's remain.
    const [kept] = await db().select().from(entries).orderBy(asc(entries.seq)).limit(1);
    expect(kept?.seq).toBe(6);
    expect(await db().select().from(entries).where(lt(entries.at, result.cutoff))).toEqual([]);

    const runs = await db().select().from(retentionRuns);
    expect(runs).toEqual([
      expect.objectContaining({ cutoff: result.cutoff, removedCount: 5, firstKeptSeq: 6, firstKeptPrevHash: fifth.hash }),
    ]);

    const [system] = await db().select().from(entries).orderBy(desc(entries.seq)).limit(1);
    expect(system).toMatchObject({
      actorKind: 'SYSTEM',
      actorId: 'retention-job',
      entityType: 'AuditLog',
      action: 'DELETE',
      outcome: 'ALLOWED',
      purpose: 'LOG_RETENTION',
    });
    expect(system!.reason).toMatch(/removed 5 entries/);

    // The chain verifies from the first kept entry on, the job's own entry included.
    const verification = await verify();
    expect(verification).toMatchObject({ ok: true, fromSeq: 6, firstBadSeq: null });
    expect(verification.checkedEntries).toBe(system!.seq - 5);
  });

  it('shows the run to auditors', async () => {
    const res = await t.execute<{ auditEntries: { nodes: { actorKind: string; action: string; entityType: string }[] } }>({
      as: 'dpo',
      query: `{ auditEntries(filter: { action: DELETE }) { nodes { actorKind action entityType } } }`,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.auditEntries.nodes).toEqual([{ actorKind: 'SYSTEM', action: 'DELETE', entityType: 'AuditLog' }]);
  });

  it('records a run that removes nothing, and the chain still verifies', async () => {
    const result = await applyRetention(db());
    expect(result.removed).toBe(0);
    expect(result.firstKeptSeq).toBe(6);
    expect(await db().select().from(retentionRuns)).toHaveLength(2);
    expect(await verify()).toMatchObject({ ok: true, fromSeq: 6 });
  });

  it('detects an entry deleted just after the kept start', async () => {
    const sixth = (await db().select().from(entries).where(eq(entries.seq, 6)))[0]!;
    await db().execute(sql`ALTER TABLE audit.entries DISABLE TRIGGER USER`);
    try {
      await db().execute(sql`DELETE FROM audit.entries WHERE seq = 6`);
    } finally {
      await db().execute(sql`ALTER TABLE audit.entries ENABLE TRIGGER USER`);
    }
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 6 });
    await db().insert(entries).values(sixth);
    expect((await verify()).ok).toBe(true);
  });

  it('keeps the retention exemption inside apply_retention: the same transaction cannot delete afterwards', async () => {
    const cutoff = new Date(Date.now() - 12 * YEAR_MS).toISOString();
    let message = '';
    try {
      await db().transaction(async (tx) => {
        await tx.execute(sql`SELECT * FROM audit.apply_retention(${cutoff}::timestamptz)`);
        await tx.execute(sql`DELETE FROM audit.entries WHERE seq = 6`);
      });
    } catch (error) {
      let root = error as { cause?: unknown; message: string };
      while (root.cause) root = root.cause as typeof root;
      message = root.message;
    }
    expect(message).toMatch(/append-only: DELETE refused/);
    expect(await db().select().from(entries).where(eq(entries.seq, 6))).toHaveLength(1);
  });

  it('refuses a cutoff younger than the retention floor the database keeps (audit.retention_policy), whoever calls it', async () => {
    const before = await db().select().from(entries);
    const refused: string[] = [];
    for (const query of [sql`SELECT * FROM audit.apply_retention(now())`, sql`SELECT * FROM audit.apply_retention(now() - interval '11 years')`]) {
      try {
        await db().execute(query);
      } catch (error) {
        let root = error as { cause?: unknown; message: string };
        while (root.cause) root = root.cause as typeof root;
        refused.push(root.message);
      }
    }
    expect(refused).toEqual([expect.stringMatching(/younger than the retention period \(12 years/), expect.stringMatching(/younger than the retention period/)]);
    expect(await db().select().from(entries)).toHaveLength(before.length);
  });

  it('refuses a cutoff in the future and changes to the record of runs', async () => {
    const failures: string[] = [];
    for (const query of [
      sql`SELECT * FROM audit.apply_retention(now() + interval '1 day')`,
      sql`UPDATE audit.retention_runs SET removed_count = 0`,
      sql`DELETE FROM audit.retention_runs`,
    ]) {
      try {
        await db().execute(query);
      } catch (error) {
        let root = error as { cause?: unknown; message: string };
        while (root.cause) root = root.cause as typeof root;
        failures.push(root.message);
      }
    }
    expect(failures).toEqual([
      expect.stringMatching(/must be in the past/),
      expect.stringMatching(/audit\.retention_runs is append-only: UPDATE refused/),
      expect.stringMatching(/audit\.retention_runs is append-only: DELETE refused/),
    ]);
    const [runs] = rowsOf<{ n: number }>(await db().execute(sql`SELECT count(*)::int AS n FROM audit.retention_runs WHERE removed_count = 5`));
    expect(runs?.n).toBe(1);
  });
});
