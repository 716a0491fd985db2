import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyRetention, createAuditSubgraph, createCheckpoint } from '@vartija/audit';
import { entries, retentionRuns } from '@vartija/db';
import {
  type AuditCheckpoint,
  AuditCheckpoints,
  type AuditEntryInput,
  chainHash,
  checkpointName,
  DbAuditSink,
  DirectoryCheckpointStore,
  generateCheckpointKey,
  rowsOf,
} from '@vartija/kit';
import { asc, eq, gte, type SQL, sql } from 'drizzle-orm';
import { ClientPageDocument } from '../generated/graphql';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

/**
 * Signed checkpoints anchor the access log outside the database (issue 10, item 4). The owner of the
 * database can cut the newest entries and set the chain head back, or rewrite entries and recompute
 * every hash after them: the chain alone still verifies. A checkpoint (the head's seq and hash, signed
 * with a key the database does not hold, in a directory it does not hold) makes both show.
 */

interface Verification {
  ok: boolean;
  checkedEntries: number;
  firstBadSeq: number | null;
  firstBadAt: string | null;
  reason: string | null;
  checkpoint: { seq: number; at: string; entryAt: string; keyId: string; verified: boolean } | null;
  checkpointsChecked: number;
  invalidCheckpoints: number;
}

const VERIFY = `query ($from: DateTime, $to: DateTime) {
  verifyAuditChain(from: $from, to: $to) {
    ok checkedEntries firstBadSeq firstBadAt reason checkpoint { seq at entryAt keyId verified } checkpointsChecked invalidCheckpoints
  }
}`;

async function verify(t: TestStack, as = 'dpo', range: { from?: string; to?: string } = {}): Promise<Verification> {
  const res = await t.execute<{ verifyAuditChain: Verification }>({ as, query: VERIFY, variables: range });
  expect(res.errors).toBeUndefined();
  return res.data!.verifyAuditChain;
}

const CHECKPOINT = `mutation { createAuditCheckpoint { seq at entryAt keyId created } }`;

/** The tampering an owner or superuser can do: the append-only triggers off, the change, on again. */
async function asAttacker(t: TestStack, change: () => Promise<unknown>) {
  await t.database.db.execute(sql`ALTER TABLE audit.entries DISABLE TRIGGER USER`);
  try {
    await change();
  } finally {
    await t.database.db.execute(sql`ALTER TABLE audit.entries ENABLE TRIGGER USER`);
  }
}

const headOf = async (t: TestStack) =>
  rowsOf<{ seq: string | number; hash: string }>(await t.database.db.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = 'main'`)).map(
    (r) => ({ seq: Number(r.seq), hash: r.hash }),
  )[0]!;
const rowAt = async (t: TestStack, seq: number) => (await t.database.db.select().from(entries).where(eq(entries.seq, seq)))[0]!;
const tailFrom = (t: TestStack, seq: number) => t.database.db.select().from(entries).where(gte(entries.seq, seq)).orderBy(asc(entries.seq));
const setHead = (t: TestStack, seq: number, hash: string) =>
  t.database.db.execute(sql`UPDATE audit.chain_head SET seq = ${seq}, hash = ${hash} WHERE id = 'main'`);

/** Puts the log back as it was: whatever is now from the first saved seq on goes, the saved rows return. */
async function restoreTail(t: TestStack, saved: (typeof entries.$inferSelect)[]) {
  const first = saved[0]!.seq;
  const last = saved.at(-1)!;
  await asAttacker(t, async () => {
    await t.database.db.execute(sql`DELETE FROM audit.entries WHERE seq >= ${first}`);
    await t.database.db.insert(entries).values(saved);
  });
  await setHead(t, last.seq, last.hash);
}

const exec = (t: TestStack, query: SQL) => t.database.db.execute(query);

async function readClients(t: TestStack) {
  for (const id of [DEMO.clients.childWelfareOpen, DEMO.clients.childAndFamily]) {
    const page = await t.execute({ as: 'sw-child', query: ClientPageDocument, variables: { id } });
    expect(page.errors).toBeUndefined();
  }
}

async function newCheckpoints(dir: string, intervalMs = 0): Promise<AuditCheckpoints> {
  return AuditCheckpoints.create({ store: new DirectoryCheckpointStore(dir), signingJwk: await generateCheckpointKey('test'), intervalMs });
}

describe('checkpoints made on demand, and what they reveal', () => {
  let t: TestStack;
  let dir: string;
  let checkpoints: AuditCheckpoints;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vartija-checkpoints-'));
    checkpoints = await newCheckpoints(dir);
    t = await startTestStack({ auditCheckpoints: checkpoints });
    await readClients(t);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports no checkpoint before the first one', async () => {
    expect(await verify(t)).toMatchObject({ ok: true, checkpoint: null, checkpointsChecked: 0, invalidCheckpoints: 0 });
  });

  it('lets an auditor and the registrar checkpoint the head, refuses others, and logs each', async () => {
    const head = await headOf(t);
    const made = await t.execute<{ createAuditCheckpoint: { seq: number; keyId: string; created: boolean } }>({ as: 'dpo', query: CHECKPOINT });
    expect(made.errors).toBeUndefined();
    expect(made.data!.createAuditCheckpoint).toMatchObject({ seq: head.seq, keyId: checkpoints.keyIds[0], created: true });
    expect((await checkpoints.list()).map((r) => r.seq)).toEqual([head.seq]);

    const byRegistrar = await t.execute<{ createAuditCheckpoint: { seq: number } }>({ as: 'admin', query: CHECKPOINT });
    expect(byRegistrar.errors).toBeUndefined();
    // The auditor's mutation was logged after its checkpoint: the head moved by that entry.
    expect(byRegistrar.data!.createAuditCheckpoint.seq).toBe(head.seq + 1);

    const refused = await t.execute({ as: 'sw-child', query: CHECKPOINT });
    expect(codesOf(refused)).toEqual(['FORBIDDEN']);
    expect(await checkpoints.list()).toHaveLength(2);

    const logged = await t.database.db.select().from(entries).where(eq(entries.entityId, 'createAuditCheckpoint')).orderBy(asc(entries.seq));
    expect(logged.map((e) => [e.actorId, e.action, e.outcome])).toEqual([
      [DEMO.users.dpo.id, 'CREATE', 'ALLOWED'],
      [DEMO.users.admin.id, 'CREATE', 'ALLOWED'],
      [DEMO.users['sw-child'].id, 'CREATE', 'DENIED'],
    ]);
  });

  it('verifies the chain against every checkpoint', async () => {
    const [, newest] = await checkpoints.list();
    const result = await verify(t);
    expect(result).toMatchObject({ ok: true, reason: null, checkpointsChecked: 2, invalidCheckpoints: 0 });
    expect(result.checkpoint).toMatchObject({ seq: newest!.seq, verified: true, keyId: checkpoints.keyIds[0] });
  });

  it('detects the newest entries cut and the chain head set back, which the chain alone does not', async () => {
    await readClients(t);
    const made = await createCheckpoint(t.database.db, checkpoints);
    const checkpointed = made.checkpoint.seq;
    const keep = checkpointed - 3;
    const saved = await tailFrom(t, keep + 1);
    const kept = await rowAt(t, keep);

    await asAttacker(t, () => exec(t, sql`DELETE FROM audit.entries WHERE seq > ${keep}`));
    await setHead(t, keep, kept.hash);

    const result = await verify(t);
    expect(result).toMatchObject({ ok: false, firstBadSeq: keep + 1, firstBadAt: null });
    expect(result.reason).toMatch(new RegExp(`entries ${keep + 1}–${checkpointed} are missing: the log ends at entry ${keep}`));
    expect(result.reason).toMatch(/checkpoint signed .* holds entry .*removed and the chain head set back/);
    expect(result.checkpoint).toMatchObject({ seq: checkpointed, verified: false });
    // The auditor of another organisation learns the same: nobody's content remains in a missing entry.
    // (after the first verification's own entry, appended at the cut head).
    const other = await verify(t, 'dpo-b');
    expect(other).toMatchObject({ ok: false, firstBadSeq: keep + 2 });
    expect(other.reason).toMatch(/are missing: the log ends at entry/);
    // No checkpoint is signed over a log that contradicts one.
    const refused = await t.execute({ as: 'dpo', query: CHECKPOINT });
    expect(codesOf(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.message).toMatch(/No checkpoint was made: .*(removed|no longer has the hash)/);

    await restoreTail(t, saved);
    expect(await verify(t)).toMatchObject({ ok: true, checkpoint: { seq: checkpointed, verified: true } });
  });

  it('detects the last entry rewritten with its hash and the head recomputed', async () => {
    // The auditor's own query is the newest entry when the checkpoint is signed.
    expect((await t.execute({ as: 'dpo', query: '{ auditEntries(first: 1) { totalCount } }' })).errors).toBeUndefined();
    const { checkpoint } = await createCheckpoint(t.database.db, checkpoints);
    const last = await rowAt(t, checkpoint.seq);
    expect(last.actorId).toBe(DEMO.users.dpo.id);
    const forged = { ...last, reason: 'nothing to see here' };
    const forgedHash = chainHash(last.prevHash, last.seq, forged);
    await asAttacker(t, () => exec(t, sql`UPDATE audit.entries SET reason = ${forged.reason}, hash = ${forgedHash} WHERE seq = ${last.seq}`));
    await setHead(t, last.seq, forgedHash);

    const result = await verify(t);
    expect(result).toMatchObject({ ok: false, firstBadSeq: last.seq, firstBadAt: last.at.toISOString() });
    expect(result.reason).toMatch(new RegExp(`entry ${last.seq} does not have the hash signed in the checkpoint of .*: the log was rewritten`));
    // Another organisation's auditor is told of the rewrite without the entry being named.
    const other = await verify(t, 'dpo-b');
    expect(other).toMatchObject({ ok: false, firstBadSeq: null, firstBadAt: null });
    expect(other.reason).toMatch(/outside your organisation's part of the log.* does not have the hash signed in the checkpoint/);

    // The verifications appended entries after the forged one: put the original back and continue from it.
    const appended = await tailFrom(t, last.seq + 1);
    await restoreTail(t, [last]);
    const relinked = appended.reduce<(typeof entries.$inferSelect)[]>((chain, row) => {
      const prev = chain.at(-1) ?? last;
      return [...chain, { ...row, prevHash: prev.hash, hash: chainHash(prev.hash, row.seq, row) }];
    }, []);
    if (relinked.length) await restoreTail(t, relinked);
    expect((await verify(t)).ok).toBe(true);
  });

  it('detects an entry in the middle rewritten with every later hash recomputed', async () => {
    await readClients(t);
    const { checkpoint } = await createCheckpoint(t.database.db, checkpoints);
    const target = checkpoint.seq - 4;
    const saved = await tailFrom(t, target);
    // The whole rest of the chain, consistent again: only a checkpoint can tell.
    let prevHash = saved[0]!.prevHash;
    const rewritten = saved.map((row, i) => {
      const changed = i === 0 ? { ...row, fields: [] as string[], categories: [] as string[] } : row;
      const next = { ...changed, prevHash, hash: chainHash(prevHash, row.seq, changed) };
      prevHash = next.hash;
      return next;
    });
    await restoreTail(t, rewritten);

    const result = await verify(t);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/does not have the hash signed in the checkpoint of .*: the log was rewritten at or before it, after entry \d+/);
    expect(result.checkpoint).toMatchObject({ seq: checkpoint.seq, verified: false });

    await restoreTail(t, saved);
    expect((await verify(t)).ok).toBe(true);
  });

  it('reports checkpoint files that are not validly signed', async () => {
    const [ref] = (await checkpoints.list()).slice(-1);
    const file = JSON.parse(await readFile(path.join(dir, ref!.name), 'utf8')) as { jws: string; hash: string; seq: number };
    // A forger without the key: a newer checkpoint with a made-up hash and the old signature.
    const [header, payload, signature] = file.jws.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const head = await headOf(t);
    const fake = { ...claims, seq: head.seq, hash: 'f'.repeat(64) };
    const forgedName = checkpointName(head.seq, new Date());
    await writeFile(
      path.join(dir, forgedName),
      JSON.stringify({ ...file, seq: head.seq, hash: fake.hash, jws: `${header}.${Buffer.from(JSON.stringify(fake)).toString('base64url')}.${signature}` }),
    );
    let result = await verify(t);
    expect(result).toMatchObject({ ok: false, invalidCheckpoints: 1 });
    expect(result.reason).toBe(`checkpoint ${forgedName} cannot be trusted: its signature does not verify: it was forged or altered`);

    // One signed with the forger's own key.
    const stranger = await newCheckpoints(dir);
    const strangers: AuditCheckpoint = await stranger.write({ seq: head.seq, hash: 'e'.repeat(64), entryAt: new Date() });
    result = await verify(t);
    expect(result).toMatchObject({ ok: false, invalidCheckpoints: 2 });
    expect(result.reason).toMatch(/^2 checkpoint files cannot be trusted/);

    await rm(path.join(dir, forgedName));
    await rm(path.join(dir, strangers.name));
    expect(await verify(t)).toMatchObject({ ok: true, invalidCheckpoints: 0 });
  });

  it('checkpoints periodically in the audit subgraph process', async () => {
    const periodicDir = await mkdtemp(path.join(os.tmpdir(), 'vartija-checkpoints-periodic-'));
    try {
      const periodic = await newCheckpoints(periodicDir, 100);
      const subgraph = await createAuditSubgraph({ database: t.database, verifier: { verify: () => Promise.reject(new Error('unused')) } as never, auditCheckpoints: periodic });
      try {
        const waitFor = async (count: number) => {
          for (let i = 0; i < 100 && (await periodic.list()).length < count; i += 1) await new Promise((r) => setTimeout(r, 50));
          return periodic.list();
        };
        const first = await waitFor(1);
        expect(first.map((r) => r.seq)).toEqual([(await headOf(t)).seq]);
        // Nothing new while the head stands still; a new checkpoint once it moves.
        await new Promise((r) => setTimeout(r, 300));
        expect(await periodic.list()).toHaveLength(1);
        await readClients(t);
        const second = await waitFor(2);
        expect(second.length).toBeGreaterThanOrEqual(2);
        expect(second[1]!.seq).toBeGreaterThan(second[0]!.seq);
        expect((await Promise.all(second.map((ref) => periodic.read(ref)))).every((r) => r.valid)).toBe(true);
      } finally {
        await subgraph.stop();
      }
      const after = (await readdir(periodicDir)).length;
      await readClients(t);
      await new Promise((r) => setTimeout(r, 300));
      expect((await readdir(periodicDir)).length).toBe(after); // stopped with the subgraph
    } finally {
      await rm(periodicDir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints and retention', () => {
  const YEAR_MS = 365.25 * 24 * 3600 * 1000;
  let t: TestStack;
  let dir: string;
  let checkpoints: AuditCheckpoints;

  const oldEntry = (at: Date, i: number): AuditEntryInput => ({
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
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vartija-checkpoints-retention-'));
    checkpoints = await newCheckpoints(dir);
    t = await startTestStack({ auditCheckpoints: checkpoints });
    // As in audit-retention.test.ts: 5 entries past the retention period, 2 within it, then today's use;
    // a checkpoint after each group.
    const sink = new DbAuditSink(t.database.db);
    const now = Date.now();
    await sink.write([0, 1, 2, 3, 4].map((i) => oldEntry(new Date(now - 13 * YEAR_MS + i * 1000), i)));
    await createCheckpoint(t.database.db, checkpoints);
    await sink.write([5, 6].map((i) => oldEntry(new Date(now - 11 * YEAR_MS + i * 1000), i)));
    await createCheckpoint(t.database.db, checkpoints);
    await readClients(t);
    await createCheckpoint(t.database.db, checkpoints);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('raises no alarm for a checkpoint of entries the retention job removed', async () => {
    expect((await checkpoints.list()).map((r) => r.seq).slice(0, 2)).toEqual([5, 7]);
    expect(await verify(t)).toMatchObject({ ok: true, checkpointsChecked: 3 });
    const result = await applyRetention(t.database.db);
    expect(result).toMatchObject({ removed: 5, firstKeptSeq: 6 });

    const verification = await verify(t);
    expect(verification).toMatchObject({ ok: true, reason: null, invalidCheckpoints: 0 });
    // The checkpoint of entry 5 (removed) still binds the kept start: entry 6 continues from its hash.
    expect(verification.checkpointsChecked).toBe(3);
    expect(verification.checkpoint).toMatchObject({ verified: true });
    // A time range that starts at the removed entries' time is no different.
    expect((await verify(t, 'dpo', { from: new Date(Date.now() - 14 * YEAR_MS).toISOString() })).ok).toBe(true);
  });

  it('does not let a forged retention record explain away a checkpointed entry within the retention period', async () => {
    // The owner removes entries 6–7 (11 years old: still to be kept) and records a "retention run" for it.
    const seventh = await rowAt(t, 7);
    await asAttacker(t, () => exec(t, sql`DELETE FROM audit.entries WHERE seq IN (6, 7)`));
    await t.database.db.insert(retentionRuns).values({ cutoff: new Date(), removedCount: 2, firstKeptSeq: 8, firstKeptPrevHash: seventh.hash });
    // Without the checkpoint this passes: the chain starts at 8 and continues from the recorded hash.
    const result = await verify(t);
    expect(result).toMatchObject({ ok: false, firstBadSeq: 7 });
    expect(result.reason).toMatch(/entry 7 is missing: the log now starts at entry 8, but the checkpoint signed .* holds entry 7, written .*, which no retention run could lawfully have removed \(it is within the 12-year retention period\)/);
  });
});
