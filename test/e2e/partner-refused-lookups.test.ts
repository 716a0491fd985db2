import { clients, DEMO, DEMO_PARTNER_TOKEN, entries, grants, userCommitments, users } from '@vartija/db';
import { and, eq } from 'drizzle-orm';
import { startTestStack, type TestStack } from '../testkit';

/**
 * A partner token's refused look-ups leave a trace for the region that issued it (issue 9, item 6: every
 * refused read whose target is known is logged with the client), and only there:
 * - a look-up by id or identity code of an issuing-region client the token may not see answers as an unknown
 *   target does, and is logged DENIED naming the client;
 * - another region's client, or an unknown target, is named by no entry (same answer);
 * - the region's auditors read these entries through their client; the partner organisation's own auditor and
 *   registrar do not (their presence would tell the partner who is a client of the region), though they still
 *   read their token's other entries.
 */

let t: TestStack;
const db = () => t.database.db;
const MAJAKKA = DEMO.organisations.majakka.id;
const REGION = DEMO.organisations.region.id;
/** A region client with no commission to majakka. */
const UNCOMMISSIONED = DEMO.clients.childWelfareOpen;
const COMMISSIONED = DEMO.clients.majakkaActive[0]!;
const UNKNOWN_ID = '00000000-0000-4000-8000-0000000000aa';
const UNKNOWN_CODE = '010101A999J';
const REGION_B = (DEMO as { regionB?: { open: string } }).regionB;
const itRegionB = REGION_B ? it : it.skip;

const BY_ID = `query ($id: ID!) { client(id: $id) { id displayName } }`;
const BY_CODE = `query ($code: String!) { clientByPersonalIdentityCode(code: $code) { id } }`;
const ENTRIES = `query ($filter: AuditFilter, $after: String) {
  auditEntries(filter: $filter, first: 100, after: $after) { totalCount nodes { id requestId actorKind actorId clientId outcome } pageInfo { hasNextPage endCursor } }
}`;
type Entry = { id: string; requestId: string; actorKind: string; actorId: string; clientId: string | null; outcome: string };
type Entries = { auditEntries: { totalCount: number; nodes: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const QUEUE = `{ reviewQueue(kind: DENIED, first: 500, includeReviewed: true) { entry { id requestId clientId actorKind } } }`;
type Queue = { reviewQueue: { entry: { id: string; requestId: string; clientId: string | null; actorKind: string } }[] };

const asPartner = (query: string, variables: Record<string, unknown>) => t.execute<Record<string, unknown>>({ token: DEMO_PARTNER_TOKEN, query, variables });
const loggedIn = async (requestId: string) => db().select().from(entries).where(eq(entries.requestId, requestId));
async function codeOf(id: string): Promise<string> {
  const [row] = await db().select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, id));
  if (!row?.code) throw new Error(`client ${id} has no identity code`);
  return row.code;
}
/** What the caller learns from an answer: status, data, and each error's message, code and path. */
const answerOf = (res: { status: number; data?: unknown; errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] }) =>
  JSON.stringify({ status: res.status, data: res.data ?? null, errors: (res.errors ?? []).map((e) => [e.message, e.path, e.extensions?.['code']]) });

async function partnerOrgUser(login: string, role: 'AUDITOR' | 'REGISTRAR') {
  const [user] = await db().insert(users).values({ login, displayName: login, organisationId: MAJAKKA }).returning();
  await db().insert(grants).values({ userId: user!.id, role, organisationId: MAJAKKA, unitId: null, validFrom: new Date(Date.now() - 86_400_000) });
  await db().insert(userCommitments).values({ userId: user!.id, signedOn: '2020-01-01' });
}

let refusedById: string;
let refusedByCode: string;
let unknownById: string;
let unknownByCode: string;
let allowed: string;
let refusedWithoutClient: string;

beforeAll(async () => {
  t = await startTestStack();
  // The partner organisation keeps its own staff too: a data protection officer and a registrar.
  await partnerOrgUser('dpo-majakka', 'AUDITOR');
  await partnerOrgUser('admin-majakka', 'REGISTRAR');
});
afterAll(() => t?.close());

describe("a partner token's refused look-ups", () => {
  it('by id: an issuing-region client it may not see answers as an unknown id, and is logged DENIED naming the client', async () => {
    const unknown = await asPartner(BY_ID, { id: UNKNOWN_ID });
    const refused = await asPartner(BY_ID, { id: UNCOMMISSIONED });
    expect(refused.data).toEqual({ client: null });
    expect(refused.errors).toBeUndefined();
    expect(answerOf(refused)).toBe(answerOf(unknown));
    expect((await loggedIn(unknown.headers['x-request-id']!)).filter((e) => e.clientId !== null)).toEqual([]);
    expect(await loggedIn(refused.headers['x-request-id']!)).toEqual([
      expect.objectContaining({ actorKind: 'PARTNER', organisationId: MAJAKKA, clientId: UNCOMMISSIONED, entityId: UNCOMMISSIONED, action: 'READ', outcome: 'DENIED' }),
    ]);
  });

  it('by identity code: refused as any code is (a partner reads no identity codes), and logged DENIED naming the client of that code', async () => {
    const unknown = await asPartner(BY_CODE, { code: UNKNOWN_CODE });
    const refused = await asPartner(BY_CODE, { code: await codeOf(UNCOMMISSIONED) });
    expect(answerOf(refused)).toBe(answerOf(unknown));
    expect((await loggedIn(unknown.headers['x-request-id']!)).filter((e) => e.clientId !== null)).toEqual([]);
    const log = await loggedIn(refused.headers['x-request-id']!);
    expect(log.filter((e) => e.clientId === UNCOMMISSIONED)).toEqual([expect.objectContaining({ outcome: 'DENIED', fields: ['personalIdentityCode'] })]);
    expect(log.filter((e) => e.clientId !== null).map((e) => e.clientId)).toEqual([UNCOMMISSIONED]);
  });

  itRegionB("another region's client answers as an unknown target and is named by no entry, by id or by code", async () => {
    const other = REGION_B!.open;
    const unknown = await asPartner(BY_ID, { id: UNKNOWN_ID });
    const byId = await asPartner(BY_ID, { id: other });
    expect(answerOf(byId)).toBe(answerOf(unknown));
    const byCode = await asPartner(BY_CODE, { code: await codeOf(other) });
    expect(answerOf(byCode)).toBe(answerOf(await asPartner(BY_CODE, { code: UNKNOWN_CODE })));
    expect(await db().select().from(entries).where(eq(entries.clientId, other)).then((rows) => rows.filter((e) => e.actorKind === 'PARTNER'))).toEqual([]);
  });

  itRegionB("a refused write about another region's client answers NOT_FOUND as for an unknown id, naming it nowhere", async () => {
    const other = REGION_B!.open;
    const write = `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id } }`;
    const input = (clientId: string) => ({ clientId, unitId: DEMO.units['child-welfare'].id, type: 'REPORT', title: 'Raportti', body: 'Teksti' });
    const unknown = await asPartner(write, { input: input(UNKNOWN_ID) });
    const refused = await asPartner(write, { input: input(other) });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(answerOf(refused).replaceAll(other, 'ID')).toBe(answerOf(unknown).replaceAll(UNKNOWN_ID, 'ID'));
    expect((await loggedIn(refused.headers['x-request-id']!)).filter((e) => e.clientId !== null)).toEqual([]);
  });
});

describe('who reads them', () => {
  beforeAll(async () => {
    // On record: the token's refused look-ups of a region client, by id and by code; its allowed read of a
    // commissioned client; and a refusal that names no client.
    refusedById = (await asPartner(BY_ID, { id: UNCOMMISSIONED })).headers['x-request-id']!;
    refusedByCode = (await asPartner(BY_CODE, { code: await codeOf(UNCOMMISSIONED) })).headers['x-request-id']!;
    unknownById = (await asPartner(BY_ID, { id: UNKNOWN_ID })).headers['x-request-id']!;
    unknownByCode = (await asPartner(BY_CODE, { code: UNKNOWN_CODE })).headers['x-request-id']!;
    const read = await asPartner(BY_ID, { id: COMMISSIONED });
    expect((read.data as { client: { id: string } | null }).client?.id).toBe(COMMISSIONED);
    allowed = read.headers['x-request-id']!;
    const audit = await asPartner(`{ auditEntries(first: 1) { totalCount } }`, {});
    expect(audit.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    refusedWithoutClient = audit.headers['x-request-id']!;
    expect(await loggedIn(refusedWithoutClient)).toEqual([expect.objectContaining({ outcome: 'DENIED', clientId: null, actorKind: 'PARTNER' })]);
  });

  /** Every entry the auditor's auditEntries lists for the filter, page by page, and its totalCount. */
  const requestsIn = async (as: string, filter: Record<string, unknown> = {}) => {
    const nodes: Entry[] = [];
    let totalCount = 0;
    let after: string | null = null;
    do {
      const res: { data?: Entries | null; errors?: unknown } = await t.execute<Entries>({ as, query: ENTRIES, variables: { filter, after } });
      expect(res.errors).toBeUndefined();
      totalCount = res.data!.auditEntries.totalCount;
      nodes.push(...res.data!.auditEntries.nodes);
      after = res.data!.auditEntries.pageInfo.hasNextPage ? res.data!.auditEntries.pageInfo.endCursor : null;
    } while (after);
    return { totalCount, nodes };
  };

  it("the issuing region's data protection officer reads the refusals, by request and by client", async () => {
    for (const requestId of [refusedById, refusedByCode]) {
      const found = await requestsIn('dpo', { requestId });
      expect(found.nodes.filter((e) => e.clientId === UNCOMMISSIONED && e.outcome === 'DENIED')).toHaveLength(1);
    }
    const aboutClient = await requestsIn('dpo', { clientId: UNCOMMISSIONED, outcome: 'DENIED' });
    expect(aboutClient.nodes.filter((e) => e.actorKind === 'PARTNER').map((e) => e.requestId)).toEqual(expect.arrayContaining([refusedById, refusedByCode]));
  });

  it("the partner organisation's data protection officer reads its token's other entries, never a refusal naming a client", async () => {
    const all = await requestsIn('dpo-majakka');
    expect(all.nodes).toHaveLength(all.totalCount);
    const requests = new Set(all.nodes.map((e) => e.requestId));
    expect(requests.has(allowed)).toBe(true);
    expect(requests.has(refusedWithoutClient)).toBe(true);
    expect(all.nodes.filter((e) => e.actorKind === 'PARTNER' && e.outcome === 'DENIED' && e.clientId !== null)).toEqual([]);
    expect(await requestsIn('dpo-majakka', { clientId: UNCOMMISSIONED })).toEqual({ totalCount: 0, nodes: [] });
    // What it sees of a refused look-up is what it sees of one for an unknown target: nothing tells them apart.
    const seen = async (requestId: string) => (await requestsIn('dpo-majakka', { requestId })).nodes.map((e) => [e.actorKind, e.outcome, e.clientId]);
    expect(await seen(refusedById)).toEqual(await seen(unknownById));
    expect(await seen(refusedByCode)).toEqual(await seen(unknownByCode));
    expect(await seen(refusedByCode)).toEqual([['PARTNER', 'DENIED', null]]);
    // Its counts and samples agree with its listing: the refusals are not counted either.
    const counts = await t.execute<{ auditCountsPerActorDay: { actorId: string; count: number }[] }>({ as: 'dpo-majakka', query: `{ auditCountsPerActorDay(first: 1000) { actorId count } }` });
    expect(counts.errors).toBeUndefined();
    const token = (await loggedIn(allowed))[0]!.actorId;
    const listed = (await requestsIn('dpo-majakka', { actorId: token })).nodes;
    const counted = counts.data!.auditCountsPerActorDay.filter((row) => row.actorId === token).reduce((sum, row) => sum + row.count, 0);
    expect(listed.length).toBeGreaterThan(0);
    expect(counted).toBe(listed.length);
    const sample = await t.execute<{ auditSample: { clientId: string | null; outcome: string; actorKind: string }[] }>({
      as: 'dpo-majakka',
      query: `{ auditSample(size: 1000, seed: 1) { clientId outcome actorKind } }`,
    });
    expect(sample.errors).toBeUndefined();
    expect(sample.data!.auditSample.filter((e) => e.actorKind === 'PARTNER' && e.outcome === 'DENIED' && e.clientId !== null)).toEqual([]);
    expect(sample.data!.auditSample.length).toBeGreaterThan(0);
  });

  it("the partner organisation's registrar sees its token's refusals in the DENIED queue, but none naming a client", async () => {
    const queue = await t.execute<Queue>({ as: 'admin-majakka', query: QUEUE });
    expect(queue.errors).toBeUndefined();
    const items = queue.data!.reviewQueue.map((i) => i.entry);
    expect(items.some((e) => e.requestId === refusedWithoutClient)).toBe(true);
    expect(items.filter((e) => e.clientId !== null && e.actorKind === 'PARTNER')).toEqual([]);
  });

  it("the region's client access report stays the region's: its auditor's report of the client names no refusal as a use", async () => {
    const res = await t.execute<{ clientAccessReport: { rows: { organisationId: string | null; role: string | null }[] } }>({
      as: 'dpo',
      query: `query ($id: ID!) { clientAccessReport(clientId: $id) { rows { organisationId role } } }`,
      variables: { id: UNCOMMISSIONED },
    });
    expect(res.errors).toBeUndefined();
    // A refused look-up disclosed nothing: the report lists uses (ALLOWED) only.
    expect(res.data!.clientAccessReport.rows.filter((r) => r.organisationId === MAJAKKA)).toEqual([]);
    expect(REGION).not.toBe(MAJAKKA);
  });
});

describe('the registers stay apart', () => {
  it('no entry of the token names a client of any organisation but its issuer', async () => {
    const named = await db()
      .select({ clientId: entries.clientId, organisationId: clients.organisationId })
      .from(entries)
      .innerJoin(clients, eq(clients.id, entries.clientId))
      .where(and(eq(entries.actorKind, 'PARTNER'), eq(entries.organisationId, MAJAKKA)));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((e) => e.organisationId !== REGION)).toEqual([]);
  });
});
