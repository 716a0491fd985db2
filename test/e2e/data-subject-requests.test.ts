/**
 * Issue 12, items 1, 2 and 6: the data-subject request workflow (tarkastus-, oikaisu- and kielto-oikeus)
 * through the gateway. Expectations are written from the register statements (seeds 001–003: the request
 * is handled in the unit where the data arose; a refusal states its reasons; a fee only when the rules
 * allow it; the client may object to disclosures not based directly on law) and DESIGN.md §4 (who
 * writes what; AUDITOR writes nothing on records; another register's clients are unknown ids), not
 * derived from the policy module.
 */
import { consents, dataSubjectRequests, DEMO_PARTNER_TOKEN, documentRevisions, documents, entries } from '@vartija/db';
import { type AuditSink, DbAuditSink, todayInFinland } from '@vartija/kit';
import { and, eq } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
/** The real access-log sink, which a test can make fail for writes made inside a mutation's transaction. */
let failTransactionalAuditWrites = false;
const switchableAuditSink: AuditSink = {
  async write(batch, via) {
    if (failTransactionalAuditWrites && via) throw new Error('audit log unavailable (test)');
    return new DbAuditSink(t.database.db).write(batch, via);
  },
};
beforeAll(async () => {
  t = await startTestStack({ auditSink: switchableAuditSink });
});
afterAll(() => t?.close());
afterEach(() => {
  failTransactionalAuditWrites = false;
});

const db = () => t.database.db;
const UNITS = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  regionB: DEMO.units['b-child-welfare'].id,
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const asPersona = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const logOf = (result: { headers: Record<string, string> }) => db().select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
const errorOf = (result: { errors?: readonly GraphQLFormattedError[] | undefined }) => result.errors?.[0];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** `date` + `months` calendar months, clamped to the month's end (as PostgreSQL's date + interval). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

const FIELDS = /* GraphQL */ `
  id kind status receivedOn dueOn extendedDueOn extensionReason overdue subject requesterKind requesterName
  identityVerification channel decidedOn outcome legalGround reasons feeCharged feeGround decidedByName
  unit { id } client { id }
  objectionScope { allNotBasedOnLaw recipientName recipientOrganisation { id } }
  correction { entityType entityId revision }
`;
interface Request {
  id: string;
  kind: string | null;
  status: string | null;
  receivedOn: string | null;
  dueOn: string | null;
  extendedDueOn: string | null;
  extensionReason: string | null;
  overdue: boolean | null;
  subject: string | null;
  requesterKind: string | null;
  requesterName: string | null;
  identityVerification: string | null;
  channel: string | null;
  decidedOn: string | null;
  outcome: string | null;
  legalGround: string | null;
  reasons: string | null;
  feeCharged: boolean | null;
  feeGround: string | null;
  decidedByName: string | null;
  unit: { id: string } | null;
  client: { id: string } | null;
  objectionScope: { allNotBasedOnLaw: boolean; recipientName: string | null; recipientOrganisation: { id: string } | null } | null;
  correction: { entityType: string; entityId: string; revision: number } | null;
}
const RECEIVE = `mutation ($input: ReceiveDataSubjectRequestInput!) { receiveDataSubjectRequest(input: $input) { ${FIELDS} } }`;
const EXTEND = `mutation ($id: ID!, $reason: String!, $extendedDueOn: Date) { extendDataSubjectRequest(id: $id, reason: $reason, extendedDueOn: $extendedDueOn) { ${FIELDS} } }`;
const DECIDE = `mutation ($id: ID!, $input: DecideDataSubjectRequestInput!) { decideDataSubjectRequest(id: $id, input: $input) { ${FIELDS} } }`;
const LIST = `query ($filter: DataSubjectRequestFilter, $first: Int, $after: String) {
  dataSubjectRequests(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`;
const ONE = `query ($id: ID!) { dataSubjectRequest(id: $id) { ${FIELDS} } }`;

const receiveInput = (clientId: string, unitId: string, extra: Record<string, unknown> = {}) => ({
  clientId,
  unitId,
  kind: 'ACCESS',
  requesterKind: 'CLIENT',
  identityVerification: 'IN_PERSON_ID_DOCUMENT',
  channel: 'IN_PERSON',
  receivedOn: day(0),
  subject: 'Asiakas pyytää nähtäväkseen kaikki itseään koskevat lastensuojelun asiakirjat.',
  ...extra,
});
const receive = (login: string, input: Record<string, unknown>) =>
  t.execute<{ receiveDataSubjectRequest: Request }>({ ...asPersona(login), query: RECEIVE, variables: { input } });
const extend = (login: string, id: string, reason: string, extendedDueOn?: string) =>
  t.execute<{ extendDataSubjectRequest: Request }>({ ...asPersona(login), query: EXTEND, variables: { id, reason, extendedDueOn } });
const decide = (login: string, id: string, input: Record<string, unknown>) =>
  t.execute<{ decideDataSubjectRequest: Request }>({ ...asPersona(login), query: DECIDE, variables: { id, input } });
const list = (login: string, filter: Record<string, unknown> = {}, first = 100) =>
  t.execute<{ dataSubjectRequests: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Request[] } }>({
    ...asPersona(login),
    query: LIST,
    variables: { filter, first },
  });

/** A received request written directly (the test's own setup, not through the API). */
async function seedRequest(clientId: string, unitId: string, values: Partial<typeof dataSubjectRequests.$inferInsert> = {}): Promise<string> {
  const [row] = await db()
    .insert(dataSubjectRequests)
    .values({ clientId, unitId, kind: 'ACCESS', status: 'RECEIVED', receivedOn: day(-3), requesterKind: 'CLIENT', channel: 'LETTER', subject: 'test', ...values })
    .returning({ id: dataSubjectRequests.id });
  return row!.id;
}
const stored = (id: string) => db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, id)).then((r) => r[0]!);

// ------------------------------------------------------------------------------------------------
// received → due date → extended → decided
// ------------------------------------------------------------------------------------------------

describe('the request workflow, as the unit staff who handle it', () => {
  const client = DEMO.clients.childWelfareOpen;

  it('receives an access request in the unit where the data arose, due one month later, logged as one CREATE', async () => {
    const result = await receive('sw-child', receiveInput(client, UNITS.child, { requesterKind: 'GUARDIAN', requesterName: 'Maija Virtanen', identityVerificationNote: 'passi' }));
    expect(result.errors).toBeUndefined();
    const r = result.data!.receiveDataSubjectRequest;
    expect(r).toMatchObject({
      kind: 'ACCESS',
      status: 'RECEIVED',
      receivedOn: day(0),
      dueOn: addMonths(day(0), 1),
      extendedDueOn: null,
      overdue: false,
      requesterKind: 'GUARDIAN',
      requesterName: 'Maija Virtanen',
      identityVerification: 'IN_PERSON_ID_DOCUMENT',
      channel: 'IN_PERSON',
      outcome: null,
      unit: { id: UNITS.child },
      client: { id: client },
    });
    const log = await logOf(result);
    const creates = log.filter((e) => e.action === 'CREATE');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ entityType: 'DataSubjectRequest', entityId: r.id, clientId: client, outcome: 'ALLOWED', actorRole: 'SOCIAL_WORKER', unitId: UNITS.child });
    expect(creates[0]!.fields).toEqual(expect.arrayContaining(['kind', 'receivedOn', 'requesterKind', 'requesterName', 'subject', 'dueOn']));
  });

  it('refuses incomplete input with the field and a reason', async () => {
    const guardianWithoutName = await receive('sw-child', receiveInput(client, UNITS.child, { requesterKind: 'GUARDIAN' }));
    expect(codesOf(guardianWithoutName)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(guardianWithoutName)?.extensions?.['field']).toBe('input.requesterName');
    const future = await receive('sw-child', receiveInput(client, UNITS.child, { receivedOn: day(3) }));
    expect(codesOf(future)).toEqual(['BAD_USER_INPUT']);
    const objectionWithoutScope = await receive('sw-child', receiveInput(client, UNITS.child, { kind: 'OBJECTION' }));
    expect(codesOf(objectionWithoutScope)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(objectionWithoutScope)?.extensions?.['field']).toBe('input.objection');
    // The registrar (an archived client: it reads nothing else, DESIGN §4) names a unit the client never had a
    // relationship with: not where the data arose.
    const wrongUnit = await receive('admin', receiveInput(DEMO.clients.childWelfareArchived, UNITS.family));
    expect(codesOf(wrongUnit)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(wrongUnit)?.extensions?.['field']).toBe('input.unitId');
  });

  it("an archived client's request is received and decided by the registrar; the unit's staff no longer reach it", async () => {
    const archived = DEMO.clients.childWelfareArchived;
    expect(codesOf(await receive('sw-child', receiveInput(archived, UNITS.child)))).toEqual(['NOT_FOUND']);
    const result = await receive('admin', receiveInput(archived, UNITS.child, { channel: 'LETTER', identityVerification: 'SIGNED_DOCUMENT' }));
    expect(result.errors).toBeUndefined();
    const r = result.data!.receiveDataSubjectRequest;
    expect(r).toMatchObject({ status: 'RECEIVED', unit: { id: UNITS.child }, client: { id: archived } });
    expect((await logOf(result)).filter((e) => e.action === 'CREATE')).toEqual([expect.objectContaining({ actorRole: 'REGISTRAR', clientId: archived })]);
    expect(codesOf(await decide('sw-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' }))).toEqual(['NOT_FOUND']);
    const decided = await decide('admin', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' });
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.decideDataSubjectRequest.decidedByName).toEqual(expect.any(String));
  });

  it('extends the due date once by two months with a reason; a second extension is CONFLICT', async () => {
    const r = (await receive('sw-child', receiveInput(client, UNITS.child))).data!.receiveDataSubjectRequest;
    const noReason = await extend('sw-child', r.id, '   ');
    expect(codesOf(noReason)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(noReason)?.extensions?.['field']).toBe('reason');
    const tooLong = await extend('sw-child', r.id, 'laaja pyyntö', addMonths(r.dueOn!, 3));
    expect(codesOf(tooLong)).toEqual(['BAD_USER_INPUT']);
    const result = await extend('sw-child', r.id, 'Pyyntö koskee yhdeksän vuoden asiakirjoja kolmessa yksikössä.');
    expect(result.errors).toBeUndefined();
    expect(result.data!.extendDataSubjectRequest).toMatchObject({
      status: 'EXTENDED',
      dueOn: addMonths(day(0), 1),
      extendedDueOn: addMonths(addMonths(day(0), 1), 2),
      extensionReason: 'Pyyntö koskee yhdeksän vuoden asiakirjoja kolmessa yksikössä.',
      overdue: false,
    });
    const updates = (await logOf(result)).filter((e) => e.action === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ entityType: 'DataSubjectRequest', entityId: r.id, actorRole: 'SOCIAL_WORKER' });
    const again = await extend('sw-child', r.id, 'vielä lisää aikaa');
    expect(codesOf(again)).toEqual(['CONFLICT']);
    expect((await stored(r.id)).extensionReason).toBe('Pyyntö koskee yhdeksän vuoden asiakirjoja kolmessa yksikössä.');
  });

  it('a failed log write rolls each write back: nothing received, extended or decided', async () => {
    const before = (await db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, client))).length;
    failTransactionalAuditWrites = true;
    const received = await receive('sw-child', receiveInput(client, UNITS.child));
    failTransactionalAuditWrites = false;
    expect(codesOf(received)).toContain('AUDIT_UNAVAILABLE');
    expect((await db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, client))).length).toBe(before);
    const id = await seedRequest(client, UNITS.child);
    failTransactionalAuditWrites = true;
    const extended = await extend('sw-child', id, 'laaja pyyntö');
    const decided = await decide('sw-child', id, { outcome: 'REFUSED', legalGround: 'Tietosuojalaki 1050/2018 34 §', reasons: 'syy' });
    failTransactionalAuditWrites = false;
    expect(codesOf(extended)).toContain('AUDIT_UNAVAILABLE');
    expect(codesOf(decided)).toContain('AUDIT_UNAVAILABLE');
    expect(await stored(id)).toMatchObject({ status: 'RECEIVED', extendedDueOn: null, outcome: null, decidedOn: null });
  });

  it('the extension and the decision are kept in the request\'s history with who and why', async () => {
    const id = await seedRequest(client, UNITS.child);
    expect((await extend('sw-child', id, 'Pyyntö on laaja.')).errors).toBeUndefined();
    expect((await decide('mgr-child', id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' })).errors).toBeUndefined();
    const history = await t.execute<{ history: { revision: number; reason: string | null; changedByName: string | null; changes: { field: string }[] }[] }>({
      as: 'mgr-child',
      query: `query ($id: ID!) { history(entityType: "DataSubjectRequest", id: $id) { revision reason changedByName changes { field } } }`,
      variables: { id },
    });
    expect(history.errors).toBeUndefined();
    expect(history.data!.history.map((h) => [h.revision, h.reason])).toEqual([
      [1, 'Pyyntö on laaja.'],
      [2, 'decided: GRANTED'],
    ]);
    expect(history.data!.history[0]!.changes.map((c) => c.field)).toEqual(expect.arrayContaining(['extendedDueOn', 'extensionReason', 'status']));
  });

  it('decides: granted access; a decided request is not decided again', async () => {
    const r = (await receive('sw-child', receiveInput(client, UNITS.child))).data!.receiveDataSubjectRequest;
    const result = await decide('sw-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.decideDataSubjectRequest).toMatchObject({
      status: 'GRANTED',
      outcome: 'GRANTED',
      legalGround: 'EU 2016/679 15 art.',
      // The day of the decision in Finland (kit/finnish-date.ts), not the UTC day.
      decidedOn: todayInFinland(),
      decidedByName: 'Sari Koskinen',
      feeCharged: false,
      overdue: false,
    });
    const updates = (await logOf(result)).filter((e) => e.action === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ entityType: 'DataSubjectRequest', entityId: r.id, outcome: 'ALLOWED' });
    expect(codesOf(await decide('sw-child', r.id, { outcome: 'REFUSED', legalGround: 'x', reasons: 'y' }))).toEqual(['CONFLICT']);
    expect(codesOf(await extend('sw-child', r.id, 'too late'))).toEqual(['CONFLICT']);
  });

  it('a refusal, whole or part, needs its reasons (BAD_USER_INPUT) and keeps them with the legal ground', async () => {
    const r = (await receive('mgr-child', receiveInput(client, UNITS.child))).data!.receiveDataSubjectRequest;
    const missing = await decide('mgr-child', r.id, { outcome: 'REFUSED', legalGround: 'Tietosuojalaki 1050/2018 34 §' });
    expect(codesOf(missing)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(missing)?.extensions?.['field']).toBe('input.reasons');
    const partlyMissing = await decide('mgr-child', r.id, { outcome: 'PARTLY_GRANTED', legalGround: 'Tietosuojalaki 1050/2018 34 §' });
    expect(codesOf(partlyMissing)).toEqual(['BAD_USER_INPUT']);
    expect((await stored(r.id)).status).toBe('RECEIVED');
    const reasons = 'Tietojen antaminen voisi vaarantaa lapsen terveyden tai kehityksen.';
    const refused = await decide('mgr-child', r.id, { outcome: 'REFUSED', legalGround: 'Tietosuojalaki 1050/2018 34 §', reasons });
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.decideDataSubjectRequest).toMatchObject({ status: 'REFUSED', outcome: 'REFUSED', reasons, legalGround: 'Tietosuojalaki 1050/2018 34 §' });
    // The refusal certificate reads the request by id.
    const one = await t.execute<{ dataSubjectRequest: Request }>({ as: 'dpo', query: ONE, variables: { id: r.id } });
    expect(one.data!.dataSubjectRequest).toMatchObject({ id: r.id, outcome: 'REFUSED', reasons, unit: { id: UNITS.child }, client: { id: client } });
  });

  it('partly granted, with a fee only with its ground', async () => {
    const r = (await receive('sw-child', receiveInput(client, UNITS.child))).data!.receiveDataSubjectRequest;
    const noGround = await decide('sw-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.', feeCharged: true });
    expect(codesOf(noGround)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(noGround)?.extensions?.['field']).toBe('input.feeGround');
    const result = await decide('sw-child', r.id, {
      outcome: 'PARTLY_GRANTED',
      legalGround: 'Tietosuojalaki 1050/2018 34 §',
      reasons: 'Ilmoittajan henkilöllisyys jätetään pois.',
      feeCharged: true,
      feeGround: 'Sama pyyntö vastattu alle vuosi sitten (EU 2016/679 12 art. 5).',
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.decideDataSubjectRequest).toMatchObject({ status: 'PARTLY_GRANTED', outcome: 'PARTLY_GRANTED', feeCharged: true });
  });

  it('a granted rectification of a document is carried out as a correction linked to the request', async () => {
    const r = (await receive('mgr-child', receiveInput(client, UNITS.child, { kind: 'RECTIFICATION', subject: 'Asiakaskertomuksessa väärä päivämäärä.' }))).data!
      .receiveDataSubjectRequest;
    const withoutCorrection = await decide('mgr-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 16 art.' });
    expect(codesOf(withoutCorrection)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(withoutCorrection)?.extensions?.['field']).toBe('input.correction');
    const documentId = DEMO.documents.childWelfareOpenCaseNote;
    const [before] = await db().select().from(documents).where(eq(documents.id, documentId));
    const result = await decide('mgr-child', r.id, {
      outcome: 'GRANTED',
      legalGround: 'EU 2016/679 16 art.',
      correction: { document: { documentId, expectedRevision: before!.currentRevision, title: before!.title, body: `${before!.body} (päivämäärä korjattu)` } },
    });
    expect(result.errors).toBeUndefined();
    const decided = result.data!.decideDataSubjectRequest;
    expect(decided.correction).toEqual({ entityType: 'Document', entityId: documentId, revision: before!.currentRevision + 1 });
    const [revision] = await db()
      .select()
      .from(documentRevisions)
      .where(and(eq(documentRevisions.documentId, documentId), eq(documentRevisions.revision, before!.currentRevision + 1)));
    expect(revision!.reason).toContain(r.id);
    expect(revision!.body).toContain('päivämäärä korjattu');
    // The original stays readable in history, with the request named in the reason.
    const history = await t.execute<{ history: { revision: number; reason: string | null }[] }>({
      as: 'mgr-child',
      query: `query ($id: ID!) { history(entityType: "Document", id: $id) { revision reason } }`,
      variables: { id: documentId },
    });
    expect(history.data!.history.at(-1)!.reason).toContain(r.id);
    const log = await logOf(result);
    expect(log.filter((e) => e.action === 'UPDATE' && e.entityType === 'Document' && e.entityId === documentId)).toHaveLength(1);
    expect(log.filter((e) => e.action === 'UPDATE' && e.entityType === 'DataSubjectRequest' && e.entityId === r.id)).toHaveLength(1);
  });

  it("a granted rectification of the client's own data links the updateClient change in history", async () => {
    const r = (await receive('sw-child', receiveInput(client, UNITS.child, { kind: 'RECTIFICATION', subject: 'Puhelinnumero on väärä.' }))).data!.receiveDataSubjectRequest;
    const read = await t.execute<{ client: { version: number } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { version } }`, variables: { id: client } });
    const update = await t.execute({
      as: 'sw-child',
      query: `mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!, $reason: String) { updateClient(id: $id, version: $version, input: $input, reason: $reason) { id } }`,
      variables: { id: client, version: read.data!.client.version, input: { phone: '040 999 1212' }, reason: `DSR ${r.id}` },
    });
    expect(update.errors).toBeUndefined();
    const history = await t.execute<{ history: { revision: number; reason: string | null }[] }>({
      as: 'sw-child',
      query: `query ($id: ID!) { history(entityType: "Client", id: $id) { revision reason } }`,
      variables: { id: client },
    });
    const last = history.data!.history.at(-1)!;
    expect(last.reason).toBe(`DSR ${r.id}`);
    const unknown = await decide('sw-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 16 art.', correction: { revision: { entityType: 'Client', entityId: client, revision: 999 } } });
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    const result = await decide('sw-child', r.id, {
      outcome: 'GRANTED',
      legalGround: 'EU 2016/679 16 art.',
      correction: { revision: { entityType: 'Client', entityId: client, revision: last.revision } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.decideDataSubjectRequest.correction).toEqual({ entityType: 'Client', entityId: client, revision: last.revision });
  });
});

// ------------------------------------------------------------------------------------------------
// the list: due date order, overdue, who sees what
// ------------------------------------------------------------------------------------------------

describe('dataSubjectRequests: by due date, overdue visible as such', () => {
  let overdueId: string;
  beforeAll(async () => {
    overdueId = (await receive('sw-family', receiveInput(DEMO.clients.familyOnly, UNITS.family, { receivedOn: day(-40) }))).data!.receiveDataSubjectRequest.id;
  });

  it('a request received 40 days ago and not decided is overdue', async () => {
    const result = await list('sw-family', { overdue: true });
    expect(result.errors).toBeUndefined();
    const found = result.data!.dataSubjectRequests.nodes.find((n) => n.id === overdueId);
    expect(found).toMatchObject({ overdue: true, dueOn: addMonths(day(-40), 1), status: 'RECEIVED' });
    for (const n of result.data!.dataSubjectRequests.nodes) expect(n.overdue).toBe(true);
    const notOverdue = await list('sw-family', { overdue: false });
    expect(notOverdue.data!.dataSubjectRequests.nodes.some((n) => n.id === overdueId)).toBe(false);
  });

  it('is ordered by the applying due date and pages with a cursor', async () => {
    const all = (await list('dpo')).data!.dataSubjectRequests;
    const due = all.nodes.map((n) => n.extendedDueOn ?? n.dueOn!);
    expect([...due].sort()).toEqual(due);
    const first = await list('dpo', {}, 2);
    expect(first.data!.dataSubjectRequests.pageInfo.hasNextPage).toBe(true);
    const next = await t.execute<{ dataSubjectRequests: { nodes: Request[] } }>({
      as: 'dpo',
      query: LIST,
      variables: { filter: {}, first: 2, after: first.data!.dataSubjectRequests.pageInfo.endCursor },
    });
    expect(next.data!.dataSubjectRequests.nodes.map((n) => n.id)).toEqual(all.nodes.slice(2, 4).map((n) => n.id));
  });

  it("the unit's staff see their unit's requests only; the DPO all of the organisation's, not another's", async () => {
    const swChild = (await list('sw-child')).data!.dataSubjectRequests.nodes;
    expect(swChild.length).toBeGreaterThan(0);
    expect(swChild.every((n) => n.unit?.id === UNITS.child)).toBe(true);
    const dpo = (await list('dpo')).data!.dataSubjectRequests;
    const units = new Set(dpo.nodes.map((n) => n.unit?.id));
    expect(units.has(UNITS.child) && units.has(UNITS.family)).toBe(true);
    expect(units.has(UNITS.regionB)).toBe(false);
    expect(dpo.totalCount).toBe(dpo.nodes.length);
    // The DPO reads the request, and of the client no more than the id here.
    expect(dpo.nodes.find((n) => n.id === overdueId)).toMatchObject({ overdue: true, client: { id: DEMO.clients.familyOnly } });
    expect(codesOf(await list('billing'))).toEqual(['FORBIDDEN']);
    expect((await list('sw-b')).data!.dataSubjectRequests.nodes.every((n) => n.unit?.id === UNITS.regionB)).toBe(true);
  });

  it('a filter on kind, status or overdue is a use of each matched request\'s field: logged per match, also for a count alone', async () => {
    for (const filter of [{ kind: 'ACCESS' }, { status: 'RECEIVED' }, { overdue: false }] as const) {
      const result = await t.execute<{ dataSubjectRequests: { totalCount: number } }>({
        as: 'dpo',
        query: `query ($filter: DataSubjectRequestFilter) { dataSubjectRequests(filter: $filter, first: 1) { totalCount } }`,
        variables: { filter },
      });
      expect(result.errors).toBeUndefined();
      const total = result.data!.dataSubjectRequests.totalCount;
      expect(total).toBeGreaterThan(1);
      const field = Object.keys(filter)[0]!;
      const uses = (await logOf(result)).filter((e) => e.entityType === 'DataSubjectRequest' && e.fields.includes(field));
      // The first page's row and every counted match (the page's row again): each under the DPO's grant, with its client.
      expect(new Set(uses.map((e) => e.entityId)).size).toBe(total);
      for (const e of uses) expect(e).toMatchObject({ outcome: 'ALLOWED', categories: ['CASE_RECORD'], actorRole: 'AUDITOR', clientId: expect.any(String) });
    }
  });

  it('a client look-up that finds no request the actor may see is logged DENIED naming the client (its own organisation only)', async () => {
    const hidden = await list('sw-child', { clientId: DEMO.clients.adultOnly });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data!.dataSubjectRequests.totalCount).toBe(0);
    expect((await logOf(hidden)).filter((e) => e.outcome === 'DENIED').map((e) => [e.entityType, e.clientId])).toEqual([['Client', DEMO.clients.adultOnly]]);
    const otherOrganisation = await list('sw-child', { clientId: DEMO.regionB.open });
    expect((await logOf(otherOrganisation)).filter((e) => e.outcome === 'DENIED')).toEqual([]);
  });

  it("the DPO naming an archived client whose requests it sees is no refused look-up, whatever else the filter asks", async () => {
    const archived = DEMO.clients.childWelfareArchived;
    await seedRequest(archived, UNITS.child, { kind: 'ACCESS', subject: 'archived client request' });
    const none = await list('dpo', { clientId: archived, kind: 'OBJECTION' });
    expect(none.errors).toBeUndefined();
    expect(none.data!.dataSubjectRequests.totalCount).toBe(0);
    expect((await logOf(none)).filter((e) => e.outcome === 'DENIED')).toEqual([]);
  });

  it('each request shown is logged as a READ of the request with CASE_RECORD', async () => {
    const result = await list('dpo', { clientId: DEMO.clients.familyOnly });
    const reads = (await logOf(result)).filter((e) => e.action === 'READ' && e.entityType === 'DataSubjectRequest');
    expect(reads.map((e) => e.entityId).sort()).toEqual(result.data!.dataSubjectRequests.nodes.map((n) => n.id).sort());
    for (const e of reads) expect(e).toMatchObject({ categories: ['CASE_RECORD'], actorRole: 'AUDITOR', clientId: DEMO.clients.familyOnly });
  });
});

// ------------------------------------------------------------------------------------------------
// personas × writes × targets
// ------------------------------------------------------------------------------------------------

type Cell = 'OK' | 'FORBIDDEN' | 'NOT_FOUND';
const TARGETS = {
  /** childWelfareOpen in child welfare (open relationship). */
  ownUnit: { client: DEMO.clients.childWelfareOpen, unit: UNITS.child, organisation: 'region' },
  /** familyOnly in family services: another unit of the region. */
  otherUnit: { client: DEMO.clients.familyOnly, unit: UNITS.family, organisation: 'region' },
  regionB: { client: DEMO.regionB.open, unit: UNITS.regionB, organisation: 'region-b' },
} as const;
type Target = keyof typeof TARGETS;

/**
 * Receive: the unit's SOCIAL_WORKER / MANAGER for a client the unit serves or served; the REGISTRAR for
 * its organisation's ARCHIVED clients only (seed 002: rekisteriasioita hoitava henkilö; DESIGN §4: it reads
 * clients only through the archive — all three targets here are active clients). STUDENT, BILLING and AUDITOR write
 * nothing on records (FORBIDDEN where they see the client); a client not seen, or another register's,
 * is an unknown id (NOT_FOUND).
 */
const RECEIVE_EXPECTED: Record<ActiveLogin, Record<Target, Cell>> = {
  'sw-child': { ownUnit: 'OK', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  'sw-family': { ownUnit: 'NOT_FOUND', otherUnit: 'OK', regionB: 'NOT_FOUND' },
  'sw-adult': { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  'mgr-child': { ownUnit: 'OK', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  'student-child': { ownUnit: 'FORBIDDEN', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  billing: { ownUnit: 'FORBIDDEN', otherUnit: 'FORBIDDEN', regionB: 'NOT_FOUND' },
  dpo: { ownUnit: 'FORBIDDEN', otherUnit: 'FORBIDDEN', regionB: 'NOT_FOUND' },
  // The REGISTRAR reads nothing about active clients (DESIGN §4): it handles requests of archived clients only
  // (see "an archived client's request …" above); an active client is, to it, an unknown id.
  admin: { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  majakka: { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  'sw-adult-student': { ownUnit: 'FORBIDDEN', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  'mgr-family-sw-child': { ownUnit: 'OK', otherUnit: 'OK', regionB: 'NOT_FOUND' },
  'billing-student': { ownUnit: 'FORBIDDEN', otherUnit: 'FORBIDDEN', regionB: 'NOT_FOUND' },
  'dpo-student': { ownUnit: 'FORBIDDEN', otherUnit: 'FORBIDDEN', regionB: 'NOT_FOUND' },
  'sw-b': { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'OK' },
  'dpo-b': { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'FORBIDDEN' },
};
/**
 * Extend and decide an existing request: whoever may receive it in that unit; those who see the request
 * but may not handle it (STUDENT, AUDITOR) FORBIDDEN; those who do not see it (BILLING: no case records)
 * NOT_FOUND.
 */
const HANDLE_EXPECTED: Record<ActiveLogin, Record<Target, Cell>> = {
  ...RECEIVE_EXPECTED,
  billing: { ownUnit: 'NOT_FOUND', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
  // Sees the family-services client as BILLING, but not its requests (the student grant is child welfare's).
  'billing-student': { ownUnit: 'FORBIDDEN', otherUnit: 'NOT_FOUND', regionB: 'NOT_FOUND' },
};
/** Who lists a request: the unit's staff (students included: they read their unit's case records), the DPO; the registrar only archived clients' (none here). */
/** Roles that read no data-subject request's fields (its due date, the list's sort key, included). */
const NO_REQUEST_FIELDS: ReadonlySet<string> = new Set(['billing', 'majakka']);
const LIST_EXPECTED: Record<ActiveLogin, Record<Target, boolean>> = {
  'sw-child': { ownUnit: true, otherUnit: false, regionB: false },
  'sw-family': { ownUnit: false, otherUnit: true, regionB: false },
  'sw-adult': { ownUnit: false, otherUnit: false, regionB: false },
  'mgr-child': { ownUnit: true, otherUnit: false, regionB: false },
  'student-child': { ownUnit: true, otherUnit: false, regionB: false },
  billing: { ownUnit: false, otherUnit: false, regionB: false },
  dpo: { ownUnit: true, otherUnit: true, regionB: false },
  // Requests of archived clients only (DESIGN §4: the registrar reads clients only through the archive).
  admin: { ownUnit: false, otherUnit: false, regionB: false },
  majakka: { ownUnit: false, otherUnit: false, regionB: false },
  'sw-adult-student': { ownUnit: true, otherUnit: false, regionB: false },
  'mgr-family-sw-child': { ownUnit: true, otherUnit: true, regionB: false },
  'billing-student': { ownUnit: true, otherUnit: false, regionB: false },
  'dpo-student': { ownUnit: true, otherUnit: true, regionB: false },
  'sw-b': { ownUnit: false, otherUnit: false, regionB: true },
  'dpo-b': { ownUnit: false, otherUnit: false, regionB: true },
};
const ROLE_OF: Partial<Record<ActiveLogin, Partial<Record<Target, string>>>> = {
  'sw-child': { ownUnit: 'SOCIAL_WORKER' },
  'sw-family': { otherUnit: 'SOCIAL_WORKER' },
  'mgr-child': { ownUnit: 'MANAGER' },
  'mgr-family-sw-child': { ownUnit: 'SOCIAL_WORKER', otherUnit: 'MANAGER' },
  'sw-b': { regionB: 'SOCIAL_WORKER' },
};
const organisationOf = (login: ActiveLogin) => (login === 'majakka' ? 'region' : (DEMO.users as Record<string, { organisation?: string }>)[login]?.organisation);

async function expectRefusal(login: ActiveLogin, target: Target, expected: Cell, result: { errors?: readonly GraphQLFormattedError[]; headers: Record<string, string> }) {
  expect(codesOf(result)).toEqual([expected]);
  const log = await logOf(result);
  expect(log.filter((e) => e.outcome === 'ALLOWED' && (e.action === 'CREATE' || e.action === 'UPDATE'))).toEqual([]);
  // A refusal about a client of the caller's register (organisationOf: a partner token's is its issuing region's)
  // is logged DENIED with it; another register's client is never named (as in the write matrix).
  const denied = log.filter((e) => e.outcome === 'DENIED' && e.clientId === TARGETS[target].client);
  expect(denied.length > 0).toBe(organisationOf(login) === TARGETS[target].organisation);
}

const cells = <T>(table: Record<ActiveLogin, Record<Target, T>>) =>
  ACTIVE_LOGINS.flatMap((login) => (Object.keys(TARGETS) as Target[]).map((target) => [login, target, table[login][target]] as const));

describe('receiveDataSubjectRequest: personas × targets', () => {
  it.each(cells(RECEIVE_EXPECTED))('%s × %s → %s', async (login, target, expected) => {
    const { client, unit } = TARGETS[target];
    const before = (await db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, client))).length;
    const result = await receive(login, receiveInput(client, unit, { subject: `matrix ${login}` }));
    const after = (await db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, client))).length;
    if (expected !== 'OK') {
      await expectRefusal(login, target, expected, result);
      expect(after).toBe(before);
      return;
    }
    expect(result.errors).toBeUndefined();
    expect(after).toBe(before + 1);
    const creates = (await logOf(result)).filter((e) => e.action === 'CREATE' && e.outcome === 'ALLOWED');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ entityType: 'DataSubjectRequest', clientId: client, actorRole: ROLE_OF[login]?.[target] });
  });
});

describe('extendDataSubjectRequest and decideDataSubjectRequest: personas × targets', () => {
  it.each(cells(HANDLE_EXPECTED))('%s × %s → %s', async (login, target, expected) => {
    const { client, unit } = TARGETS[target];
    const extendId = await seedRequest(client, unit);
    const decideId = await seedRequest(client, unit);
    const extended = await extend(login, extendId, 'laaja pyyntö');
    const decided = await decide(login, decideId, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' });
    for (const [result, id] of [[extended, extendId], [decided, decideId]] as const) {
      if (expected !== 'OK') {
        await expectRefusal(login, target, expected, result);
        expect((await stored(id)).status).toBe('RECEIVED');
        continue;
      }
      expect(result.errors).toBeUndefined();
      const updates = (await logOf(result)).filter((e) => e.action === 'UPDATE' && e.outcome === 'ALLOWED');
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ entityType: 'DataSubjectRequest', entityId: id, clientId: client, actorRole: ROLE_OF[login]?.[target] });
    }
    if (expected === 'OK') {
      expect((await stored(extendId)).status).toBe('EXTENDED');
      expect((await stored(decideId)).status).toBe('GRANTED');
    }
  });
});

describe('dataSubjectRequests / dataSubjectRequest: personas × targets', () => {
  const ids: Partial<Record<Target, string>> = {};
  beforeAll(async () => {
    for (const target of Object.keys(TARGETS) as Target[]) ids[target] = await seedRequest(TARGETS[target].client, TARGETS[target].unit, { subject: `list ${target}` });
  });
  it.each(cells(LIST_EXPECTED))('%s × %s → %s', async (login, target, visible) => {
    const listed = await list(login, { clientId: TARGETS[target].client });
    if (NO_REQUEST_FIELDS.has(login)) {
      // The list is sorted by due date: who may read no request's due date is refused the list (logged).
      expect(codesOf(listed)).toEqual(['FORBIDDEN']);
      expect((await logOf(listed)).some((e) => e.outcome === 'DENIED' && e.entityType === 'DataSubjectRequest')).toBe(true);
    } else {
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.dataSubjectRequests.nodes.some((n) => n.id === ids[target])).toBe(visible);
    }
    const one = await t.execute<{ dataSubjectRequest: Request | null }>({ ...asPersona(login), query: ONE, variables: { id: ids[target] } });
    expect(one.data?.dataSubjectRequest?.id ?? null).toBe(visible ? ids[target] : null);
    if (visible) expect(one.data!.dataSubjectRequest!.subject).toBe(`list ${target}`);
  });
  it('an unknown id is null', async () => {
    const one = await t.execute<{ dataSubjectRequest: Request | null }>({ as: 'dpo', query: ONE, variables: { id: UNKNOWN_ID } });
    expect(one.data!.dataSubjectRequest).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------
// objection (kielto-oikeus) enforced by recordDisclosure
// ------------------------------------------------------------------------------------------------

describe('a granted objection is enforced by recordDisclosure', () => {
  const client = DEMO.clients.childWelfareOpen;
  const RECORD_DISCLOSURE = `mutation ($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id } }`;
  let consentId: string;
  const disclosure = (basis: Record<string, unknown>) => ({
    clientId: client,
    unitId: UNITS.child,
    recipientName: 'Koulun oppilashuolto',
    requestDescription: 'Koulun oppilashuollon pyyntö: viimeisin asiakaskertomus.',
    requestedOn: day(-1),
    documentIds: [DEMO.documents.childWelfareOpenCaseNote],
    ...basis,
  });
  const record = (basis: Record<string, unknown>) => t.execute({ as: 'sw-child', query: RECORD_DISCLOSURE, variables: { input: disclosure(basis) } });

  beforeAll(async () => {
    const [consent] = await db()
      .select()
      .from(consents)
      .where(and(eq(consents.clientId, client), eq(consents.recipientName, 'Koulun oppilashuolto')));
    consentId = consent!.id;
  });

  it('before the decision a disclosure on consent is made; after it, CONFLICT logged DENIED; on a legal basis still allowed', async () => {
    expect((await record({ consentId })).errors).toBeUndefined();
    const r = (
      await receive('sw-child', receiveInput(client, UNITS.child, { kind: 'OBJECTION', subject: 'Asiakas kieltää tietojen luovuttamisen koululle.', objection: { recipientName: 'koulun oppilashuolto' } }))
    ).data!.receiveDataSubjectRequest;
    expect(r.objectionScope).toEqual({ allNotBasedOnLaw: false, recipientName: 'koulun oppilashuolto', recipientOrganisation: null });
    // Received, not decided: not yet enforced.
    expect((await record({ consentId })).errors).toBeUndefined();
    const partly = await decide('sw-child', r.id, { outcome: 'PARTLY_GRANTED', legalGround: 'EU 2016/679 21 art.', reasons: 'x' });
    expect(codesOf(partly)).toEqual(['BAD_USER_INPUT']);
    expect((await decide('sw-child', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 21 art.' })).errors).toBeUndefined();

    const refused = await record({ consentId });
    expect(codesOf(refused)).toEqual(['CONFLICT']);
    expect(errorOf(refused)?.message).toContain(r.id);
    const log = await logOf(refused);
    expect(log.filter((e) => e.outcome === 'DENIED' && e.entityType === 'Disclosure' && e.clientId === client)).toHaveLength(1);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && (e.action === 'CREATE' || e.action === 'DISCLOSE'))).toEqual([]);

    const onLaw = await record({ legalAct: 'Oppilas- ja opiskelijahuoltolaki 1287/2013', legalSection: '23 §' });
    expect(onLaw.errors).toBeUndefined();
  });

  it('a consent given after the objection does not override it', async () => {
    const [later] = await db()
      .insert(consents)
      .values({ clientId: client, unitId: UNITS.child, recipientName: 'Koulun oppilashuolto', purpose: 'uusi suostumus', givenOn: day(0), scope: ['WELFARE', 'CASE_RECORD'] })
      .returning({ id: consents.id });
    const result = await record({ consentId: later!.id });
    expect(codesOf(result)).toEqual(['CONFLICT']);
  });

  it('an objection to all disclosures not based on law covers any recipient', async () => {
    const adult = DEMO.clients.adultOnly;
    const r = (
      await receive('sw-adult', receiveInput(adult, DEMO.units['adult-services'].id, { kind: 'OBJECTION', subject: 'Kaikki suostumukseen perustuvat luovutukset.', objection: { allNotBasedOnLaw: true } }))
    ).data!.receiveDataSubjectRequest;
    expect((await decide('sw-adult', r.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 21 art.' })).errors).toBeUndefined();
    const [kela] = await db().select().from(consents).where(and(eq(consents.clientId, adult), eq(consents.recipientName, 'Kela')));
    const result = await t.execute({
      as: 'sw-adult',
      query: RECORD_DISCLOSURE,
      variables: {
        input: {
          clientId: adult,
          unitId: DEMO.units['adult-services'].id,
          recipientName: 'Kela',
          consentId: kela!.id,
          requestDescription: 'Kelan pyyntö',
          requestedOn: day(-1),
          documentIds: [DEMO.documents.adultOnlyCaseNote],
        },
      },
    });
    expect(codesOf(result)).toEqual(['CONFLICT']);
  });
});
