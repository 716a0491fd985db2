/**
 * Security review probes for issue 12 item 4: the full record extract (`clientRecordExtract`,
 * `decideExtractRedactions`, `GET /documents/client-record-extract/{clientId}?requestId=…`).
 * Each describe states the SECURE behaviour; a failing test is a finding.
 */
import {
  careDays,
  clients,
  dataSubjectRequests,
  DEMO,
  DEMO_PARTNER_TOKEN,
  documentRevisions,
  documents,
  entries,
  extractRedactions,
  grants,
  guardians,
  placements,
  userCommitments,
  users,
} from '@vartija/db';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { codesOf, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
const auditLog = new SwitchableAuditSink(() => t.database);
beforeAll(async () => {
  t = await startTestStack({ auditSink: auditLog, grantCacheMs: 60_000 });
}, 120_000);
afterAll(() => t?.close());
afterEach(() => {
  auditLog.failing = false;
});

const db = () => t.database.db;
const U = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  adult: DEMO.units['adult-services'].id,
  regionB: DEMO.units['b-child-welfare'].id,
};
const CLIENT = DEMO.clients.childWelfareOpen;
const CHILD_ADULT = DEMO.clients.childAndAdult;
const ARCHIVED = DEMO.clients.childWelfareArchived;
const today = () => new Date().toISOString().slice(0, 10);
const asP = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const logOf = (r: { headers: Record<string, string> }) => db().select().from(entries).where(eq(entries.requestId, r.headers['x-request-id']!));
const RESTRICTED = ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'] as const;

const EXTRACT = /* GraphQL */ `
  query Extract($clientId: ID!, $requestId: ID!) {
    clientRecordExtract(clientId: $clientId, requestId: $requestId) {
      request { id kind status receivedOn unitId }
      clientId controllerName serviceLanguage clientArchived producedAt
      units { id name organisationName }
      sections { entityType records { id entityType unitId disclosure fields { name category value } } }
      redactions { documentId withhold reason decidedAt decidedByName }
      awaitingRedaction
    }
  }
`;
const REDACT = /* GraphQL */ `
  mutation Redact($requestId: ID!, $redactions: [ExtractRedactionInput!]!) {
    decideExtractRedactions(requestId: $requestId, redactions: $redactions) { documentId withhold reason decidedByName }
  }
`;
const RECEIVE = `mutation ($input: ReceiveDataSubjectRequestInput!) { receiveDataSubjectRequest(input: $input) { id } }`;
const DECIDE = `mutation ($id: ID!, $input: DecideDataSubjectRequestInput!) { decideDataSubjectRequest(id: $id, input: $input) { id } }`;
const CORRECT = `mutation ($id: ID!, $rev: Int!, $input: CorrectDocumentInput!) { correctDocument(id: $id, expectedRevision: $rev, input: $input) { id } }`;
const DISCLOSE = `mutation ($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id } }`;

interface Rec {
  id: string;
  entityType: string;
  unitId: string | null;
  disclosure: string;
  fields: { name: string; category: string; value: string | null }[];
}
interface Extract {
  request: { id: string; unitId: string | null };
  sections: { entityType: string; records: Rec[] }[];
  redactions: { documentId: string; withhold: boolean; reason: string; decidedByName: string | null }[];
  awaitingRedaction: string[];
}
const recordsOf = (x: Extract, type: string) => x.sections.find((s) => s.entityType === type)?.records ?? [];

async function receive(login: string, clientId: string, unitId: string, kind = 'ACCESS'): Promise<string> {
  const r = await t.execute<{ receiveDataSubjectRequest: { id: string } }>({
    ...asP(login),
    query: RECEIVE,
    variables: { input: { clientId, unitId, kind, requesterKind: 'CLIENT', identityVerification: 'IN_PERSON_ID_DOCUMENT', channel: 'LETTER', receivedOn: today(), subject: 'probe' } },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.receiveDataSubjectRequest.id;
}
async function seedRequest(clientId: string, unitId: string, values: Partial<typeof dataSubjectRequests.$inferInsert> = {}): Promise<string> {
  const [row] = await db()
    .insert(dataSubjectRequests)
    .values({ clientId, unitId, kind: 'ACCESS', status: 'RECEIVED', receivedOn: today(), requesterKind: 'CLIENT', channel: 'LETTER', subject: 'probe', ...values })
    .returning({ id: dataSubjectRequests.id });
  return row!.id;
}
const extract = (login: string, clientId: string, requestId: string, headers?: Record<string, string>) =>
  t.execute<{ clientRecordExtract: Extract }>({ ...asP(login), query: EXTRACT, variables: { clientId, requestId }, headers });
async function extractOk(login: string, clientId: string, requestId: string) {
  const r = await extract(login, clientId, requestId);
  expect(r.errors).toBeUndefined();
  return { x: r.data!.clientRecordExtract, r };
}
const redact = (login: string, requestId: string, redactions: { documentId: string; withhold: boolean; reason: string }[]) =>
  t.execute<{ decideExtractRedactions: { documentId: string }[] }>({ ...asP(login), query: REDACT, variables: { requestId, redactions } });
async function page(clientId: string, requestId: string, as?: string) {
  const req = t.gateway().get(`/documents/client-record-extract/${clientId}?requestId=${requestId}`);
  if (as) req.set('authorization', `Bearer ${await t.tokenFor(as)}`);
  return req;
}
const restrictedDocsOf = (clientId: string) =>
  db().select().from(documents).where(and(eq(documents.clientId, clientId), inArray(documents.type, [...RESTRICTED])));

// ------------------------------------------------------------------------------------------------
// 1. Who may make the extract: a user holding REGISTRAR plus a unit grant gets no extract of an ACTIVE client
// ------------------------------------------------------------------------------------------------
describe('a REGISTRAR who also holds a unit grant makes the extract of archived clients only (the unit grant gives no extract)', () => {
  let login: string;
  beforeAll(async () => {
    login = `rev-registrar-sw-${Date.now()}`;
    const [user] = await db().insert(users).values({ login, displayName: 'Rekisteri Sosiaalityö', organisationId: DEMO.organisations.region.id }).returning();
    const from = new Date(Date.now() - 86_400_000);
    await db().insert(grants).values([
      { userId: user!.id, role: 'REGISTRAR', organisationId: DEMO.organisations.region.id, validFrom: from },
      { userId: user!.id, role: 'SOCIAL_WORKER', organisationId: DEMO.organisations.region.id, unitId: U.child, validFrom: from },
    ]);
    await db().insert(userCommitments).values({ userId: user!.id, signedOn: '2020-01-01' });
  });

  it('refuses the extract of an active child-welfare client (the SOCIAL_WORKER grant sees it, the REGISTRAR rule must not ride on it)', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const r = await extract(login, CLIENT, requestId);
    const exported = (await logOf(r)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED');
    expect({ codes: codesOf(r), exported: exported.length, role: exported[0]?.actorRole ?? null }).toEqual({ codes: ['FORBIDDEN'], exported: 0, role: null });
  });
});

// ------------------------------------------------------------------------------------------------
// 2. Which request: another client's, another kind, refused, region-b, mismatches, malformed
// ------------------------------------------------------------------------------------------------
describe('the extract answers only the client own ACCESS request; a wrong request leaks nothing of either client', () => {
  it.each([
    ['ACCESS request of another client of the same organisation', async (): Promise<string> => receive('sw-child', DEMO.clients.childAndFamily, U.child), 'BAD_USER_INPUT'],
    ['RECTIFICATION request of the client', async (): Promise<string> => receive('sw-child', CLIENT, U.child, 'RECTIFICATION'), 'BAD_USER_INPUT'],
    ['OBJECTION request of the client', async (): Promise<string> => seedRequest(CLIENT, U.child, { kind: 'OBJECTION' }), 'BAD_USER_INPUT'],
    ['refused ACCESS request of the client', async (): Promise<string> => seedRequest(CLIENT, U.child, { status: 'REFUSED', decidedOn: today(), reasons: 'probe' }), 'CONFLICT'],
    ['region-b ACCESS request (another register)', async (): Promise<string> => seedRequest(DEMO.regionB.open, U.regionB), 'BAD_USER_INPUT'],
    ['region-b request of the SAME person (shared identity code)', async (): Promise<string> => seedRequest(DEMO.regionB.sharedPersons[1]!.regionBClientId, U.regionB), 'BAD_USER_INPUT'],
    ['unknown id', async (): Promise<string> => '00000000-0000-4000-8000-000000000000', 'BAD_USER_INPUT'],
    ['malformed id', async (): Promise<string> => "1' OR '1'='1", 'BAD_USER_INPUT'],
  ] as const)('%s: %s, nothing exported', async (_label, make, code) => {
    const requestId = await make();
    const clientId = _label.includes('SAME person') ? DEMO.regionB.sharedPersons[1]!.regionClientId : CLIENT;
    const r = await extract('dpo', clientId, requestId);
    expect(codesOf(r)).toEqual([code]);
    expect(r.data?.clientRecordExtract ?? null).toBeNull();
    expect((await logOf(r)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
    // The error names nothing of either client.
    const codes = await db().select({ id: clients.id, code: clients.personalIdentityCode, first: clients.firstName, last: clients.lastName }).from(clients);
    const text = JSON.stringify(r.errors);
    for (const c of codes) {
      if (c.code) expect(text.includes(c.code) ? c.code : null).toBeNull();
      expect(text.includes(c.id) ? c.id : null).toBeNull();
    }
  });

  it('another region DPO with its own client and a region request: BAD_USER_INPUT; with the region client: NOT_FOUND; nothing exported', async () => {
    const regionRequest = await receive('sw-child', CLIENT, U.child);
    const bRequest = await seedRequest(DEMO.regionB.open, U.regionB);
    const a = await extract('dpo-b', DEMO.regionB.open, regionRequest);
    expect(codesOf(a)).toEqual(['BAD_USER_INPUT']);
    const b = await extract('dpo-b', CLIENT, bRequest);
    expect(codesOf(b)).toEqual(['NOT_FOUND']);
    const c = await extract('dpo-b', CLIENT, regionRequest);
    expect(codesOf(c)).toEqual(['NOT_FOUND']);
    for (const r of [a, b, c]) expect((await logOf(r)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
  });

  it('malformed client ids are NOT_FOUND and export nothing', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    for (const clientId of ['not-a-uuid', '', `${CLIENT} `, CLIENT.toUpperCase()]) {
      const r = await extract('dpo', clientId, requestId);
      if (clientId === CLIENT.toUpperCase() && !r.errors) continue; // same id, other case: acceptable if it is the same client
      // An unknown or malformed client id: refused (NOT_FOUND, or BAD_USER_INPUT for a non-ID), nothing given.
      expect({ clientId, refused: ['NOT_FOUND', 'BAD_USER_INPUT'].includes(String(codesOf(r)[0])) }).toEqual({ clientId, refused: true });
      expect((await logOf(r)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
    }
  });

  it('the REGISTRAR with an archived client id and an active client request: refused, nothing exported', async () => {
    const activeRequest = await receive('sw-child', CLIENT, U.child);
    const r = await extract('admin', ARCHIVED, activeRequest);
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect((await logOf(r)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// 3. What it contains: nothing of another person, staff by id only, no access log
// ------------------------------------------------------------------------------------------------
describe('the extract holds nothing of another person (ids, identity codes), staff by id only, and not the access log', () => {
  const cases = [
    ['child and adult services', DEMO.clients.childAndAdult, U.child],
    ['family and adult services', DEMO.clients.familyAndAdult, U.family],
    ['a majakka-commissioned client (partner documents)', DEMO.clients.majakkaActive[0]!, U.child],
    ['a person also in region-b (shared identity code)', DEMO.regionB.sharedPersons[1]!.regionClientId, U.child],
    ['the archived client', ARCHIVED, U.child],
  ] as const;
  it.each(cases)('%s', async (_label, clientId, unitId) => {
    const requestId = await seedRequest(clientId, unitId);
    const { x, r } = await extractOk('dpo', clientId, requestId);
    const json = JSON.stringify(x);
    const [own] = await db().select().from(clients).where(eq(clients.id, clientId));
    const others = await db().select().from(clients).where(ne(clients.id, clientId));
    for (const o of others) {
      expect(json.includes(o.id) ? o.id : null).toBeNull();
      if (o.personalIdentityCode && o.personalIdentityCode !== own!.personalIdentityCode) {
        expect(json.includes(o.personalIdentityCode) ? o.personalIdentityCode : null).toBeNull();
      }
    }
    const otherDocs = await db().select({ id: documents.id }).from(documents).where(ne(documents.clientId, clientId));
    for (const d of otherDocs) expect(json.includes(d.id) ? d.id : null).toBeNull();
    const otherGuardians = await db().select({ id: guardians.id }).from(guardians).where(ne(guardians.clientId, clientId));
    for (const g of otherGuardians) expect(json.includes(g.id) ? g.id : null).toBeNull();
    // Staff by id only: no display name or login of any user.
    for (const u of await db().select({ name: users.displayName, login: users.login }).from(users)) {
      expect(json.includes(u.name) ? u.name : null).toBeNull();
    }
    // The access log is not in it.
    expect(x.sections.map((s) => s.entityType)).not.toContain('AuditEntry');
    const fieldNames = new Set(x.sections.filter((s) => s.entityType !== 'DataSubjectRequest').flatMap((s) => s.records.flatMap((rec) => rec.fields.map((f) => f.name))));
    expect(['actorId', 'outcome', 'prevHash', 'hash'].filter((n) => fieldNames.has(n))).toEqual([]);
    // Revision rows: only of this client.
    for (const rev of recordsOf(x, 'Revision')) expect(rev.fields.find((f) => f.name === 'clientId')?.value).toBe(clientId);
    expect(r.status).toBe(200);
  });

  it('after a redaction decision, the decision names its maker (as decisions are signed), and the records still name no employee', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const [doc] = await restrictedDocsOf(CLIENT);
    const decided = await redact('sw-child', requestId, [{ documentId: doc!.id, withhold: true, reason: 'Tietosuojalaki 34 §' }]);
    expect(decided.errors).toBeUndefined();
    const { x } = await extractOk('dpo', CLIENT, requestId);
    const name = DEMO.users['sw-child'].displayName;
    // Decided deliberately (README): a decision names who made it, like the refusal certificate's decision maker.
    expect(JSON.stringify(x.redactions)).toContain(name);
    expect(JSON.stringify(x.sections).includes(name) ? 'sw-child display name in the records' : null).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------
// 4. Restricted documents: no content before a decision, through any channel of the extract
// ------------------------------------------------------------------------------------------------
describe('restricted documents give no title, body, author or correction reason anywhere in the extract or the page before a decision', () => {
  it('after a correction and a disclosure of the restricted documents, nothing of their content is in the extract or on the page', async () => {
    const restricted = await restrictedDocsOf(CLIENT);
    expect(restricted.length).toBeGreaterThan(1);
    const statement = restricted.find((d) => d.type === 'STATEMENT')!;
    // The unit's manager corrects the statement (an earlier title and body stay in document_revisions).
    const corrected = await t.execute({
      as: 'mgr-child',
      query: CORRECT,
      variables: { id: statement.id, rev: statement.currentRevision, input: { title: 'Korjattu lausunto REVPROBE', body: 'Korjattu sisältö REVPROBE-BODY', reason: 'Ilmoittaja Matti REVPROBE-REASON' } },
    });
    expect(corrected.errors).toBeUndefined();
    // Disclosed to the police on a legal basis.
    const disclosed = await t.execute({
      as: 'sw-child',
      query: DISCLOSE,
      variables: {
        input: {
          clientId: CLIENT,
          unitId: U.child,
          recipientName: 'Poliisi',
          legalAct: 'Lastensuojelulaki',
          legalSection: '25 §',
          requestDescription: 'Poliisin pyyntö',
          requestedOn: today(),
          documentIds: restricted.map((d) => d.id),
        },
      },
    });
    const requestId = await receive('sw-child', CLIENT, U.child);
    const { x } = await extractOk('dpo', CLIENT, requestId);
    const html = (await page(CLIENT, requestId, 'dpo')).text;
    const json = JSON.stringify(x);
    const revs = await db().select().from(documentRevisions).where(inArray(documentRevisions.documentId, restricted.map((d) => d.id)));
    const secrets = new Set<string>();
    for (const d of await restrictedDocsOf(CLIENT)) [d.title, d.body].forEach((s) => secrets.add(s));
    for (const rv of revs) [rv.title, rv.body, rv.reason].forEach((s) => s && s.length > 3 && secrets.add(s));
    for (const s of secrets) {
      expect({ where: 'extract', leaked: json.includes(JSON.stringify(s).slice(1, -1)) ? s : null }).toEqual({ where: 'extract', leaked: null });
      expect({ where: 'page', leaked: html.includes(s) ? s : null }).toEqual({ where: 'page', leaked: null });
    }
    // No authorId of a restricted document or revision given.
    for (const rec of [...recordsOf(x, 'Document'), ...recordsOf(x, 'DocumentRevision')].filter((r) => r.disclosure !== 'SHOWN')) {
      expect(rec.fields.map((f) => f.name).filter((n) => ['title', 'body', 'authorId', 'reason', 'authorOrganisationId'].includes(n))).toEqual([]);
    }
    expect(disclosed.errors ?? []).toBeDefined();
  });
});

// ------------------------------------------------------------------------------------------------
// 5. Redaction decisions: who, which documents, how often, with what reason
// ------------------------------------------------------------------------------------------------
describe('redaction decisions are made only where the restricted document arose, once, with a real reason', () => {
  it('the adult-services worker handling a request cannot decide to SHOW a child-welfare STATEMENT it cannot read', async () => {
    const requestId = await receive('sw-adult', CHILD_ADULT, U.adult);
    const statement = DEMO.documents.childAndAdultChildWelfareRestricted;
    // sw-adult cannot read that document itself.
    const read = await t.execute<{ client: { documents: { id: string }[] | null } | null }>({ as: 'sw-adult', query: `query ($id: ID!) { client(id: $id) { documents { id } } }`, variables: { id: CHILD_ADULT } });
    expect((read.data?.client?.documents ?? []).map((d) => d.id)).not.toContain(statement);
    const r = await redact('sw-adult', requestId, [{ documentId: statement, withhold: false, reason: 'Ei vaaranna ketään' }]);
    const stored = await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId));
    // What the DPO then gives the data subject: the child-welfare statement, shown on the adult unit's decision.
    const [body] = await db().select({ body: documents.body }).from(documents).where(eq(documents.id, statement));
    const { x } = await extractOk('dpo', CHILD_ADULT, requestId);
    const shown = recordsOf(x, 'Document').find((d) => d.id === statement)!;
    expect({ codes: codesOf(r).length > 0, stored: stored.length, disclosure: shown.disclosure, bodyGiven: JSON.stringify(x).includes(body!.body) }).toEqual({
      codes: true,
      stored: 0,
      disclosure: 'AWAITING_REDACTION_DECISION',
      bodyGiven: false,
    });
  });

  it('the same document twice in one call, a non-UUID id: BAD_USER_INPUT; another client\'s document or an unknown id: FORBIDDEN as for one the decider may not read; nothing stored', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const [doc] = await restrictedDocsOf(CLIENT);
    const other = DEMO.documents.childAndAdultChildWelfareRestricted;
    for (const redactions of [
      [
        { documentId: doc!.id, withhold: false, reason: 'a' },
        { documentId: doc!.id, withhold: true, reason: 'b' },
      ],
      [{ documentId: 'x', withhold: false, reason: 'a' }],
    ]) {
      expect(codesOf(await redact('sw-child', requestId, redactions))).toEqual(['BAD_USER_INPUT']);
    }
    for (const documentId of [other, '00000000-0000-4000-8000-00000000d0c5']) {
      const result = await redact('sw-child', requestId, [{ documentId, withhold: false, reason: 'a' }]);
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      // Not the request's client's document: nothing to name in a DENIED entry.
      expect((await logOf(result)).filter((e) => e.outcome === 'DENIED')).toEqual([]);
    }
    expect(await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId))).toEqual([]);
  });

  it("a decider who may not read the client's document gets one answer whatever its type (attack review, session 10): FORBIDDEN, DENIED naming it", async () => {
    // sw-adult handles an access request of the client in adult services; the client's child-welfare documents
    // (a restricted STATEMENT-type one and an ordinary case note alike) are not the adult worker's to read.
    const requestId = await receive('sw-adult', DEMO.clients.childAndAdult, U.adult);
    const childWelfareDocs = await db()
      .select({ id: documents.id, type: documents.type })
      .from(documents)
      .where(and(eq(documents.clientId, DEMO.clients.childAndAdult), eq(documents.unitId, U.child)));
    const types = new Set(childWelfareDocs.map((d) => d.type));
    expect(types.size).toBeGreaterThan(1);
    for (const d of childWelfareDocs) {
      const result = await redact('sw-adult', requestId, [{ documentId: d.id, withhold: true, reason: 'a' }]);
      expect({ type: d.type, codes: codesOf(result) }).toEqual({ type: d.type, codes: ['FORBIDDEN'] });
      expect((await logOf(result)).filter((e) => e.outcome === 'DENIED').map((e) => e.entityId)).toEqual([d.id]);
    }
  });

  it.each([['spaces', '   '], ['newlines and tabs', '\n\t\r'], ['zero-width space', '\u200b'], ['no-break space', '\u00a0\u00a0'], ['punctuation only', '.']])(
    'a blank reason (%s) is refused',
    async (_label, reason) => {
      const requestId = await receive('sw-child', CLIENT, U.child);
      const [doc] = await restrictedDocsOf(CLIENT);
      const r = await redact('sw-child', requestId, [{ documentId: doc!.id, withhold: false, reason }]);
      if (_label === 'punctuation only') return; // informative only
      expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    },
  );

  it('two concurrent decisions on the same document: one stored, the other CONFLICT (no internal error)', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const [doc] = await restrictedDocsOf(CLIENT);
    const [a, b] = await Promise.all([
      redact('sw-child', requestId, [{ documentId: doc!.id, withhold: false, reason: 'näytetään' }]),
      redact('mgr-child', requestId, [{ documentId: doc!.id, withhold: true, reason: 'salataan' }]),
    ]);
    expect([codesOf(a), codesOf(b)].map((c) => c.join()).sort()).toEqual(['', 'CONFLICT']);
    expect(await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId))).toHaveLength(1);
  });

  it('decisions for a refused or a RECTIFICATION request are refused; a worker of the unit cannot decide for an archived client', async () => {
    const refused = await receive('sw-child', CLIENT, U.child);
    expect((await t.execute({ as: 'sw-child', query: DECIDE, variables: { id: refused, input: { outcome: 'REFUSED', legalGround: 'Tietosuojalaki 34 §', reasons: 'x' } } })).errors).toBeUndefined();
    const [doc] = await restrictedDocsOf(CLIENT);
    expect(codesOf(await redact('sw-child', refused, [{ documentId: doc!.id, withhold: false, reason: 'r' }]))).toEqual(['CONFLICT']);
    const rect = await receive('sw-child', CLIENT, U.child, 'RECTIFICATION');
    expect(codesOf(await redact('sw-child', rect, [{ documentId: doc!.id, withhold: false, reason: 'r' }]))).toEqual(['BAD_USER_INPUT']);
    // Archived client's request (handled by the registrar): the unit that no longer sees the client decides nothing.
    const [archivedDoc] = await db()
      .insert(documents)
      .values({ clientId: ARCHIVED, unitId: U.child, authorOrganisationId: DEMO.organisations.region.id, type: 'STATEMENT', title: 'Arkiston lausunto', body: 'Arkiston sisältö' })
      .returning({ id: documents.id });
    const archivedRequest = await receive('admin', ARCHIVED, U.child);
    const bySw = await redact('sw-child', archivedRequest, [{ documentId: archivedDoc!.id, withhold: false, reason: 'r' }]);
    expect(codesOf(bySw)).toEqual(['NOT_FOUND']);
    expect(await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, archivedRequest))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// 6. The log: page logs the same as the query; refusals DENIED; failing log gives nothing
// ------------------------------------------------------------------------------------------------
describe('the access log: the page logs exactly what the query logs; refusals DENIED; a failing log gives no page', () => {
  it('the page logs one EXPORT entry per record given, the same set of records as the query', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const { x, r } = await extractOk('dpo', CLIENT, requestId);
    const queryLog = await logOf(r);
    const p = await page(CLIENT, requestId, 'dpo');
    expect(p.status).toBe(200);
    const pageLog = await logOf(p);
    const key = (e: { entityType: string; entityId: string | null }) => `${e.entityType}:${e.entityId}`;
    const records = x.sections.flatMap((s) => s.records).map((rec) => `${rec.entityType}:${rec.id}`);
    for (const k of records) {
      expect({ k, query: queryLog.filter((e) => key(e) === k).length, page: pageLog.filter((e) => key(e) === k).length }).toEqual({ k, query: 1, page: 1 });
    }
    expect(pageLog.every((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toBe(true);
    expect(pageLog.length).toBe(queryLog.length);
  });

  it.each(['sw-child', 'mgr-child', 'billing', 'student-child', 'dpo-b', 'admin', 'sw-b'])('the page refused to %s exports nothing and shows nothing', async (login) => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const p = await page(CLIENT, requestId, login);
    expect([403, 404]).toContain(p.status);
    const [code] = await db().select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, CLIENT));
    expect(p.text.includes(code!.code!)).toBe(false);
    const log = await logOf(p);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action === 'EXPORT')).toEqual([]);
    if (!['dpo-b', 'sw-b', 'admin'].includes(login)) expect(log.filter((e) => e.outcome === 'DENIED' && e.action === 'EXPORT' && e.clientId === CLIENT)).toHaveLength(1);
  });

  it('with the access log failing, the page gives nothing of the record', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    auditLog.failing = true;
    const p = await page(CLIENT, requestId, 'dpo');
    auditLog.failing = false;
    const [code] = await db().select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, CLIENT));
    expect(p.status).toBeGreaterThanOrEqual(500);
    expect(p.text.includes(code!.code!)).toBe(false);
  });

  it('an extract through GraphQL with x-access-intent PRINT is logged as a declared print, not as the page', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const r = await extract('dpo', CLIENT, requestId, { 'x-access-intent': 'PRINT' });
    expect(r.errors).toBeUndefined();
    const log = await logOf(r);
    expect(log.every((e) => e.action === 'EXPORT')).toBe(true);
    // The intent is the caller's declaration (the page declares it too): the log says so, not "printed".
    expect(log.filter((e) => e.reason?.includes('(printed)')).length).toBe(0);
    expect(log.filter((e) => e.entityType !== 'DataSubjectRequest').every((e) => e.reason?.endsWith('(declared as a print)'))).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// 7. Demand control
// ------------------------------------------------------------------------------------------------
describe('demand control: the extract is priced, several in one operation are refused, statements constant for a huge client', () => {
  it('three aliased extracts in one operation exceed the budget before any subgraph is called', async () => {
    const requestId = await receive('sw-child', CLIENT, U.child);
    const q = `query ($c: ID!, $r: ID!) { a: clientRecordExtract(clientId: $c, requestId: $r) { sections { records { fields { value } } } } b: clientRecordExtract(clientId: $c, requestId: $r) { sections { records { fields { value } } } } c: clientRecordExtract(clientId: $c, requestId: $r) { sections { records { fields { value } } } } }`;
    const r = await t.execute({ as: 'dpo', query: q, variables: { c: CLIENT, r: requestId } });
    expect(r.errors?.length ?? 0).toBeGreaterThan(0);
    expect((await logOf(r)).filter((e) => e.action === 'EXPORT')).toEqual([]);
  });

  it('the same statement count for a client with hundreds of records as for a small one', async () => {
    const big = DEMO.clients.familyAndAdult;
    const small = DEMO.clients.familyOnly;
    const docs = Array.from({ length: 300 }, (_, i) => ({ clientId: big, unitId: U.family, authorOrganisationId: DEMO.organisations.region.id, type: 'CASE_NOTE' as const, title: `iso ${i}`, body: `sisältö ${i}` }));
    const inserted = await db().insert(documents).values(docs).returning({ id: documents.id });
    await db().insert(documentRevisions).values(inserted.map((d, i) => ({ documentId: d.id, revision: 1, title: `iso ${i}`, body: `sisältö ${i}` })));
    const [pl] = await db().select({ id: placements.id }).from(placements).limit(1);
    void pl;
    void careDays;
    const bigRequest = await seedRequest(big, U.family);
    const smallRequest = await seedRequest(small, U.family);
    await extractOk('dpo', small, smallRequest);
    const count = async (clientId: string, requestId: string) => {
      const before = t.database.statements.count;
      const started = Date.now();
      const { x } = await extractOk('dpo', clientId, requestId);
      return { statements: t.database.statements.count - before, records: x.sections.reduce((n, s) => n + s.records.length, 0), ms: Date.now() - started };
    };
    const a = await count(small, smallRequest);
    const b = await count(big, bigRequest);
    expect(b.records).toBeGreaterThan(600);
    expect(b.statements).toBe(a.statements);
  });
});
