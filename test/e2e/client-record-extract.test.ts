/**
 * Issue 12 item 4: the full extract of a client's record (tarkastusoikeus) — `clientRecordExtract(clientId,
 * requestId)` and `GET /documents/client-record-extract/{clientId}?requestId=…` through the real gateway.
 * Expectations from the register statements (seeds 000–003: the data subject may learn everything the
 * register holds on them; access may be refused in part only on grounds the law gives — a decision with its
 * reasons) and from the brief: for the data protection officer (AUDITOR) and the REGISTRAR of the client's
 * organisation, answering the client's own ACCESS request that is received or granted; every record in every
 * unit, archived included, nothing of another person; restricted documents only after a reasoned redaction
 * decision; logged as EXPORT naming the request; SQL statements independent of the number of records.
 */
import {
  assistanceRequests,
  careDays,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  DEMO_PARTNER_TOKEN,
  decisions,
  disclosures,
  documentRevisions,
  documents,
  entries,
  extractRedactions,
  guardians,
  invoices,
  medications,
  paymentCommitments,
  placements,
  restrictions,
  revisions,
} from '@vartija/db';
import { type AuditSink, DbAuditSink } from '@vartija/kit';
import { and, eq, ne } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
/** The real access-log sink, which a test can make fail for writes made inside a transaction. */
let failTransactionalAuditWrites = false;
const switchableAuditSink: AuditSink = {
  async write(batch, via) {
    if (failTransactionalAuditWrites && via) throw new Error('audit log unavailable (test)');
    return new DbAuditSink(t.database.db).write(batch, via);
  },
};
beforeAll(async () => {
  // A long grant cache keeps the authentication query out of the counted statements.
  t = await startTestStack({ grantCacheMs: 60_000, auditSink: switchableAuditSink });
});
afterAll(() => t?.close());
afterEach(() => {
  failTransactionalAuditWrites = false;
});

const db = () => t.database.db;
const CHILD_WELFARE = DEMO.units['child-welfare'].id;
const FAMILY = DEMO.units['family-services'].id;
const CLIENT = DEMO.clients.childWelfareOpen; // restricted documents, decision, placement, care days, invoices, medication
const TWO_UNITS = DEMO.clients.childAndFamily; // child welfare and family services
const ARCHIVED = DEMO.clients.childWelfareArchived;
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const today = () => new Date().toISOString().slice(0, 10);
const asPersona = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const logOf = (requestId: string) => db().select().from(entries).where(eq(entries.requestId, requestId));

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

interface Field {
  name: string;
  category: string;
  value: string | null;
}
interface Rec {
  id: string;
  entityType: string;
  unitId: string | null;
  disclosure: string;
  fields: Field[];
}
interface Extract {
  request: { id: string; kind: string; status: string; receivedOn: string; unitId: string | null };
  clientId: string;
  controllerName: string;
  serviceLanguage: string | null;
  clientArchived: boolean;
  units: { id: string; name: string }[];
  sections: { entityType: string; records: Rec[] }[];
  redactions: { documentId: string; withhold: boolean; reason: string; decidedByName: string | null }[];
  awaitingRedaction: string[];
}

/** Requests are received by the unit that handles them; an archived client's by the REGISTRAR (the archive). */
const handlerOf = (clientId: string, unitId: string) => (clientId === ARCHIVED ? 'admin' : unitId === FAMILY ? 'sw-family' : 'sw-child');

async function receive(clientId: string, unitId: string, kind = 'ACCESS'): Promise<string> {
  const result = await t.execute<{ receiveDataSubjectRequest: { id: string } }>({
    as: handlerOf(clientId, unitId),
    query: RECEIVE,
    variables: {
      input: { clientId, unitId, kind, requesterKind: 'CLIENT', identityVerification: 'IN_PERSON_ID_DOCUMENT', channel: 'LETTER', receivedOn: today(), subject: 'Kaikki minua koskevat tiedot' },
    },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.receiveDataSubjectRequest.id;
}

const extract = (login: string, clientId: string, requestId: string) =>
  t.execute<{ clientRecordExtract: Extract }>({ ...asPersona(login), query: EXTRACT, variables: { clientId, requestId } });

async function extractOk(login: string, clientId: string, requestId: string): Promise<{ extract: Extract; requestId: string }> {
  const result = await extract(login, clientId, requestId);
  expect(result.errors).toBeUndefined();
  return { extract: result.data!.clientRecordExtract, requestId: result.headers['x-request-id']! };
}

const recordsOf = (x: Extract, type: string) => x.sections.find((s) => s.entityType === type)?.records ?? [];
const fieldOf = (r: Rec | undefined, name: string) => r?.fields.find((f) => f.name === name)?.value ?? null;

/** The ids every table holds for the client, read directly (the expectation the extract is compared with). */
async function idsInDatabase(clientId: string): Promise<Record<string, string[]>> {
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
  const byClient = async (table: typeof guardians | typeof decisions) => ids(await db().select({ id: table.id }).from(table).where(eq(table.clientId, clientId)));
  return {
    Client: ids(await db().select({ id: clients.id }).from(clients).where(eq(clients.id, clientId))),
    Guardian: await byClient(guardians),
    ClientRelationship: ids(await db().select({ id: clientRelationships.id }).from(clientRelationships).where(eq(clientRelationships.clientId, clientId))),
    Commission: ids(await db().select({ id: commissions.id }).from(commissions).where(eq(commissions.clientId, clientId))),
    Consent: ids(await db().select({ id: consents.id }).from(consents).where(eq(consents.clientId, clientId))),
    Decision: await byClient(decisions),
    Placement: ids(await db().select({ id: placements.id }).from(placements).where(eq(placements.clientId, clientId))),
    CareDay: ids(await db().select({ id: careDays.id }).from(careDays).innerJoin(placements, eq(placements.id, careDays.placementId)).where(eq(placements.clientId, clientId))),
    PaymentCommitment: ids(await db().select({ id: paymentCommitments.id }).from(paymentCommitments).where(eq(paymentCommitments.clientId, clientId))),
    Invoice: ids(
      await db().select({ id: invoices.id }).from(invoices).innerJoin(paymentCommitments, eq(paymentCommitments.id, invoices.paymentCommitmentId)).where(eq(paymentCommitments.clientId, clientId)),
    ),
    Restriction: ids(await db().select({ id: restrictions.id }).from(restrictions).where(eq(restrictions.clientId, clientId))),
    AssistanceRequest: ids(await db().select({ id: assistanceRequests.id }).from(assistanceRequests).where(eq(assistanceRequests.clientId, clientId))),
    Medication: ids(await db().select({ id: medications.id }).from(medications).where(eq(medications.clientId, clientId))),
    Document: ids(await db().select({ id: documents.id }).from(documents).where(eq(documents.clientId, clientId))),
    DocumentRevision: ids(
      await db().select({ id: documentRevisions.id }).from(documentRevisions).innerJoin(documents, eq(documents.id, documentRevisions.documentId)).where(eq(documents.clientId, clientId)),
    ),
    Disclosure: ids(await db().select({ id: disclosures.id }).from(disclosures).where(eq(disclosures.clientId, clientId))),
    DataSubjectRequest: ids(await db().select({ id: dataSubjectRequests.id }).from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, clientId))),
    Revision: ids(await db().select({ id: revisions.id }).from(revisions).where(eq(revisions.clientId, clientId))),
  };
}

/** Every other client's id, and the ids of every other client's records in the tables keyed by client. */
async function otherPeoplesIds(clientId: string): Promise<string[]> {
  const others = await db().select({ id: clients.id }).from(clients).where(ne(clients.id, clientId));
  const docs = await db().select({ id: documents.id }).from(documents).where(ne(documents.clientId, clientId));
  const dec = await db().select({ id: decisions.id }).from(decisions).where(ne(decisions.clientId, clientId));
  const guard = await db().select({ id: guardians.id }).from(guardians).where(ne(guardians.clientId, clientId));
  return [...others, ...docs, ...dec, ...guard].map((r) => r.id);
}

describe('the extract holds every record of the client in every unit, archive included, and nothing of another person', () => {
  const cases: [string, string, string][] = [
    ['a child-welfare client with restricted documents and financial records', CLIENT, CHILD_WELFARE],
    ['a client of two units', TWO_UNITS, FAMILY],
    ['an archived client', ARCHIVED, CHILD_WELFARE],
  ];
  it.each(cases)('%s (as the DPO; an archived client also as the REGISTRAR)', async (_label, clientId, unitId) => {
    const requestId = await receive(clientId, unitId);
    for (const login of clientId === ARCHIVED ? ['admin', 'dpo'] : ['dpo']) {
      const { extract: x } = await extractOk(login, clientId, requestId);
      const expected = await idsInDatabase(clientId);
      // The comparison means something: the demo client has records of the kinds its case names.
      expect(Object.values(expected).flat().length).toBeGreaterThan(3);
      if (clientId === CLIENT) {
        for (const type of ['Guardian', 'Decision', 'Placement', 'CareDay', 'PaymentCommitment', 'Invoice', 'Medication', 'Document', 'DocumentRevision']) {
          expect({ type, some: expected[type]!.length > 0 }).toEqual({ type, some: true });
        }
      }
      for (const [type, ids] of Object.entries(expected)) {
        expect({ type, ids: recordsOf(x, type).map((r) => r.id).sort() }).toEqual({ type, ids });
      }
      // Archived and non-archived alike; the client's own row carries its personal identity code.
      expect(x.clientId).toBe(clientId);
      expect(x.request).toMatchObject({ id: requestId, kind: 'ACCESS', status: 'RECEIVED' });
      expect(x.controllerName).toBe(DEMO.organisations.region.name);
      const json = JSON.stringify(x);
      for (const other of await otherPeoplesIds(clientId)) expect(json.includes(other) ? other : null).toBeNull();
    }
  });

  it('marks the archived client as archived, and groups records by unit', async () => {
    const requestId = await receive(ARCHIVED, CHILD_WELFARE);
    const { extract: x } = await extractOk('admin', ARCHIVED, requestId);
    expect(x.clientArchived).toBe(true);
    const two = await extractOk('dpo', TWO_UNITS, await receive(TWO_UNITS, CHILD_WELFARE));
    expect(two.extract.clientArchived).toBe(false);
    expect(new Set(recordsOf(two.extract, 'Document').map((d) => d.unitId))).toEqual(new Set([CHILD_WELFARE, FAMILY]));
    expect(two.extract.units.map((u) => u.id).sort()).toEqual([CHILD_WELFARE, FAMILY].sort());
  });
});

describe('who may make the extract', () => {
  // DESIGN §4 and the brief: the DPO (AUDITOR) of the client's organisation; the REGISTRAR reads nothing about
  // clients except through the archive, so it makes the extract of an archived client only (an active client is
  // an unknown id to it, as to anyone who does not see the client); nobody else; another region's staff: unknown.
  const EXPECTED: Record<ActiveLogin, 'OK' | 'FORBIDDEN' | 'NOT_FOUND'> = {
    'sw-child': 'FORBIDDEN',
    'sw-family': 'NOT_FOUND',
    'sw-adult': 'NOT_FOUND',
    'mgr-child': 'FORBIDDEN',
    'student-child': 'FORBIDDEN',
    billing: 'FORBIDDEN',
    dpo: 'OK',
    admin: 'NOT_FOUND',
    majakka: 'NOT_FOUND',
    'sw-adult-student': 'FORBIDDEN', // a trainee in child welfare: sees the client
    'mgr-family-sw-child': 'FORBIDDEN',
    'billing-student': 'FORBIDDEN',
    'dpo-student': 'OK',
    'sw-b': 'NOT_FOUND',
    'dpo-b': 'NOT_FOUND',
  };
  let requestId: string;
  beforeAll(async () => {
    requestId = await receive(CLIENT, CHILD_WELFARE);
  });
  it.each(ACTIVE_LOGINS.map((login) => [login, EXPECTED[login]] as const))('%s: %s', async (login, expected) => {
    const result = await extract(login, CLIENT, requestId);
    const log = await logOf(result.headers['x-request-id']!);
    if (expected === 'OK') {
      expect(result.errors).toBeUndefined();
      expect(log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED').length).toBeGreaterThan(10);
      return;
    }
    expect(codesOf(result)).toEqual([expected]);
    expect(result.data?.clientRecordExtract ?? null).toBeNull();
    // Nothing exported; the refusal is in the log (another region's client is an unknown id: nothing to name).
    expect(log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
    if (login !== 'sw-b' && login !== 'dpo-b' && login !== 'majakka') {
      expect(log.filter((e) => e.outcome === 'DENIED' && e.action === 'EXPORT' && e.clientId === CLIENT).length).toBe(1);
    }
  });

  it('refuses a partner for a client it serves under a commission (FORBIDDEN, logged)', async () => {
    const served = DEMO.clients.majakkaActive[0]!;
    const request = await receive(served, CHILD_WELFARE);
    const result = await extract('majakka', served, request);
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const log = await logOf(result.headers['x-request-id']!);
    expect(log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
    expect(log.filter((e) => e.outcome === 'DENIED' && e.action === 'EXPORT' && e.clientId === served)).toHaveLength(1);
  });

  it('answers only the client\'s own ACCESS request that is received or granted', async () => {
    const other = await receive(TWO_UNITS, CHILD_WELFARE);
    const rectification = await receive(CLIENT, CHILD_WELFARE, 'RECTIFICATION');
    const refused = await receive(CLIENT, CHILD_WELFARE);
    const refuse = await t.execute({ as: 'sw-child', query: DECIDE, variables: { id: refused, input: { outcome: 'REFUSED', legalGround: 'Tietosuojalaki 34 §', reasons: 'Vaaraksi terveydelle' } } });
    expect(refuse.errors).toBeUndefined();
    const granted = await receive(CLIENT, CHILD_WELFARE);
    expect((await t.execute({ as: 'sw-child', query: DECIDE, variables: { id: granted, input: { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' } } })).errors).toBeUndefined();

    expect(codesOf(await extract('dpo', CLIENT, other))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await extract('dpo', CLIENT, rectification))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await extract('dpo', CLIENT, '00000000-0000-4000-8000-000000000000'))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await extract('dpo', CLIENT, 'not-a-uuid'))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await extract('dpo', CLIENT, refused))).toEqual(['CONFLICT']);
    const ok = await extractOk('dpo', CLIENT, granted);
    expect(ok.extract.request.status).toBe('GRANTED');
    // A refused request's extract exports nothing.
    const refusedAttempt = await extract('dpo', CLIENT, refused);
    expect((await logOf(refusedAttempt.headers['x-request-id']!)).filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
  });
});

describe('restricted documents and redaction decisions', () => {
  it('withholds restricted documents until a reasoned decision, then shows or withholds them as decided', async () => {
    const requestId = await receive(CLIENT, CHILD_WELFARE);
    const restricted = await db().select({ id: documents.id, type: documents.type, body: documents.body }).from(documents).where(eq(documents.clientId, CLIENT));
    const statement = restricted.find((d) => d.type === 'STATEMENT')!;
    const notification = restricted.find((d) => d.type === 'CHILD_WELFARE_NOTIFICATION')!;
    // The other restricted documents of the client, withheld with the notification.
    const others = restricted.filter((d) => (d.type === 'STATEMENT' || d.type === 'CHILD_WELFARE_NOTIFICATION') && d.id !== statement.id && d.id !== notification.id);
    const plain = restricted.find((d) => d.type !== 'STATEMENT' && d.type !== 'CHILD_WELFARE_NOTIFICATION')!;
    expect(statement && notification && plain).toBeTruthy();

    const before = (await extractOk('dpo', CLIENT, requestId)).extract;
    expect(before.awaitingRedaction.sort()).toEqual(restricted.filter((d) => d.type === 'STATEMENT' || d.type === 'CHILD_WELFARE_NOTIFICATION').map((d) => d.id).sort());
    for (const id of [statement.id, notification.id]) {
      const doc = recordsOf(before, 'Document').find((d) => d.id === id)!;
      expect(doc.disclosure).toBe('AWAITING_REDACTION_DECISION');
      expect(fieldOf(doc, 'body')).toBeNull();
      expect(fieldOf(doc, 'title')).toBeNull();
      expect(fieldOf(doc, 'type')).not.toBeNull();
      for (const rev of recordsOf(before, 'DocumentRevision').filter((r) => fieldOf(r, 'documentId') === id)) {
        expect(rev.disclosure).toBe('AWAITING_REDACTION_DECISION');
        expect(fieldOf(rev, 'body')).toBeNull();
      }
    }
    expect(JSON.stringify(before).includes(notification.body)).toBe(false);
    expect(fieldOf(recordsOf(before, 'Document').find((d) => d.id === plain.id), 'body')).toBe(plain.body);

    // Whoever decides the request decides what is withheld; the DPO's attempt is refused and logged, nothing stored.
    const byDpo = await t.execute({ as: 'dpo', query: REDACT, variables: { requestId, redactions: [{ documentId: statement.id, withhold: false, reason: 'x' }] } });
    expect(codesOf(byDpo)).toEqual(['FORBIDDEN']);
    expect((await logOf(byDpo.headers['x-request-id']!)).filter((e) => e.outcome === 'DENIED').length).toBe(1);
    expect(await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId))).toEqual([]);
    // A reason is required; only restricted documents of the client take a decision.
    expect(codesOf(await t.execute({ as: 'sw-child', query: REDACT, variables: { requestId, redactions: [{ documentId: statement.id, withhold: false, reason: ' ' }] } }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await t.execute({ as: 'sw-child', query: REDACT, variables: { requestId, redactions: [{ documentId: plain.id, withhold: true, reason: 'r' }] } }))).toEqual(['BAD_USER_INPUT']);

    const decided = await t.execute<{ decideExtractRedactions: { documentId: string; withhold: boolean }[] }>({
      as: 'sw-child',
      query: REDACT,
      variables: {
        requestId,
        redactions: [
          { documentId: statement.id, withhold: false, reason: 'Lausunnon antaminen ei vaaranna ketään' },
          { documentId: notification.id, withhold: true, reason: 'Ilmoittajan henkilöllisyys: tietosuojalaki 34 § 1 mom.' },
          ...others.map((d) => ({ documentId: d.id, withhold: true, reason: 'Tietosuojalaki 34 §' })),
        ],
      },
    });
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.decideExtractRedactions).toHaveLength(2 + others.length);
    const decisionLog = await logOf(decided.headers['x-request-id']!);
    expect(decisionLog.filter((e) => e.action === 'UPDATE' && e.entityType === 'DataSubjectRequest' && e.entityId === requestId && e.actorRole === 'SOCIAL_WORKER')).toHaveLength(1);
    // Decided once.
    expect(codesOf(await t.execute({ as: 'sw-child', query: REDACT, variables: { requestId, redactions: [{ documentId: statement.id, withhold: true, reason: 'again' }] } }))).toEqual(['CONFLICT']);

    const after = (await extractOk('dpo', CLIENT, requestId)).extract;
    expect(after.awaitingRedaction).toEqual([]);
    const shown = recordsOf(after, 'Document').find((d) => d.id === statement.id)!;
    expect(shown.disclosure).toBe('SHOWN');
    expect(fieldOf(shown, 'body')).toBe(statement.body);
    const withheld = recordsOf(after, 'Document').find((d) => d.id === notification.id)!;
    expect(withheld.disclosure).toBe('WITHHELD');
    expect(fieldOf(withheld, 'body')).toBeNull();
    expect(JSON.stringify(after).includes(notification.body)).toBe(false);
    expect(after.redactions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ documentId: statement.id, withhold: false, reason: 'Lausunnon antaminen ei vaaranna ketään', decidedByName: DEMO.users['sw-child'].displayName }),
        expect.objectContaining({ documentId: notification.id, withhold: true, reason: 'Ilmoittajan henkilöllisyys: tietosuojalaki 34 § 1 mom.' }),
      ]),
    );
    // The decisions are per request: another request of the same client starts undecided.
    const next = (await extractOk('dpo', CLIENT, await receive(CLIENT, CHILD_WELFARE))).extract;
    expect(next.awaitingRedaction.sort()).toEqual([statement.id, notification.id, ...others.map((d) => d.id)].sort());
  });
});

describe('who may decide redactions', () => {
  // A redaction decision is a decision on the request: by the unit that handles it (its SOCIAL_WORKER or
  // MANAGER; seed 001: handled where the data arose). STUDENT, BILLING and the DPO (AUDITOR) write nothing on
  // records; the REGISTRAR decides only archived clients' requests. Who does not see the request: unknown id.
  const EXPECTED: Record<ActiveLogin, 'OK' | 'FORBIDDEN' | 'NOT_FOUND'> = {
    'sw-child': 'OK',
    'sw-family': 'NOT_FOUND',
    'sw-adult': 'NOT_FOUND',
    'mgr-child': 'OK',
    'student-child': 'FORBIDDEN',
    billing: 'NOT_FOUND',
    dpo: 'FORBIDDEN',
    admin: 'NOT_FOUND',
    majakka: 'NOT_FOUND',
    'sw-adult-student': 'FORBIDDEN',
    'mgr-family-sw-child': 'OK',
    'billing-student': 'FORBIDDEN',
    'dpo-student': 'FORBIDDEN',
    'sw-b': 'NOT_FOUND',
    'dpo-b': 'NOT_FOUND',
  };
  it.each(ACTIVE_LOGINS.map((login) => [login, EXPECTED[login]] as const))('%s: %s', async (login, expected) => {
    const requestId = await receive(CLIENT, CHILD_WELFARE);
    const [notification] = await db()
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.clientId, CLIENT), eq(documents.type, 'CHILD_WELFARE_NOTIFICATION')));
    const result = await t.execute<{ decideExtractRedactions: { documentId: string }[] }>({
      ...asPersona(login),
      query: REDACT,
      variables: { requestId, redactions: [{ documentId: notification!.id, withhold: true, reason: 'Ilmoittajan henkilöllisyys' }] },
    });
    const log = await logOf(result.headers['x-request-id']!);
    const stored = await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId));
    if (expected === 'OK') {
      expect(result.errors).toBeUndefined();
      expect(stored).toHaveLength(1);
      const changes = log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ');
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ action: 'UPDATE', entityType: 'DataSubjectRequest', entityId: requestId });
      expect(['SOCIAL_WORKER', 'MANAGER']).toContain(changes[0]!.actorRole);
      return;
    }
    expect(codesOf(result)).toEqual([expected]);
    expect(stored).toEqual([]);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ')).toEqual([]);
    if (login !== 'sw-b' && login !== 'dpo-b') expect(log.filter((e) => e.outcome === 'DENIED')).toHaveLength(1);
  });

  it('stores nothing, and gives no extract, when the access log cannot be written', async () => {
    const requestId = await receive(CLIENT, CHILD_WELFARE);
    const [notification] = await db()
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.clientId, CLIENT), eq(documents.type, 'CHILD_WELFARE_NOTIFICATION')));
    failTransactionalAuditWrites = true;
    const decided = await t.execute({ as: 'sw-child', query: REDACT, variables: { requestId, redactions: [{ documentId: notification!.id, withhold: true, reason: 'r' }] } });
    expect(codesOf(decided)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(await db().select().from(extractRedactions).where(eq(extractRedactions.requestId, requestId))).toEqual([]);
    const fetched = await extract('dpo', CLIENT, requestId);
    expect(codesOf(fetched)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(fetched.data?.clientRecordExtract ?? null).toBeNull();
  });
});

describe('the access log', () => {
  it('logs the extract as EXPORT: one entry per record with the fields given, the reason naming the request', async () => {
    const requestId = await receive(CLIENT, CHILD_WELFARE);
    const { extract: x, requestId: httpRequestId } = await extractOk('dpo', CLIENT, requestId);
    const log = await logOf(httpRequestId);
    expect(log.filter((e) => e.action !== 'EXPORT')).toEqual([]);
    for (const entry of log) {
      expect(entry.outcome).toBe('ALLOWED');
      expect(entry.reason).toContain(requestId);
      expect(entry.clientId).toBe(CLIENT);
      expect(entry.actorRole).toBe('AUDITOR');
    }
    const records = x.sections.flatMap((s) => s.records);
    for (const record of records) {
      const own = log.filter((e) => e.entityType === record.entityType && e.entityId === record.id);
      expect({ record: record.id, entries: own.length }).toEqual({ record: record.id, entries: 1 });
      const given = record.fields.filter((f) => f.value !== null);
      expect(own[0]!.fields).toEqual(given.map((f) => f.name).sort());
      expect(own[0]!.categories).toEqual([...new Set(given.map((f) => f.category))].sort());
    }
    // The request itself is named, with what it answered.
    expect(log.some((e) => e.entityType === 'DataSubjectRequest' && e.entityId === requestId)).toBe(true);
    // Withheld content is not logged as given.
    const awaiting = log.find((e) => e.entityId === x.awaitingRedaction[0]);
    expect(awaiting?.fields).not.toContain('body');
  });
});

describe('statements', () => {
  it('reads with the same number of SQL statements whatever the number of records', async () => {
    const small = DEMO.clients.familyOnly;
    const smallRequest = await receive(small, FAMILY);
    const largeRequest = await receive(CLIENT, CHILD_WELFARE);
    await extractOk('dpo', small, smallRequest); // warm the grant cache
    const count = async (clientId: string, requestId: string) => {
      const before = t.database.statements.count;
      const { extract: x } = await extractOk('dpo', clientId, requestId);
      return { statements: t.database.statements.count - before, records: x.sections.reduce((n, s) => n + s.records.length, 0) };
    };
    const a = await count(small, smallRequest);
    const b = await count(CLIENT, largeRequest);
    expect(b.records).toBeGreaterThan(a.records * 2);
    expect(b.statements).toBe(a.statements);
    expect(b.statements).toBeLessThan(40);
  });
});

describe('the printable extract', () => {
  async function get(path: string, as?: string) {
    const req = t.gateway().get(path);
    if (as) req.set('authorization', `Bearer ${await t.tokenFor(as)}`);
    return req;
  }

  it('has its header in Finnish and in Swedish, escapes values, marks withheld documents, and is logged', async () => {
    // A value with markup in a document of the client (shown: not a restricted type).
    const [doc] = await db()
      .insert(documents)
      .values({ clientId: CLIENT, unitId: CHILD_WELFARE, authorOrganisationId: DEMO.organisations.region.id, type: 'CASE_NOTE', title: SCRIPT, body: SCRIPT })
      .returning({ id: documents.id });
    await db().insert(documentRevisions).values({ documentId: doc!.id, revision: 1, title: SCRIPT, body: SCRIPT });
    const requestId = await receive(CLIENT, CHILD_WELFARE);
    const [code] = await db().select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, CLIENT));

    const fi = await get(`/documents/client-record-extract/${CLIENT}?requestId=${requestId}&lang=fi`, 'dpo');
    expect(fi.status).toBe(200);
    expect(fi.headers['content-language']).toBe('fi');
    for (const text of ['Ote asiakasrekisteristä', 'Rekisterinpitäjä', DEMO.organisations.region.name, 'Henkilötunnus', code!.code!, 'Pyynnön tunniste', requestId, 'Vastaanotettu', 'Lastensuojelun sosiaalityö', 'odottaa päätöstä tietojen antamisesta']) {
      expect(fi.text).toContain(text);
    }
    expect(fi.text).toContain(ESCAPED_SCRIPT);
    expect(fi.text).not.toContain(SCRIPT);
    const log = await logOf(fi.headers['x-request-id']!);
    expect(log.length).toBeGreaterThan(10);
    expect(log.every((e) => e.action === 'EXPORT' && e.reason?.includes(requestId) && e.reason.includes('declared as a print'))).toBe(true);

    const sv = await get(`/documents/client-record-extract/${CLIENT}?requestId=${requestId}&lang=sv`, 'dpo');
    expect(sv.status).toBe(200);
    expect(sv.headers['content-language']).toBe('sv');
    for (const text of ['Utdrag ur klientregistret', 'Personuppgiftsansvarig', 'Personbeteckning', code!.code!, 'Begärans identifierare', 'Mottagen', 'väntar på beslut om utlämnande']) {
      expect(sv.text).toContain(text);
    }

    // Without the request, or for staff who may not make it: refused, nothing exported.
    expect((await get(`/documents/client-record-extract/${CLIENT}`, 'dpo')).status).toBe(400);
    const refused = await get(`/documents/client-record-extract/${CLIENT}?requestId=${requestId}`, 'sw-child');
    expect(refused.status).toBe(403);
    // The REGISTRAR prints the extract of an archived client (the archive), not of an active one.
    expect((await get(`/documents/client-record-extract/${CLIENT}?requestId=${requestId}`, 'admin')).status).toBe(404);
    const archivedRequest = await receive(ARCHIVED, CHILD_WELFARE);
    const archived = await get(`/documents/client-record-extract/${ARCHIVED}?requestId=${archivedRequest}`, 'admin');
    expect(archived.status).toBe(200);
    expect(archived.text).toMatch(/Arkistoitu asiakas<\/dt><dd>kyllä|Arkiverad klient<\/dt><dd>ja/);
    expect((await logOf(refused.headers['x-request-id']!)).filter((e) => e.outcome === 'ALLOWED' && e.action === 'EXPORT')).toEqual([]);
  });
});
