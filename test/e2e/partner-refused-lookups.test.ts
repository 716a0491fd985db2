import { clients, DEMO, DEMO_PARTNER_TOKEN, documents, entries, grants, userCommitments, users } from '@vartija/db';
import { and, eq } from 'drizzle-orm';
import { allAuditEntries, startTestStack, type TestStack } from '../testkit';

/**
 * A partner token's refused look-ups leave a trace for the region that issued it (issue 9, item 6: every
 * refused read whose target is known is logged with the client), and only there:
 * - a look-up by id (of a client, a record's history, a correction) of an issuing-region client the token may not
 *   see answers as an unknown target does, and is logged DENIED naming the client; an unknown target writes as
 *   many entries, naming none (entry ids are the log's global sequence); a look-up by identity code is refused
 *   whatever the code (a partner reads none), logged alike for any code;
 * - another region's client, or an unknown target, is named by no entry (same answer);
 * - a partner token's entries are the issuing region's part of the log (its auditors and registrar read them,
 *   through the client and through the token); the partner organisation's own staff, if it has any, read none of
 *   them (a refused look-up's entry, or the gap it leaves among the token's other entries, would tell the partner
 *   who is a client of the region).
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
type Entry = { id: string; requestId: string; actorKind: string; actorId: string; clientId: string | null; outcome: string };
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

  it('by identity code: refused as any code is (a partner reads no identity codes), logged the same for an existing code as for an unknown one', async () => {
    const unknown = await asPartner(BY_CODE, { code: UNKNOWN_CODE });
    const refused = await asPartner(BY_CODE, { code: await codeOf(UNCOMMISSIONED) });
    expect(answerOf(refused)).toBe(answerOf(unknown));
    const shape = async (requestId: string) => (await loggedIn(requestId)).map((e) => [e.entityType, e.entityId, e.clientId, e.outcome, e.fields]);
    expect(await shape(refused.headers['x-request-id']!)).toEqual(await shape(unknown.headers['x-request-id']!));
    expect(await shape(refused.headers['x-request-id']!)).toEqual([['Client', null, null, 'DENIED', ['personalIdentityCode']]]);
  });

  it('writes as many entries for an existing target as for an unknown one (entry ids are the global sequence), by id, history, correction and record extract', async () => {
    const document = (await db().select({ id: documents.id }).from(documents).where(eq(documents.clientId, UNCOMMISSIONED)))[0]!.id;
    const UNKNOWN_DOCUMENT = '00000000-0000-4000-8000-0000000000ab';
    const HISTORY = `query ($id: ID!) { history(entityType: "Document", id: $id) { __typename } }`;
    const CORRECT = `mutation ($id: ID!) { correctDocument(id: $id, expectedRevision: 1, input: { title: "T", body: "B", reason: "R" }) { id } }`;
    const EXTRACT = `query ($id: ID!) { clientRecordExtract(clientId: $id, requestId: "${UNKNOWN_DOCUMENT}") { clientId } }`;
    const pairs: [string, Record<string, unknown>, Record<string, unknown>, string | null][] = [
      [BY_ID, { id: UNCOMMISSIONED }, { id: UNKNOWN_ID }, UNCOMMISSIONED],
      [HISTORY, { id: document }, { id: UNKNOWN_DOCUMENT }, UNCOMMISSIONED],
      [CORRECT, { id: document }, { id: UNKNOWN_DOCUMENT }, UNCOMMISSIONED],
      [EXTRACT, { id: UNCOMMISSIONED }, { id: UNKNOWN_ID }, UNCOMMISSIONED],
    ];
    for (const [query, existing, unknown, client] of pairs) {
      const a = await asPartner(query, existing);
      const b = await asPartner(query, unknown);
      expect(answerOf(a).replaceAll(String(Object.values(existing)[0]), 'ID')).toBe(answerOf(b).replaceAll(String(Object.values(unknown)[0]), 'ID'));
      const logA = await loggedIn(a.headers['x-request-id']!);
      const logB = await loggedIn(b.headers['x-request-id']!);
      expect(logA.map((e) => [e.entityType, e.outcome, e.action])).toEqual(logB.map((e) => [e.entityType, e.outcome, e.action]));
      // The region's auditors learn which of its clients was tried; nothing names a client for the unknown target.
      expect(logA.filter((e) => e.clientId !== null).map((e) => e.clientId)).toEqual([client]);
      expect(logB.filter((e) => e.clientId !== null)).toEqual([]);
    }
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

  const requestsIn = (as: string, filter: Record<string, unknown> = {}) => allAuditEntries<Entry>(t, as, 'id requestId actorKind actorId clientId outcome', filter);

  it("the issuing region's data protection officer reads all of its token's entries: refusals by request, by client and by token", async () => {
    const byId = await requestsIn('dpo', { requestId: refusedById });
    expect(byId.nodes.filter((e) => e.clientId === UNCOMMISSIONED && e.outcome === 'DENIED')).toHaveLength(1);
    // The code look-up: the token's refused attempt (a partner reads no codes), naming no client.
    expect((await requestsIn('dpo', { requestId: refusedByCode })).nodes).toEqual([expect.objectContaining({ outcome: 'DENIED', clientId: null, actorKind: 'PARTNER' })]);
    const aboutClient = await requestsIn('dpo', { clientId: UNCOMMISSIONED, outcome: 'DENIED' });
    expect(aboutClient.nodes.filter((e) => e.actorKind === 'PARTNER').map((e) => e.requestId)).toContain(refusedById);
    // The token's refusal that names no client is the issuer's too (the token is the region's to manage).
    expect((await requestsIn('dpo', { requestId: refusedWithoutClient })).nodes).toEqual([expect.objectContaining({ outcome: 'DENIED', clientId: null, actorKind: 'PARTNER' })]);
    const token = (await loggedIn(allowed))[0]!.actorId;
    const byToken = await requestsIn('dpo', { actorId: token });
    const all = await db().select({ seq: entries.seq }).from(entries).where(eq(entries.actorId, token));
    expect(byToken.totalCount).toBe(all.length);
    expect(byToken.nodes.map((e) => Number(e.id)).sort((a, b) => a - b)).toEqual(all.map((e) => e.seq).sort((a, b) => a - b));
  });

  it("the issuing region's registrar finds its token's refusals in the DENIED queue", async () => {
    const queue = await t.execute<Queue>({ as: 'admin', query: QUEUE });
    expect(queue.errors).toBeUndefined();
    const requests = new Set(queue.data!.reviewQueue.map((i) => i.entry.requestId));
    for (const requestId of [refusedById, refusedByCode, refusedWithoutClient]) expect(requests.has(requestId)).toBe(true);
  });

  it("the partner organisation's own staff read none of the token's entries: nothing there tells a refused look-up from an unknown one", async () => {
    const token = (await loggedIn(allowed))[0]!.actorId;
    const all = await requestsIn('dpo-majakka');
    expect(all.nodes).toHaveLength(all.totalCount);
    expect(all.nodes.filter((e) => e.actorKind === 'PARTNER')).toEqual([]);
    for (const filter of [{ actorId: token }, { clientId: UNCOMMISSIONED }, { clientId: COMMISSIONED }, ...[refusedById, refusedByCode, unknownById, unknownByCode, allowed, refusedWithoutClient].map((requestId) => ({ requestId }))]) {
      expect(await requestsIn('dpo-majakka', filter)).toEqual({ totalCount: 0, nodes: [] });
    }
    const counts = await t.execute<{ auditCountsPerActorDay: { actorId: string; count: number }[] }>({ as: 'dpo-majakka', query: `{ auditCountsPerActorDay(first: 1000) { actorId count } }` });
    expect(counts.errors).toBeUndefined();
    expect(counts.data!.auditCountsPerActorDay.filter((row) => row.actorId === token)).toEqual([]);
    const sample = await t.execute<{ auditSample: { actorKind: string }[] }>({ as: 'dpo-majakka', query: `{ auditSample(size: 1000, seed: 1) { actorKind } }` });
    expect(sample.errors).toBeUndefined();
    expect(sample.data!.auditSample.filter((e) => e.actorKind === 'PARTNER')).toEqual([]);
    const queue = await t.execute<Queue>({ as: 'admin-majakka', query: QUEUE });
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.reviewQueue.filter((i) => i.entry.actorKind === 'PARTNER')).toEqual([]);
    // They still read their own staff's entries: their own queries above, each logged.
    const own = await requestsIn('dpo-majakka');
    expect(own.totalCount).toBeGreaterThan(0);
    expect(own.nodes.every((e) => e.actorKind === 'USER')).toBe(true);
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
