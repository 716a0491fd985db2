/**
 * Issue 13 item 3: handover at the end of a commission (seed 000: the provider keeps the child's records only
 * while the service lasts; when it ends, all the child's records are delivered to the welfare region that
 * commissioned it) — `handOverCommission`, `confirmHandover` and `handover` through the real gateway.
 * Expectations from the seed and the brief: the package is exactly the partner's records of the client under
 * the commission (its own documents with their revisions, the commission's decisions and placements with care
 * days, restrictions and medications); the delivery is logged as DISCLOSE per record, naming the region and
 * the legal basis; after the region confirms receipt the partner reaches nothing of the client, the region's
 * staff still read everything, the removal is logged (DELETE per record) and the commission's history keeps
 * its earlier end.
 */
import {
  careDays,
  commissions,
  DEMO_PARTNER_TOKEN,
  decisions,
  documentRevisions,
  documents,
  entries,
  handovers,
  medications,
  placements,
  restrictions,
} from '@vartija/db';
import { finnishDateOf } from '@vartija/kit';
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
/** A majakka token without documents:write (clients:read services:read documents:read). */
let readOnlyPartnerToken: string;
const sink = new SwitchableAuditSink(() => t.database);

beforeAll(async () => {
  // A long grant cache keeps the authentication query out of the counted statements.
  t = await startTestStack({ grantCacheMs: 60_000, auditSink: sink });
  const issued = await t.execute<{ issueApiToken: { token: string } }>({
    as: 'admin',
    query: `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }`,
    variables: { input: { organisationId: MAJAKKA, name: 'read only', scopes: ['clients:read', 'services:read', 'documents:read'], expiresInDays: 30 } },
  });
  expect(issued.errors).toBeUndefined();
  readOnlyPartnerToken = issued.data!.issueApiToken.token;
});
afterAll(() => t?.close());
afterEach(() => {
  sink.failing = false;
});

const db = () => t.database.db;
const MAJAKKA = DEMO.organisations.majakka.id;
const REGION = DEMO.organisations.region;
const CHILD_WELFARE = DEMO.units['child-welfare'].id;
type Login = ActiveLogin | 'majakka-read-only';
const credentials = (login: Login) =>
  login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : login === 'majakka-read-only' ? { token: readOnlyPartnerToken } : { as: login };
const logOf = (requestId: string) => db().select().from(entries).where(eq(entries.requestId, requestId));

const HANDOVER_FIELDS = `id commissionId clientId partnerOrganisationId recipientOrganisationId recipientUnitId status legalBasis packagedAt confirmedAt confirmedBy
  items { entityType entityId kind recordedAt contentSha256 }`;
const HAND_OVER = `mutation HandOver($id: ID!) { handOverCommission(id: $id) { ${HANDOVER_FIELDS} } }`;
const CONFIRM = `mutation Confirm($id: ID!) { confirmHandover(id: $id) { ${HANDOVER_FIELDS} } }`;
const READ = `query Read($id: ID!) { handover(id: $id) { ${HANDOVER_FIELDS} } }`;

interface Item {
  entityType: string;
  entityId: string;
  kind: string | null;
  recordedAt: string | null;
  contentSha256: string;
}
interface Handover {
  id: string;
  commissionId: string;
  clientId: string;
  partnerOrganisationId: string;
  recipientOrganisationId: string;
  recipientUnitId: string;
  status: string;
  legalBasis: string;
  packagedAt: string;
  confirmedAt: string | null;
  confirmedBy: string | null;
  items: Item[];
}

const handOver = (login: Login, id: string) => t.execute<{ handOverCommission: Handover }>({ ...credentials(login), query: HAND_OVER, variables: { id } });
const confirm = (login: Login, id: string) => t.execute<{ confirmHandover: Handover }>({ ...credentials(login), query: CONFIRM, variables: { id } });
const read = (login: Login, id: string) => t.execute<{ handover: Handover | null }>({ ...credentials(login), query: READ, variables: { id } });

/** The partner's records under the commission, read straight from the tables: `Type:id`. */
async function partnersRecords(commissionId: string): Promise<string[]> {
  const own = and(eq(documents.commissionId, commissionId), eq(documents.authorOrganisationId, MAJAKKA));
  const ofCommission = eq(placements.commissionId, commissionId);
  const keys = (type: string, rows: { id: string }[]) => rows.map((r) => `${type}:${r.id}`);
  return [
    ...keys('Document', await db().select({ id: documents.id }).from(documents).where(own)),
    ...keys('DocumentRevision', await db().select({ id: documentRevisions.id }).from(documentRevisions).innerJoin(documents, eq(documents.id, documentRevisions.documentId)).where(own)),
    ...keys('Decision', await db().select({ id: decisions.id }).from(decisions).where(eq(decisions.commissionId, commissionId))),
    ...keys('Placement', await db().select({ id: placements.id }).from(placements).where(ofCommission)),
    ...keys('CareDay', await db().select({ id: careDays.id }).from(careDays).innerJoin(placements, eq(placements.id, careDays.placementId)).where(ofCommission)),
    ...keys('Restriction', await db().select({ id: restrictions.id }).from(restrictions).innerJoin(placements, eq(placements.id, restrictions.placementId)).where(ofCommission)),
    ...keys('Medication', await db().select({ id: medications.id }).from(medications).innerJoin(placements, eq(placements.id, medications.placementId)).where(ofCommission)),
  ].sort();
}

/** The hash the manifest promises, computed here from the documented definition: SHA-256 of sorted-key JSON of the content columns. */
function documentHash(d: typeof documents.$inferSelect): string {
  const content: Record<string, unknown> = {
    authorId: d.authorId,
    authorOrganisationId: d.authorOrganisationId,
    body: d.body,
    clientId: d.clientId,
    commissionId: d.commissionId,
    currentRevision: d.currentRevision,
    id: d.id,
    recordedAt: d.recordedAt.toISOString(),
    relationshipId: d.relationshipId,
    title: d.title,
    type: d.type,
    unitId: d.unitId,
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** A fresh active commission of a child-welfare client to majakka (a handover happens once per commission). */
async function newCommission(clientId: string = DEMO.clients.childWelfareOpen): Promise<string> {
  const [row] = await db()
    .insert(commissions)
    .values({ clientId, commissionerUnitId: CHILD_WELFARE, partnerOrganisationId: MAJAKKA, kind: 'PLACEMENT', startsOn: '2024-01-01' })
    .returning({ id: commissions.id });
  return row!.id;
}

const CLIENT_RECORDS = `query ($id: ID!) { client(id: $id) { id documents { id } decisions { id } placements { id } } }`;
type ClientRecords = { client: { id: string; documents: { id: string }[] | null; decisions: { id: string }[] | null; placements: { id: string }[] | null } | null };

describe('handover of majakka\'s records at the end of a commission, end to end', () => {
  const client = DEMO.clients.majakkaActive[0]!;
  let commissionId: string;
  let handover: Handover;
  let expected: string[];

  beforeAll(async () => {
    const [commission] = await db()
      .select()
      .from(commissions)
      .where(and(eq(commissions.clientId, client), eq(commissions.partnerOrganisationId, MAJAKKA), isNull(commissions.endsOn)));
    commissionId = commission!.id;
    // Every kind of record the package holds: a restriction and a medication recorded at the placement, a
    // correction of majakka's report (a second revision), and a document of the region under the same
    // commission (not the partner's: it stays out of the package).
    const [placement] = await db().select().from(placements).where(eq(placements.commissionId, commissionId));
    await db().insert(restrictions).values({ clientId: client, unitId: placement!.unitId, placementId: placement!.id, kind: 'CONFISCATION', reason: 'Terävä esine', startsAt: new Date('2025-01-10T10:00:00Z') });
    await db().insert(medications).values({ clientId: client, unitId: placement!.unitId, placementId: placement!.id, medicine: 'Melatoniini', dose: '1 mg', givenAt: new Date('2025-01-10T19:00:00Z'), givenBy: 'Perhekoti Majakka' });
    const [report] = await db().select().from(documents).where(and(eq(documents.commissionId, commissionId), eq(documents.authorOrganisationId, MAJAKKA)));
    await db().insert(documentRevisions).values({ documentId: report!.id, revision: 2, title: report!.title, body: `${report!.body} (korjattu)`, reason: 'Päivämäärä korjattu' });
    await db().insert(documents).values({ clientId: client, unitId: CHILD_WELFARE, commissionId, authorOrganisationId: REGION.id, type: 'CASE_NOTE', title: 'Alueen muistiinpano', body: 'Ei kumppanin.' });
    expected = await partnersRecords(commissionId);
  });

  it('packages exactly the partner\'s records of the client under the commission', async () => {
    const types = new Set(expected.map((k) => k.split(':')[0]));
    expect([...types].sort()).toEqual(['CareDay', 'Decision', 'Document', 'DocumentRevision', 'Medication', 'Placement', 'Restriction']);

    const result = await handOver('majakka', commissionId);
    expect(result.errors).toBeUndefined();
    // The partner gets the handover but not the manifest: kinds, content hashes and the number of records its
    // read rules may hide would tell what they hide. The receiving unit's staff read the manifest.
    expect(result.data!.handOverCommission).toMatchObject({ status: 'PACKAGED', items: [] });
    expect((await read('majakka', result.data!.handOverCommission.id)).data!.handover).toMatchObject({ status: 'PACKAGED', items: [] });
    handover = (await read('sw-child', result.data!.handOverCommission.id)).data!.handover!;
    expect(handover).toMatchObject({
      commissionId,
      clientId: client,
      partnerOrganisationId: MAJAKKA,
      recipientOrganisationId: REGION.id,
      recipientUnitId: CHILD_WELFARE,
      status: 'PACKAGED',
      confirmedAt: null,
      confirmedBy: null,
    });
    expect(handover.legalBasis).toContain('lastensuojelulaki (417/2007)');
    expect(handover.legalBasis).toContain('703/2023');
    expect(handover.items.map((i) => `${i.entityType}:${i.entityId}`).sort()).toEqual(expected);
    expect(new Set(handover.items.map((i) => i.contentSha256)).size).toBe(handover.items.length);
    for (const item of handover.items) expect(item.contentSha256).toMatch(/^[0-9a-f]{64}$/);

    // Metadata and the content hash of each document, checked against the stored row.
    const ownDocuments = await db().select().from(documents).where(and(eq(documents.commissionId, commissionId), eq(documents.authorOrganisationId, MAJAKKA)));
    for (const d of ownDocuments) {
      const item = handover.items.find((i) => i.entityId === d.id)!;
      expect(item).toEqual({ entityType: 'Document', entityId: d.id, kind: 'REPORT', recordedAt: d.recordedAt.toISOString(), contentSha256: documentHash(d) });
    }
    const [decision] = await db().select().from(decisions).where(eq(decisions.commissionId, commissionId));
    expect(handover.items.find((i) => i.entityId === decision!.id)).toMatchObject({ entityType: 'Decision', kind: decision!.type });

    // Stored as packaged by the partner token.
    const [stored] = await db().select().from(handovers).where(eq(handovers.id, handover.id));
    expect(stored).toMatchObject({ status: 'PACKAGED', packagedByKind: 'PARTNER', commissionId });
  });

  it('logs the delivery: one DISCLOSE per record naming the region and the legal basis, and the CREATE of the handover', async () => {
    const [created] = await db().select().from(entries).where(and(eq(entries.entityType, 'Handover'), eq(entries.entityId, handover.id), eq(entries.action, 'CREATE')));
    expect(created).toMatchObject({ actorKind: 'PARTNER', outcome: 'ALLOWED', clientId: client });
    const log = await logOf(created!.requestId);
    const disclosed = log.filter((e) => e.action === 'DISCLOSE');
    expect(disclosed.map((e) => `${e.entityType}:${e.entityId}`).sort()).toEqual(expected);
    for (const e of disclosed) {
      expect(e).toMatchObject({ outcome: 'ALLOWED', clientId: client, actorRole: 'PARTNER' });
      expect(e.reason).toContain(REGION.name);
      expect(e.reason).toContain('417/2007');
    }
    // What was given is named (never its values): a document's case-record fields.
    const report = disclosed.find((e) => e.entityType === 'Document')!;
    expect(report.fields).toEqual(expect.arrayContaining(['body', 'title']));
    expect(report.categories).toEqual(['CASE_RECORD']);
    expect(disclosed.find((e) => e.entityType === 'Medication')!.categories).toEqual(['HEALTH']);
  });

  it('before confirmation the partner still reads the records; handing over again is CONFLICT', async () => {
    const before = await t.execute<ClientRecords>({ token: DEMO_PARTNER_TOKEN, query: CLIENT_RECORDS, variables: { id: client } });
    expect(before.errors).toBeUndefined();
    expect(before.data!.client!.documents!.length).toBeGreaterThan(0);
    expect(before.data!.client!.decisions!.length).toBeGreaterThan(0);
    expect(codesOf(await handOver('majakka', commissionId))).toEqual(['CONFLICT']);
    expect(codesOf(await handOver('sw-child', commissionId))).toEqual(['CONFLICT']);
    expect(await db().select().from(handovers).where(eq(handovers.commissionId, commissionId))).toHaveLength(1);
    // Both sides read the package.
    expect((await read('majakka', handover.id)).data!.handover!.id).toBe(handover.id);
    expect((await read('sw-child', handover.id)).data!.handover!.items).toHaveLength(expected.length);
  });

  it('the commissioning unit confirms receipt: the partner\'s access ends, the region keeps the records, DELETE per record logged', async () => {
    const result = await confirm('sw-child', handover.id);
    expect(result.errors).toBeUndefined();
    const confirmed = result.data!.confirmHandover;
    expect(confirmed).toMatchObject({ id: handover.id, status: 'CONFIRMED', confirmedBy: DEMO.users['sw-child'].id });
    expect(confirmed.confirmedAt).not.toBeNull();
    expect(confirmed.items).toEqual(handover.items);

    // The commission ends today (a Finnish day; never later than the policy's day), its earlier end kept in history.
    const [commission] = await db().select().from(commissions).where(eq(commissions.id, commissionId));
    const utcToday = new Date().toISOString().slice(0, 10);
    const finnishToday = finnishDateOf(new Date());
    expect(commission!.endsOn).toBe(utcToday < finnishToday ? utcToday : finnishToday);
    const history = await t.execute<{ history: { changes: { field: string; previousValue: string | null }[]; reason: string | null }[] }>({
      as: 'sw-child',
      query: `query ($id: ID!) { history(entityType: "Commission", id: $id) { reason changes { field previousValue } } }`,
      variables: { id: commissionId },
    });
    expect(history.errors).toBeUndefined();
    expect(history.data!.history.at(-1)!.changes).toEqual([{ field: 'endsOn', previousValue: null }]);
    expect(history.data!.history.at(-1)!.reason).toContain(handover.id);

    const log = await logOf(result.headers['x-request-id']!);
    const deleted = log.filter((e) => e.action === 'DELETE');
    expect(deleted.map((e) => `${e.entityType}:${e.entityId}`).sort()).toEqual(expected);
    for (const e of deleted) {
      expect(e).toMatchObject({ outcome: 'ALLOWED', clientId: client, actorRole: 'SOCIAL_WORKER', unitId: CHILD_WELFARE });
      expect(e.reason).toContain(`handed over to ${REGION.name}: removed from the provider's side`);
    }
    expect(log.filter((e) => e.action === 'UPDATE' && e.entityType === 'Handover' && e.entityId === handover.id)).toHaveLength(1);
    expect(log.filter((e) => e.action === 'UPDATE' && e.entityType === 'Commission' && e.entityId === commissionId)).toHaveLength(1);
  });

  it('after confirmation the partner gets nothing of the client; the region\'s staff still read it all', async () => {
    const partner = await t.execute<ClientRecords>({ token: DEMO_PARTNER_TOKEN, query: CLIENT_RECORDS, variables: { id: client } });
    expect(partner.data).toEqual({ client: null });
    const list = await t.execute<{ clients: { nodes: { id: string }[] } }>({ token: DEMO_PARTNER_TOKEN, query: `{ clients(first: 100) { nodes { id } } }` });
    expect(list.errors).toBeUndefined();
    expect(list.data!.clients.nodes.map((n) => n.id)).not.toContain(client);
    // Documents and decisions through the other subgraphs by reference: still nothing.
    const entities = await t.execute<{ client: unknown }>({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { documents { id } } }`, variables: { id: client } });
    expect(entities.data).toEqual({ client: null });

    const staff = await t.execute<ClientRecords>({ as: 'sw-child', query: CLIENT_RECORDS, variables: { id: client } });
    expect(staff.errors).toBeUndefined();
    const seen = new Set([...staff.data!.client!.documents!, ...staff.data!.client!.decisions!, ...staff.data!.client!.placements!].map((r) => r.id));
    for (const key of expected.filter((k) => /^(Document|Decision|Placement):/.test(k))) expect(seen.has(key.split(':')[1]!) ? key : `missing ${key}`).toBe(key);
    // The package stays readable for the region; the partner reads it only while the commission is active
    // (it names the client and the records), so after confirmation: null, and no ALLOWED entry.
    expect((await read('sw-child', handover.id)).data!.handover!.status).toBe('CONFIRMED');
    const partnerRead = await read('majakka', handover.id);
    expect(partnerRead.data).toEqual({ handover: null });
    expect((await logOf(partnerRead.headers['x-request-id']!)).filter((e) => e.outcome === 'ALLOWED')).toEqual([]);
  });

  it('confirming twice is CONFLICT, and changes nothing', async () => {
    const again = await confirm('mgr-child', handover.id);
    expect(codesOf(again)).toEqual(['CONFLICT']);
    const [stored] = await db().select().from(handovers).where(eq(handovers.id, handover.id));
    expect(stored!.confirmedBy).toBe(DEMO.users['sw-child'].id);
    expect((await logOf(again.headers['x-request-id']!)).filter((e) => e.action === 'DELETE')).toEqual([]);
  });
});

describe('unknown ids', () => {
  it('answers NOT_FOUND for an unknown commission or handover, null for a read; a malformed id is BAD_USER_INPUT', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(codesOf(await handOver('sw-child', unknown))).toEqual(['NOT_FOUND']);
    expect(codesOf(await confirm('sw-child', unknown))).toEqual(['NOT_FOUND']);
    const r = await read('sw-child', unknown);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ handover: null });
    // Ids are UUIDs: anything else is refused before any resolver (kit argument-guard.ts).
    expect(codesOf(await handOver('sw-child', 'not-a-uuid'))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await confirm('sw-child', 'not-a-uuid'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('statements and the log', () => {
  /** A commission with a placement of `days` care days and `reports` reports of majakka. */
  async function commissionWith(days: number, reports: number): Promise<string> {
    const id = await newCommission();
    const [placement] = await db()
      .insert(placements)
      .values({ clientId: DEMO.clients.childWelfareOpen, unitId: CHILD_WELFARE, commissionId: id, kind: 'PROFESSIONAL_FAMILY_HOME', providerName: 'Perhekoti Majakka', startsOn: '2024-01-01' })
      .returning();
    if (days > 0) {
      await db()
        .insert(careDays)
        .values(Array.from({ length: days }, (_, n) => ({ placementId: placement!.id, day: new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10), costCents: 15_000 })));
    }
    for (let n = 0; n < reports; n += 1) {
      await db().insert(documents).values({ clientId: DEMO.clients.childWelfareOpen, unitId: CHILD_WELFARE, commissionId: id, authorOrganisationId: MAJAKKA, type: 'REPORT', title: `Raportti ${n}`, body: 'Kuulumiset.' });
    }
    return id;
  }
  const statementsFor = async (commissionId: string) => {
    const before = t.database.statements.count;
    const result = await handOver('sw-child', commissionId);
    expect(result.errors).toBeUndefined();
    return { statements: t.database.statements.count - before, items: result.data!.handOverCommission.items.length };
  };

  it('packages with the same number of SQL statements whatever the number of records', async () => {
    await statementsFor(await commissionWith(1, 1)); // warm the caches
    const small = await statementsFor(await commissionWith(1, 1));
    const large = await statementsFor(await commissionWith(40, 5));
    expect(small.items).toBe(3);
    expect(large.items).toBe(46);
    expect(large.statements).toBe(small.statements);
  });

  it('hands over nothing when the access log cannot be written (fail-closed), and confirms nothing either', async () => {
    const commissionId = await commissionWith(2, 1);
    sink.failing = true;
    expect(codesOf(await handOver('sw-child', commissionId))).toEqual(['AUDIT_UNAVAILABLE']);
    sink.failing = false;
    expect(await db().select().from(handovers).where(eq(handovers.commissionId, commissionId))).toEqual([]);
    const packaged = await handOver('sw-child', commissionId);
    expect(packaged.errors).toBeUndefined();
    sink.failing = true;
    expect(codesOf(await confirm('sw-child', packaged.data!.handOverCommission.id))).toEqual(['AUDIT_UNAVAILABLE']);
    sink.failing = false;
    const [stored] = await db().select().from(handovers).where(eq(handovers.commissionId, commissionId));
    expect(stored!.status).toBe('PACKAGED');
    const [commission] = await db().select().from(commissions).where(eq(commissions.id, commissionId));
    expect(commission!.endsOn).toBeNull();
  });
});

// The persona tables. Handover rules (lifecycle-rules.ts, from seed 000 and the brief): the partner under an active
// commission that lets it write (token scope and the commission's partnerScopes: documents:write), or the
// commissioning unit's SOCIAL_WORKER / MANAGER for a client it sees, package; only the commissioning unit confirms.
// Who reaches neither the client nor the commission gets the answer of an unknown id (NOT_FOUND); whoever reaches
// them but may not act, FORBIDDEN; every refusal about a client of the region is logged as DENIED.
type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND';
const LOGINS: Login[] = [...ACTIVE_LOGINS, 'majakka-read-only'];
/** Logins of another register: the client is an unknown id, nothing to name in a DENIED entry. */
const OTHER_REGISTER = new Set<Login>(['sw-b', 'dpo-b']);

describe('who may hand over a commission', () => {
  const EXPECTED: Record<Login, Outcome> = {
    'sw-child': 'OK',
    'sw-family': 'NOT_FOUND',
    'sw-adult': 'NOT_FOUND',
    'mgr-child': 'OK',
    'student-child': 'FORBIDDEN',
    billing: 'NOT_FOUND', // sees the client's name, not its commissions
    dpo: 'NOT_FOUND',
    admin: 'NOT_FOUND',
    majakka: 'OK',
    'sw-adult-student': 'FORBIDDEN', // a trainee in child welfare
    'mgr-family-sw-child': 'OK', // a social worker in child welfare
    'billing-student': 'FORBIDDEN',
    'dpo-student': 'FORBIDDEN',
    'sw-b': 'NOT_FOUND',
    'dpo-b': 'NOT_FOUND',
    'majakka-read-only': 'FORBIDDEN', // sees the client under the commission, may not write
  };
  it.each(LOGINS.map((login) => [login, EXPECTED[login]] as const))('%s: %s', async (login, expected) => {
    const commissionId = await newCommission();
    const result = await handOver(login, commissionId);
    const log = await logOf(result.headers['x-request-id']!);
    const stored = await db().select().from(handovers).where(eq(handovers.commissionId, commissionId));
    if (expected === 'OK') {
      expect(result.errors).toBeUndefined();
      expect(result.data!.handOverCommission.status).toBe('PACKAGED');
      expect(stored).toHaveLength(1);
      expect(log.filter((e) => e.action === 'CREATE' && e.entityType === 'Handover')).toHaveLength(1);
      return;
    }
    expect(codesOf(result)).toEqual([expected]);
    expect(stored).toEqual([]);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && (e.action === 'DISCLOSE' || e.action === 'CREATE'))).toEqual([]);
    const denied = log.filter((e) => e.outcome === 'DENIED' && e.entityType === 'Handover' && e.action === 'CREATE');
    expect(denied.map((e) => e.clientId)).toEqual(OTHER_REGISTER.has(login) ? [] : [DEMO.clients.childWelfareOpen]);
  });

  it('refuses the partner once its commission has ended (it no longer reaches it), and a commission not yet begun', async () => {
    const ended = await newCommission();
    await db().update(commissions).set({ startsOn: '2024-01-01', endsOn: '2024-06-30' }).where(eq(commissions.id, ended));
    expect(codesOf(await handOver('majakka', ended))).toEqual(['NOT_FOUND']);
    // The region asks for an ended commission's records: allowed (the service has ended, seed 000).
    expect((await handOver('sw-child', ended)).errors).toBeUndefined();

    // Not yet begun: not active, so not the partner's to hand over; confirming makes it one that never begins.
    const future = await newCommission();
    const startsOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await db().update(commissions).set({ startsOn }).where(eq(commissions.id, future));
    expect(codesOf(await handOver('majakka', future))).toEqual(['NOT_FOUND']);
    const packaged = await handOver('sw-child', future);
    expect(packaged.errors).toBeUndefined();
    expect((await confirm('sw-child', packaged.data!.handOverCommission.id)).errors).toBeUndefined();
    const [row] = await db().select().from(commissions).where(eq(commissions.id, future));
    expect(row!.endsOn).toBe(startsOn);
  });

  it('refuses the partner where the commission does not let it write documents (partnerScopes)', async () => {
    const readOnly = await newCommission();
    await db().update(commissions).set({ partnerScopes: ['clients:read', 'services:read', 'documents:read'] }).where(eq(commissions.id, readOnly));
    const result = await handOver('majakka', readOnly);
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect((await logOf(result.headers['x-request-id']!)).filter((e) => e.outcome === 'DENIED')).toHaveLength(1);
  });
});

describe('who may confirm a handover', () => {
  const EXPECTED: Record<Login, Outcome> = {
    'sw-child': 'OK',
    'sw-family': 'NOT_FOUND',
    'sw-adult': 'NOT_FOUND',
    'mgr-child': 'OK',
    'student-child': 'FORBIDDEN',
    billing: 'NOT_FOUND',
    dpo: 'NOT_FOUND',
    admin: 'NOT_FOUND',
    majakka: 'FORBIDDEN', // confirming receipt is the region's
    'sw-adult-student': 'FORBIDDEN',
    'mgr-family-sw-child': 'OK',
    'billing-student': 'FORBIDDEN',
    'dpo-student': 'FORBIDDEN',
    'sw-b': 'NOT_FOUND',
    'dpo-b': 'NOT_FOUND',
    'majakka-read-only': 'FORBIDDEN',
  };
  it.each(LOGINS.map((login) => [login, EXPECTED[login]] as const))('%s: %s', async (login, expected) => {
    const commissionId = await newCommission();
    const packaged = await handOver('sw-child', commissionId);
    expect(packaged.errors).toBeUndefined();
    const id = packaged.data!.handOverCommission.id;
    const result = await confirm(login, id);
    const log = await logOf(result.headers['x-request-id']!);
    const [stored] = await db().select().from(handovers).where(eq(handovers.id, id));
    const [commission] = await db().select().from(commissions).where(eq(commissions.id, commissionId));
    if (expected === 'OK') {
      expect(result.errors).toBeUndefined();
      expect(stored!.status).toBe('CONFIRMED');
      expect(commission!.endsOn).not.toBeNull();
      return;
    }
    expect(codesOf(result)).toEqual([expected]);
    expect(stored!.status).toBe('PACKAGED');
    expect(commission!.endsOn).toBeNull();
    expect(log.filter((e) => e.outcome === 'ALLOWED' && (e.action === 'DELETE' || e.action === 'UPDATE'))).toEqual([]);
    const denied = log.filter((e) => e.outcome === 'DENIED' && e.entityType === 'Handover' && e.action === 'UPDATE');
    expect(denied.map((e) => e.clientId)).toEqual(OTHER_REGISTER.has(login) ? [] : [DEMO.clients.childWelfareOpen]);
  });
});

describe('who may read a handover', () => {
  // The packaging partner (with its writing token) and the receiving unit's SOCIAL_WORKER / MANAGER; nobody else.
  const READS = new Set<Login>(['sw-child', 'mgr-child', 'mgr-family-sw-child', 'majakka']);
  let id: string;
  beforeAll(async () => {
    const packaged = await handOver('majakka', await newCommission());
    expect(packaged.errors).toBeUndefined();
    id = packaged.data!.handOverCommission.id;
  });
  it.each(LOGINS.map((login) => [login, READS.has(login)] as const))('%s reads it: %s', async (login, reads) => {
    const result = await read(login, id);
    expect(result.errors).toBeUndefined();
    const log = await logOf(result.headers['x-request-id']!);
    if (reads) {
      expect(result.data!.handover!.id).toBe(id);
      expect(log.filter((e) => e.entityType === 'Handover' && e.entityId === id && e.outcome === 'ALLOWED')).toHaveLength(1);
    } else {
      expect(result.data).toEqual({ handover: null });
      expect(log.filter((e) => e.entityType === 'Handover' && e.outcome === 'ALLOWED')).toEqual([]);
    }
  });
});
