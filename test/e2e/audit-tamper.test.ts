import { entries } from '@vartija/db';
import { type AuditEntryInput, chainHash, DbAuditSink, rowsOf } from '@vartija/kit';
import { eq, type SQL, sql } from 'drizzle-orm';
import { ClientPageDocument } from '../generated/graphql';
import { DEMO, startTestStack, type TestStack } from '../testkit';

/**
 * The access log is append-only in the database and tamper-evident by its hash chain: the trigger
 * refuses UPDATE / DELETE / TRUNCATE for every role, the application role has no such privilege at
 * all, and what an owner or superuser does with the triggers disabled shows in verifyAuditChain.
 */

let t: TestStack;
const db = () => t.database.db;

interface Verification {
  ok: boolean;
  checkedEntries: number;
  firstBadSeq: number | null;
  firstBadAt: string | null;
  reason: string | null;
}

async function verify(range: { from?: string; to?: string } = {}): Promise<Verification> {
  const res = await t.execute<{ verifyAuditChain: Verification }>({
    as: 'dpo',
    query: `query ($from: DateTime, $to: DateTime) { verifyAuditChain(from: $from, to: $to) { ok checkedEntries firstBadSeq firstBadAt reason } }`,
    variables: range,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.verifyAuditChain;
}

/** The database's own error (drizzle wraps it), or null when the statement went through. */
async function dbError(run: () => Promise<unknown>): Promise<{ message: string; code?: string } | null> {
  try {
    await run();
    return null;
  } catch (error) {
    let root = error as { cause?: unknown; message: string; code?: string };
    while (root.cause) root = root.cause as typeof root;
    return { message: root.message, code: root.code };
  }
}

const exec = (query: SQL) => db().execute(query);
const row = async (seq: number) => (await db().select().from(entries).where(eq(entries.seq, seq)))[0]!;
const head = async () => Number(rowsOf<{ seq: string | number }>(await exec(sql`SELECT seq FROM audit.chain_head WHERE id = 'main'`))[0]!.seq);

/** As an owner or superuser attacker would: the triggers off, the change, the triggers on again. */
async function asAttacker(change: () => Promise<unknown>) {
  await exec(sql`ALTER TABLE audit.entries DISABLE TRIGGER USER`);
  try {
    await change();
  } finally {
    await exec(sql`ALTER TABLE audit.entries ENABLE TRIGGER USER`);
  }
}

beforeAll(async () => {
  t = await startTestStack();
  for (const id of [DEMO.clients.childWelfareOpen, DEMO.clients.childAndFamily, DEMO.clients.childWelfareRecentlyEnded]) {
    const page = await t.execute({ as: 'sw-child', query: ClientPageDocument, variables: { id } });
    expect(page.errors).toBeUndefined();
  }
  expect(await head()).toBeGreaterThan(10);
});
afterAll(() => t?.close());

describe('the database refuses changes to the log', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of entries, also for the owner', async () => {
    const seq = Math.floor((await head()) / 2);
    const update = await dbError(() => exec(sql`UPDATE audit.entries SET actor_id = 'someone-else' WHERE seq = ${seq}`));
    expect(update?.message).toMatch(/audit\.entries is append-only: UPDATE refused/);
    const del = await dbError(() => exec(sql`DELETE FROM audit.entries WHERE seq = ${seq}`));
    expect(del?.message).toMatch(/append-only: DELETE refused/);
    const truncate = await dbError(() => exec(sql`TRUNCATE audit.entries`));
    expect(truncate?.message).toMatch(/append-only: TRUNCATE refused/);
    expect(await dbError(() => exec(sql`TRUNCATE audit.retention_runs`))).toMatchObject({ message: expect.stringMatching(/append-only/) });
    expect((await row(seq)).actorId).toBe(DEMO.users['sw-child'].id);
  });

  it('does not let application code unlock deletion by setting the retention flag itself', async () => {
    const seq = Math.floor((await head()) / 2);
    const error = await dbError(() =>
      db().transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL vartija.retention = 'on'`);
        await tx.execute(sql`DELETE FROM audit.entries WHERE seq = ${seq}`);
      }),
    );
    expect(error?.message).toMatch(/append-only: DELETE refused/);
  });

  it('gives the application role vartija_app INSERT and SELECT only', async () => {
    const [role] = rowsOf<{ n: number }>(await exec(sql`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'vartija_app'`));
    expect(role?.n).toBe(1);
    const asApp = (query: SQL) => () =>
      db().transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE vartija_app`);
        await tx.execute(query);
      });
    expect((await dbError(asApp(sql`UPDATE audit.entries SET actor_id = 'x' WHERE seq = 1`)))?.message).toMatch(/permission denied/);
    expect((await dbError(asApp(sql`DELETE FROM audit.entries WHERE seq = 1`)))?.message).toMatch(/permission denied/);
    expect((await dbError(asApp(sql`TRUNCATE audit.entries`)))?.message).toMatch(/permission denied/);
    expect((await dbError(asApp(sql`ALTER TABLE audit.entries DISABLE TRIGGER USER`)))?.message).toMatch(/must be owner|permission denied/);
    expect((await dbError(asApp(sql`SELECT * FROM audit.apply_retention(now() - interval '12 years')`)))?.message).toMatch(/permission denied/);
    expect(await dbError(asApp(sql`SELECT count(*) FROM audit.entries`))).toBeNull();

    // ... and it can append through the chained writer, lock and head update included.
    const before = await head();
    const entry: AuditEntryInput = {
      at: new Date(),
      requestId: 'app-role-check',
      operationName: null,
      subgraph: 'audit',
      actorKind: 'SYSTEM',
      actorId: 'app-role-check',
      actorRole: null,
      organisationId: null,
      unitId: null,
      clientId: null,
      entityType: 'AuditLog',
      entityId: null,
      action: 'READ',
      outcome: 'ALLOWED',
      fields: [],
      categories: [],
      purpose: null,
      emergency: false,
      callerAddress: null,
      reason: null,
    };
    await db().transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL ROLE vartija_app`);
      await new DbAuditSink(db()).write([entry], tx);
    });
    expect(await head()).toBe(before + 1);
    expect((await verify()).ok).toBe(true);
  });
});

describe('verifyAuditChain detects what an attacker past the triggers did', () => {
  it('reports an intact chain first', async () => {
    const result = await verify();
    expect(result).toMatchObject({ ok: true, firstBadSeq: null, firstBadAt: null, reason: null });
    // Everything up to the head as it was; the verification's own entry came after it.
    expect(result.checkedEntries).toBe((await head()) - 1);
  });

  it('names a modified entry', async () => {
    const seq = Math.floor((await head()) / 2);
    const original = await row(seq);
    await asAttacker(() => exec(sql`UPDATE audit.entries SET actor_id = 'someone-else' WHERE seq = ${seq}`));
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBadSeq: seq, firstBadAt: original.at.toISOString() });
    expect(result.reason).toMatch(/modified/);
    // A range that ends before the change does not see it; one around it does.
    const before = new Date(original.at.getTime() - 60_000).toISOString();
    expect((await verify({ to: before })).ok).toBe(true);
    expect(await verify({ from: before })).toMatchObject({ ok: false, firstBadSeq: seq });

    await asAttacker(() => exec(sql`UPDATE audit.entries SET actor_id = ${original.actorId} WHERE seq = ${seq}`));
    expect((await verify()).ok).toBe(true);
  });

  it('names the entry after a modified one whose hash was recomputed', async () => {
    const seq = Math.floor((await head()) / 2) + 1;
    const original = await row(seq);
    const forged = { ...original, fields: [] as string[], categories: [] as string[] };
    await asAttacker(() =>
      exec(sql`UPDATE audit.entries SET fields = '{}', categories = '{}', hash = ${chainHash(original.prevHash, seq, forged)} WHERE seq = ${seq}`),
    );
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBadSeq: seq + 1 });
    expect(result.reason).toMatch(new RegExp(`does not link to entry ${seq}`));
    await asAttacker(() => db().update(entries).set({ fields: original.fields, categories: original.categories, hash: original.hash }).where(eq(entries.seq, seq)));
    expect((await verify()).ok).toBe(true);
  });

  it('names a deleted entry', async () => {
    const seq = Math.floor((await head()) / 3);
    const original = await row(seq);
    await asAttacker(() => exec(sql`DELETE FROM audit.entries WHERE seq = ${seq}`));
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBadSeq: seq, firstBadAt: null });
    expect(result.reason).toMatch(new RegExp(`entry ${seq} is missing`));
    await db().insert(entries).values(original);
    expect((await verify()).ok).toBe(true);
  });

  it('names the last entry deleted from the end of the chain', async () => {
    const seq = await head();
    const original = await row(seq);
    await asAttacker(() => exec(sql`DELETE FROM audit.entries WHERE seq = ${seq}`));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: seq });
    await db().insert(entries).values(original);
    expect((await verify()).ok).toBe(true);
  });

  it('names an inserted entry', async () => {
    const seq = Math.floor((await head()) / 2);
    const original = await row(seq);
    const forged = { ...original, actorId: 'forged', at: new Date(original.at.getTime() + 1) };
    // INSERT is allowed (the log is append-only, not read-only): the chain is what catches this.
    await db().insert(entries).values({ ...forged, hash: chainHash(forged.prevHash, seq, forged) });
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBadSeq: seq });
    expect(result.reason).toMatch(/inserted/);
    await asAttacker(() => exec(sql`DELETE FROM audit.entries WHERE seq = ${seq} AND actor_id = 'forged'`));
    expect((await verify()).ok).toBe(true);
  });
});
