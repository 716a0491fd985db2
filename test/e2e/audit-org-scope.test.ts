import { clients, DEMO, DEMO_PARTNER_TOKEN, entries, organisations } from '@vartija/db';
import { type AuditEntryInput, DbAuditSink, rowsOf } from '@vartija/kit';
import { eq, type SQL, sql } from 'drizzle-orm';
import { ClientPageDocument } from '../generated/graphql';
import { allAuditEntries, startTestStack, type TestStack } from '../testkit';

/**
 * An auditor sees their own organisation's part of the access log (issue 9, finding 7): entries
 * written by its own actors, and entries about its own clients whoever wrote them (the partner's
 * disclosures of the region's clients, another organisation's attempts at them), plus the log's own
 * SYSTEM entries. Never another organisation's use of its own clients, through any audit query.
 */

let t: TestStack;
const db = () => t.database.db;
const REGION = DEMO.organisations.region.id;
const MAJAKKA = DEMO.organisations.majakka.id;
const REGION_CLIENT = DEMO.clients.childWelfareOpen;
const COMMISSIONED = DEMO.clients.majakkaActive[0]!;

/** Another organisation's log, written through the chain writer (stands for any other register). */
const OTHER_ORG = '0a0b0c0d-0000-4000-8000-00000000f0f0';
const OTHER_ACTOR = 'other-org-social-worker';
const OTHER_REQUEST = 'other-org-request-1';
const OTHER_ATTEMPT = 'other-org-attempt-on-region-client';
const OTHER_CLIENT = '0a0b0c0d-0000-4000-8000-00000000c1c1';

/** The seeded second region (sw-b, dpo-b), when the demo world has it. */
const REGION_B = (DEMO.organisations as Record<string, { id: string } | undefined>)['region-b'];
const describeRegionB = REGION_B ? describe : describe.skip;
const SW_B = (DEMO.users as Record<string, { id: string } | undefined>)['sw-b']?.id ?? 'sw-b';

function otherEntry(over: Partial<AuditEntryInput>): AuditEntryInput {
  return {
    at: new Date(),
    requestId: OTHER_REQUEST,
    operationName: 'ClientPage',
    subgraph: 'clients',
    actorKind: 'USER',
    actorId: OTHER_ACTOR,
    actorRole: 'SOCIAL_WORKER',
    organisationId: OTHER_ORG,
    unitId: null,
    clientId: OTHER_CLIENT,
    entityType: 'Client',
    entityId: OTHER_CLIENT,
    action: 'READ',
    outcome: 'ALLOWED',
    fields: ['displayName', 'personalIdentityCode'],
    categories: ['IDENTITY', 'PERSONAL_ID'],
    purpose: 'CLIENT_WORK',
    emergency: false,
    callerAddress: '10.0.0.1',
    reason: null,
    ...over,
  };
}

interface Entry {
  id: string;
  requestId: string;
  actorKind: string;
  actorId: string;
  organisationId: string | null;
  clientId: string | null;
  action: string;
  outcome: string;
}
const ENTRY = 'id requestId actorKind actorId organisationId clientId action outcome';
const entriesAs = (as: string, filter: Record<string, unknown> = {}) => allAuditEntries<Entry>(t, as, ENTRY, filter);

const exec = (query: SQL) => db().execute(query);
const head = async () => Number(rowsOf<{ seq: string | number }>(await exec(sql`SELECT seq FROM audit.chain_head WHERE id = 'main'`))[0]!.seq);
const seqOf = async (requestId: string) => (await db().select({ seq: entries.seq }).from(entries).where(eq(entries.requestId, requestId)))[0]!.seq;

async function asAttacker(change: () => Promise<unknown>) {
  await exec(sql`ALTER TABLE audit.entries DISABLE TRIGGER USER`);
  try {
    await change();
  } finally {
    await exec(sql`ALTER TABLE audit.entries ENABLE TRIGGER USER`);
  }
}

let regionClients: Set<string>;
let swChildRequest: string;
let partnerRequest: string;
let partnerActor: string;

beforeAll(async () => {
  t = await startTestStack();
  regionClients = new Set((await db().select({ id: clients.id }).from(clients).where(eq(clients.organisationId, REGION))).map((c) => c.id));
  expect(regionClients.has(REGION_CLIENT)).toBe(true);
  expect(regionClients.has(OTHER_CLIENT)).toBe(false);

  // The region's own use of its client.
  const page = await t.execute({ as: 'sw-child', query: ClientPageDocument, variables: { id: REGION_CLIENT } });
  expect(page.errors).toBeUndefined();
  swChildRequest = page.headers['x-request-id']!;

  // The partner reads a client the region commissioned to it: a disclosure, logged under majakka.
  const partner = await t.execute({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: COMMISSIONED } });
  expect(partner.errors).toBeUndefined();
  partnerRequest = partner.headers['x-request-id']!;
  const [disclosure] = await db().select().from(entries).where(eq(entries.requestId, partnerRequest));
  expect(disclosure).toMatchObject({ organisationId: MAJAKKA, clientId: COMMISSIONED, action: 'DISCLOSE', actorKind: 'PARTNER' });
  partnerActor = disclosure!.actorId;

  // Another organisation: its own client work, a refusal without a client, and an attempt at the region's client.
  await new DbAuditSink(db()).write([
    otherEntry({}),
    otherEntry({ clientId: null, entityType: 'Document', entityId: null, outcome: 'DENIED', fields: ['body'], categories: ['CASE_RECORD'] }),
    otherEntry({ requestId: OTHER_ATTEMPT, clientId: REGION_CLIENT, entityId: REGION_CLIENT, outcome: 'DENIED', fields: [], categories: [] }),
  ]);
});
afterAll(() => t?.close());

/** Whether an entry belongs to the region's part of the log (the rule under test, from the tables). */
const inRegionPart = (e: Entry) => e.organisationId === REGION || (e.clientId !== null && regionClients.has(e.clientId)) || (e.organisationId === null && e.actorKind === 'SYSTEM');

describe('auditEntries: the region auditor sees the region part of the log only', () => {
  it('lists, pages and counts nothing of another organisation but its attempts at the region clients', async () => {
    const { totalCount, nodes } = await entriesAs('dpo');
    expect(nodes).toHaveLength(totalCount);
    expect(nodes.filter((e) => !inRegionPart(e))).toEqual([]);
    expect(nodes.filter((e) => e.organisationId === OTHER_ORG)).toEqual([
      expect.objectContaining({ requestId: OTHER_ATTEMPT, clientId: REGION_CLIENT, outcome: 'DENIED' }),
    ]);
    // Its own staff's use, and the partner's disclosures of its clients.
    expect(nodes.some((e) => e.requestId === swChildRequest)).toBe(true);
    expect(nodes.filter((e) => e.requestId === partnerRequest)).toEqual([
      expect.objectContaining({ organisationId: MAJAKKA, clientId: COMMISSIONED, action: 'DISCLOSE', actorId: partnerActor }),
    ]);
    // The whole log is larger: the difference is not the auditor's to count.
    expect(totalCount).toBeLessThan(await head());
  });

  it('finds nothing of another organisation by request id, actor or client', async () => {
    expect(await entriesAs('dpo', { requestId: OTHER_REQUEST })).toEqual({ totalCount: 0, nodes: [] });
    expect(await entriesAs('dpo', { clientId: OTHER_CLIENT })).toEqual({ totalCount: 0, nodes: [] });
    // The other organisation's actor: only what it did to the region's client.
    const byActor = await entriesAs('dpo', { actorId: OTHER_ACTOR });
    expect(byActor.totalCount).toBe(1);
    expect(byActor.nodes).toEqual([expect.objectContaining({ requestId: OTHER_ATTEMPT, clientId: REGION_CLIENT })]);
    expect((await entriesAs('dpo', { requestId: swChildRequest })).totalCount).toBeGreaterThan(0);
    expect((await entriesAs('dpo', { actorId: partnerActor })).totalCount).toBeGreaterThan(0);
  });
});

describe('clientAccessReport', () => {
  const REPORT = `query ($id: ID!) { clientAccessReport(clientId: $id) { totalEntries rows { organisationId role actions entries } } }`;
  type Report = { clientAccessReport: { totalEntries: number; rows: { organisationId: string | null; role: string | null; actions: string[]; entries: number }[] } };

  it("shows nothing of another organisation's use of its own client", async () => {
    const res = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: OTHER_CLIENT } });
    expect(res.errors).toBeUndefined();
    // Only the region auditor's own look-ups of that id (logged with it); none of the other organisation's use.
    for (const row of res.data!.clientAccessReport.rows) expect(row).toMatchObject({ organisationId: REGION, role: 'AUDITOR' });
  });

  it("shows the partner's disclosures of a region client", async () => {
    const res = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: COMMISSIONED } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.clientAccessReport.rows).toContainEqual(expect.objectContaining({ organisationId: MAJAKKA, role: 'PARTNER', actions: ['DISCLOSE'] }));
  });
});

describe('auditCountsPerActorDay', () => {
  it("counts only the region part: the other organisation's actor shows with its one attempt at a region client", async () => {
    const res = await t.execute<{ auditCountsPerActorDay: { actorId: string; count: number; clients: number }[] }>({
      as: 'dpo',
      query: `{ auditCountsPerActorDay(first: 1000) { actorId count clients } }`,
    });
    expect(res.errors).toBeUndefined();
    const rows = res.data!.auditCountsPerActorDay;
    expect(rows.find((r) => r.actorId === OTHER_ACTOR)).toEqual({ actorId: OTHER_ACTOR, count: 1, clients: 1 });
    expect(rows.some((r) => r.actorId === DEMO.users['sw-child'].id)).toBe(true);
    expect(rows.some((r) => r.actorId === partnerActor)).toBe(true);
  });
});

describe('auditSample', () => {
  const SAMPLE = `query ($size: Int!, $seed: Int!, $to: DateTime) { auditSample(size: $size, seed: $seed, to: $to) { ${ENTRY} } }`;
  type Sample = { auditSample: Entry[] };

  it('samples the region part only, at full size, reproducibly', async () => {
    const to = new Date().toISOString();
    const population = await entriesAs('dpo', { to });
    const all = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 1000, seed: 7, to } });
    expect(all.errors).toBeUndefined();
    // Everything of the region part, and nothing else: the size tells nothing of the rest of the log.
    expect(all.data!.auditSample.map((e) => e.id).sort()).toEqual(population.nodes.map((e) => e.id).sort());

    for (const seed of [1, 2, 3, 42]) {
      const a = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 5, seed, to } });
      const b = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 5, seed, to } });
      expect(a.data!.auditSample).toHaveLength(5);
      expect(b.data!.auditSample).toEqual(a.data!.auditSample);
      expect(a.data!.auditSample.filter((e) => !inRegionPart(e))).toEqual([]);
    }
  });
});

describe('verifyAuditChain', () => {
  const VERIFY = `{ verifyAuditChain { ok checkedEntries firstBadSeq firstBadAt reason fromSeq toSeq } }`;
  type Verification = { ok: boolean; checkedEntries: number; firstBadSeq: number | null; firstBadAt: string | null; reason: string | null; fromSeq: number | null; toSeq: number | null };
  const verify = async () => {
    const res = await t.execute<{ verifyAuditChain: Verification }>({ as: 'dpo', query: VERIFY });
    expect(res.errors).toBeUndefined();
    return res.data!.verifyAuditChain;
  };

  it("checks the whole chain but counts and names only the region's entries", async () => {
    const own = await entriesAs('dpo');
    const result = await verify();
    // The listing's own log entry was written after it counted.
    expect(result).toMatchObject({ ok: true, checkedEntries: own.totalCount + 1, firstBadSeq: null });
    expect(result.checkedEntries).toBeLessThan(await head());
    expect(own.nodes.map((e) => Number(e.id))).toContain(result.fromSeq);
    const ownIds = (await entriesAs('dpo')).nodes.map((e) => Number(e.id));
    expect(ownIds).toContain(result.toSeq);
  });

  it("reports a change to another organisation's entry without naming it, and names a change to its own", async () => {
    const other = await seqOf(OTHER_REQUEST);
    await asAttacker(() => exec(sql`UPDATE audit.entries SET actor_id = 'someone-else' WHERE seq = ${other}`));
    try {
      const result = await verify();
      expect(result).toMatchObject({ ok: false, firstBadSeq: null, firstBadAt: null });
      expect(result.reason).toMatch(/outside your organisation's part of the log, after entry \d+/);
      expect(result.reason).not.toContain(String(other));
    } finally {
      await asAttacker(() => exec(sql`UPDATE audit.entries SET actor_id = ${OTHER_ACTOR} WHERE seq = ${other}`));
    }
    expect((await verify()).ok).toBe(true);

    const mine = await seqOf(swChildRequest);
    await asAttacker(() => exec(sql`UPDATE audit.entries SET purpose = 'OTHER' WHERE seq = ${mine}`));
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBadSeq: mine, reason: expect.stringMatching(/modified/) });
    } finally {
      await asAttacker(() => exec(sql`UPDATE audit.entries SET purpose = 'CLIENT_WORK' WHERE seq = ${mine}`));
    }
    expect((await verify()).ok).toBe(true);
  });
});

describeRegionB('two regions, each auditor with its own log', () => {
  let swBRequest: string;
  beforeAll(async () => {
    const [org] = await db().select().from(organisations).where(eq(organisations.code, 'region-b'));
    expect(org?.id).toBe(REGION_B!.id);
    const list = await t.execute<{ clients: { nodes: { id: string }[] } }>({ as: 'sw-b', query: `{ clients(first: 3) { nodes { id displayName } } }` });
    expect(list.errors).toBeUndefined();
    expect(list.data!.clients.nodes.length).toBeGreaterThan(0);
    swBRequest = list.headers['x-request-id']!;
  });

  it("dpo sees nothing of sw-b's work, dpo-b sees it and nothing of the region's", async () => {
    expect(await entriesAs('dpo', { requestId: swBRequest })).toEqual({ totalCount: 0, nodes: [] });
    expect(await entriesAs('dpo', { actorId: SW_B })).toEqual({ totalCount: 0, nodes: [] });
    const theirs = await entriesAs('dpo-b', { requestId: swBRequest });
    expect(theirs.totalCount).toBeGreaterThan(0);
    expect(theirs.nodes.every((e) => e.organisationId === REGION_B!.id)).toBe(true);
    expect(await entriesAs('dpo-b', { requestId: swChildRequest })).toEqual({ totalCount: 0, nodes: [] });
    expect(await entriesAs('dpo-b', { requestId: partnerRequest })).toEqual({ totalCount: 0, nodes: [] });
    const all = await entriesAs('dpo-b');
    expect(all.nodes.filter((e) => e.organisationId === REGION || e.organisationId === MAJAKKA || e.organisationId === OTHER_ORG)).toEqual([]);
  });

  it("neither auditor's report or counts show the other region's use", async () => {
    const report = await t.execute<{ clientAccessReport: { totalEntries: number } }>({
      as: 'dpo-b',
      query: `query ($id: ID!) { clientAccessReport(clientId: $id) { totalEntries } }`,
      variables: { id: REGION_CLIENT },
    });
    expect(report.data!.clientAccessReport.totalEntries).toBe(0);
    const counts = async (as: string) =>
      (await t.execute<{ auditCountsPerActorDay: { actorId: string }[] }>({ as, query: `{ auditCountsPerActorDay(first: 1000) { actorId } }` })).data!.auditCountsPerActorDay.map((r) => r.actorId);
    expect(await counts('dpo')).not.toContain(SW_B);
    expect(await counts('dpo-b')).toEqual(expect.arrayContaining([SW_B]));
    expect(await counts('dpo-b')).not.toContain(DEMO.users['sw-child'].id);
  });
  it("a query naming the other region's client writes no entry into that region's log (attack review, session 10)", async () => {
    const B_CLIENT = DEMO.regionB.open;
    const reason = 'tutkinta-xyz';
    const asked = [
      await t.execute({ as: 'sw-child', query: `query ($id: ID!) { clientAccessReport(clientId: $id) { totalEntries } }`, variables: { id: B_CLIENT } }),
      await t.execute({ as: 'dpo', query: `query ($id: ID!) { clientAccessReport(clientId: $id, includeEmployees: true, reason: "${reason}") { totalEntries } }`, variables: { id: B_CLIENT } }),
      await t.execute({ as: 'dpo', query: `query ($id: ID!) { auditEntries(filter: { clientId: $id }) { totalCount } }`, variables: { id: B_CLIENT } }),
    ];
    for (const result of asked) {
      const own = await db().select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
      expect(own.length).toBeGreaterThan(0);
      // Logged, as the region's query, without the other region's client.
      expect(own.map((e) => [e.entityType, e.clientId])).toEqual(own.map(() => ['AuditLog', null]));
    }
    // Region B's auditor sees nothing of it, by client or at all.
    const theirs = await entriesAs('dpo-b', { clientId: B_CLIENT });
    expect(theirs.nodes.filter((e) => e.organisationId === REGION)).toEqual([]);
    expect(JSON.stringify(await entriesAs('dpo-b'))).not.toContain(reason);
    // The region's own client is still named in its query's entry.
    const ownQuery = await t.execute({ as: 'dpo', query: `query ($id: ID!) { auditEntries(filter: { clientId: $id }) { totalCount } }`, variables: { id: REGION_CLIENT } });
    const ownEntries = await db().select().from(entries).where(eq(entries.requestId, ownQuery.headers['x-request-id']!));
    expect(ownEntries.find((e) => e.entityType === 'AuditLog')?.clientId).toBe(REGION_CLIENT);
  });
});
