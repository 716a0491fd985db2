/**
 * Security review probes for issue 12 (data-subject requests, objection enforcement, printable documents).
 * Each describe states the SECURE behaviour; a failing test is a finding.
 */
import { consents, dataSubjectRequests, DEMO, DEMO_PARTNER_TOKEN, documents, entries, revisions } from '@vartija/db';
import { and, desc, eq, ne } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { codesOf, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
/** The real chained sink, with a switch to make the log write fail on demand. */
const auditLog = new SwitchableAuditSink(() => t.database);
beforeAll(async () => {
  t = await startTestStack({
    auditSink: auditLog,
  });
}, 120_000);
afterAll(() => t?.close());
afterEach(() => {
  auditLog.failing = false;
});

const db = () => t.database.db;
const UNITS = { child: DEMO.units['child-welfare'].id, family: DEMO.units['family-services'].id, adult: DEMO.units['adult-services'].id, regionB: DEMO.units['b-child-welfare'].id };
const CLIENT = DEMO.clients.childWelfareOpen;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const SCRIPT = '<script>alert("x")</script>';
const utcDay = (offset = 0) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const helsinkiDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
const errorOf = (r: { errors?: readonly GraphQLFormattedError[] | undefined }) => r.errors?.[0];
const logOf = (r: { headers: Record<string, string> }) => db().select().from(entries).where(eq(entries.requestId, r.headers['x-request-id']!));
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

const FIELDS = `id kind status receivedOn dueOn extendedDueOn overdue subject requesterName decidedOn outcome legalGround reasons`;
const RECEIVE = `mutation ($input: ReceiveDataSubjectRequestInput!) { receiveDataSubjectRequest(input: $input) { ${FIELDS} } }`;
const EXTEND = `mutation ($id: ID!, $reason: String!, $extendedDueOn: Date) { extendDataSubjectRequest(id: $id, reason: $reason, extendedDueOn: $extendedDueOn) { ${FIELDS} } }`;
const DECIDE = `mutation ($id: ID!, $input: DecideDataSubjectRequestInput!) { decideDataSubjectRequest(id: $id, input: $input) { ${FIELDS} } }`;
const ONE = `query ($id: ID!) { dataSubjectRequest(id: $id) { ${FIELDS} } }`;
const RECORD_DISCLOSURE = `mutation ($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id } }`;

type Req = { id: string; status: string; dueOn: string; overdue: boolean | null; decidedOn: string | null };
const asP = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const receiveInput = (clientId: string, unitId: string, extra: Record<string, unknown> = {}) => ({
  clientId,
  unitId,
  kind: 'ACCESS',
  requesterKind: 'CLIENT',
  identityVerification: 'IN_PERSON_ID_DOCUMENT',
  channel: 'IN_PERSON',
  receivedOn: utcDay(0),
  subject: 'Asiakas pyytää kaikki tietonsa.',
  ...extra,
});
const receive = (login: string, input: Record<string, unknown>) => t.execute<{ receiveDataSubjectRequest: Req }>({ ...asP(login), query: RECEIVE, variables: { input } });
const extend = (login: string, id: string, reason: string, extendedDueOn?: string) => t.execute<{ extendDataSubjectRequest: Req }>({ ...asP(login), query: EXTEND, variables: { id, reason, extendedDueOn } });
const decide = (login: string, id: string, input: Record<string, unknown>) => t.execute<{ decideDataSubjectRequest: Req }>({ ...asP(login), query: DECIDE, variables: { id, input } });
async function seedRequest(clientId: string, unitId: string, values: Partial<typeof dataSubjectRequests.$inferInsert> = {}): Promise<string> {
  const [row] = await db()
    .insert(dataSubjectRequests)
    .values({ clientId, unitId, kind: 'ACCESS', status: 'RECEIVED', receivedOn: utcDay(-3), requesterKind: 'CLIENT', channel: 'LETTER', subject: 'probe', ...values })
    .returning({ id: dataSubjectRequests.id });
  return row!.id;
}
const stored = (id: string) => db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, id)).then((r) => r[0]!);
async function get(path: string, as?: string, token?: string) {
  const req = t.gateway().get(path);
  const bearer = token ?? (as ? await t.tokenFor(as) : undefined);
  if (bearer) req.set('authorization', `Bearer ${bearer}`);
  return req;
}

// ------------------------------------------------------------------------------------------------
// 1. Finnish calendar days: deadlines, receipt and decision dates follow Finnish time (Europe/Helsinki)
// ------------------------------------------------------------------------------------------------
describe('P1 dates are Finnish calendar days (a request received "today" in Finland between 00:00 and 02:00/03:00 UTC+2/3)', () => {
  it('receivedOn = today in Finland is accepted (not "in the future")', async () => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { receivedOn: helsinkiDay() }));
    expect(r.errors).toBeUndefined();
  });
  it('a request whose due date is yesterday in Finland is overdue (field and filter)', async () => {
    const receivedOn = addMonths(utcDay(0), -1);
    const id = await seedRequest(CLIENT, UNITS.child, { receivedOn });
    const row = await stored(id);
    const expected = row.dueOn < helsinkiDay();
    const one = await t.execute<{ dataSubjectRequest: Req }>({ as: 'sw-child', query: ONE, variables: { id } });
    expect(one.data!.dataSubjectRequest.overdue).toBe(expected);
    const filtered = await t.execute<{ dataSubjectRequests: { nodes: { id: string }[] } }>({
      as: 'sw-child',
      query: `query ($f: DataSubjectRequestFilter) { dataSubjectRequests(filter: $f, first: 100) { nodes { id } } }`,
      variables: { f: { overdue: true, clientId: CLIENT } },
    });
    expect(filtered.data!.dataSubjectRequests.nodes.some((n) => n.id === id)).toBe(expected);
  });
  it('an extension after the Finnish due date is CONFLICT', async () => {
    const id = await seedRequest(CLIENT, UNITS.child, { receivedOn: addMonths(utcDay(0), -1) });
    const row = await stored(id);
    const r = await extend('sw-child', id, 'laaja pyyntö');
    if (row.dueOn < helsinkiDay()) expect(codesOf(r)).toEqual(['CONFLICT']);
    else expect(r.errors).toBeUndefined();
  });
  it('decidedOn is the Finnish day of the decision', async () => {
    const id = await seedRequest(CLIENT, UNITS.child);
    const r = await decide('sw-child', id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.decideDataSubjectRequest.decidedOn).toBe(helsinkiDay());
  });
});

// ------------------------------------------------------------------------------------------------
// 2. Objection cannot be sidestepped by naming the same recipient another way
// ------------------------------------------------------------------------------------------------
describe('P2 a granted objection covers its recipient however the disclosure names it', () => {
  const majakka = DEMO.organisations.majakka;
  const regionB = DEMO.organisations['region-b'];
  const disclose = (extra: Record<string, unknown>) =>
    t.execute({
      as: 'sw-child',
      query: RECORD_DISCLOSURE,
      variables: {
        input: {
          clientId: CLIENT,
          unitId: UNITS.child,
          requestDescription: 'pyyntö',
          requestedOn: utcDay(-1),
          documentIds: [DEMO.documents.childWelfareOpenCaseNote],
          ...extra,
        },
      },
    });
  const consent = async (recipientName: string, recipientOrganisationId: string | null) => {
    const [c] = await db()
      .insert(consents)
      .values({ clientId: CLIENT, unitId: UNITS.child, recipientName, recipientOrganisationId, purpose: 'probe', givenOn: utcDay(0), scope: ['CASE_RECORD'] })
      .returning({ id: consents.id });
    return c!.id;
  };
  const object = async (objection: Record<string, unknown>) => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { kind: 'OBJECTION', subject: 'kielto', objection }));
    expect(r.errors).toBeUndefined();
    const d = await decide('sw-child', r.data!.receiveDataSubjectRequest.id, { outcome: 'GRANTED', legalGround: 'EU 2016/679 21 art.' });
    expect(d.errors).toBeUndefined();
  };

  it('objection by NAME; disclosure to the same organisation by recipientOrganisationId (consent by org id), another free-text name → CONFLICT', async () => {
    await object({ recipientName: majakka.name });
    const consentId = await consent(majakka.name, majakka.id);
    const r = await disclose({ consentId, recipientOrganisationId: majakka.id, recipientName: 'Majakka (sijaishuolto)' });
    expect(codesOf(r)).toEqual(['CONFLICT']);
  });
  it('objection by ORGANISATION id; disclosure on a name-only consent naming that organisation by name → CONFLICT', async () => {
    await object({ recipientOrganisationId: regionB.id });
    const consentId = await consent(regionB.name, null);
    const r = await disclose({ consentId, recipientName: regionB.name });
    expect(codesOf(r)).toEqual(['CONFLICT']);
  });
  it('objection by name; a later consent to the same recipient with a no-break space / double space / case → CONFLICT; a homoglyph name → BAD_USER_INPUT', async () => {
    await object({ recipientName: 'Nuorisopalvelut Polku' });
    const got: [string, string[]][] = [];
    for (const spelled of ['Nuorisopalvelut\u00a0Polku', 'Nuorisopalvelut  Polku', ' NUORISOPALVELUT polku ']) {
      const consentId = await consent(spelled, null);
      const r = await disclose({ consentId, recipientName: spelled });
      got.push([JSON.stringify(spelled), codesOf(r).map(String)]);
    }
    expect(got).toEqual(got.map(([s]) => [s, ['CONFLICT']]));
    // Decided otherwise than the probe first asserted (CONFLICT): a name mixing Latin and Cyrillic letters is refused
    // at the input edge (kit/recipient-name.ts), before any objection check — nothing is disclosed either way.
    const homoglyph = 'Nuоrisopalvelut Polku'; /* Cyrillic о */
    const consentId = await consent(homoglyph, null);
    const r = await disclose({ consentId, recipientName: homoglyph });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(r)?.extensions?.['field']).toBe('input.recipientName');
  });
  /*
   * KNOWN LIMITATION (issue 12 review finding 5, design — not fixed in code): the legal basis of a disclosure is free
   * text (legalAct + legalSection), and an objection covers only disclosures NOT based directly on law (seed 003:
   * disclosures on a legal basis cannot be objected to). A made-up act therefore passes an "all not based on law"
   * objection. Checking it needs a register of the acts and sections that allow disclosure (a code list), which the
   * lead notes as a follow-up. This test pins the current, documented behaviour: the disclosure is recorded — and its
   * stated basis is kept and logged, so it can be reviewed afterwards.
   */
  it('objection to all disclosures not based on law; a disclosure on a made-up legal basis is recorded (known limitation: free-text legal basis)', async () => {
    await object({ allNotBasedOnLaw: true });
    const r = await disclose({ recipientName: 'Kuka tahansa', legalAct: 'Keksitty laki 1/2099', legalSection: '999 §' });
    expect(r.errors).toBeUndefined();
    // On consent, the same recipient is refused by the objection.
    const consentId = await consent('Kuka tahansa', null);
    expect(codesOf(await disclose({ consentId, recipientName: 'Kuka tahansa' }))).toEqual(['CONFLICT']);
  });
  it.todo('a disclosure on a legal basis names an act and section from a code list of provisions that allow disclosure (finding 5, design follow-up)');
});

// ------------------------------------------------------------------------------------------------
// 3. Input hygiene: control characters and cost
// ------------------------------------------------------------------------------------------------
describe('P3 control characters in free text are refused as BAD_USER_INPUT, never a 500 and never stored', () => {
  it('NUL in requesterName / subject', async () => {
    for (const extra of [{ requesterKind: 'GUARDIAN', requesterName: 'Maija\u0000 Meikäläinen' }, { subject: 'pyyntö\u0000' }]) {
      const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, extra));
      expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    }
  });
  it('bidi overrides / C0 controls in requesterName (printed on the certificate) are refused', async () => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { requesterKind: 'GUARDIAN', requesterName: 'Maija \u202eneniäläkieM\u202c\u0007' }));
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
  });
  it('NUL in decision reasons', async () => {
    const id = await seedRequest(CLIENT, UNITS.child);
    const r = await decide('sw-child', id, { outcome: 'REFUSED', legalGround: 'x', reasons: 'a\u0000b' });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect((await stored(id)).status).toBe('RECEIVED');
  });
});

// ------------------------------------------------------------------------------------------------
// 4. Who may do what, across units, organisations and roles; nothing half-written; DENIED logged
// ------------------------------------------------------------------------------------------------
describe('P4 workflow scope: students, other units, other organisations', () => {
  it('a STUDENT neither receives, extends nor decides', async () => {
    const id = await seedRequest(CLIENT, UNITS.child);
    expect(codesOf(await receive('student-child', receiveInput(CLIENT, UNITS.child)))[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(codesOf(await extend('student-child', id, 'x'))[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
    const d = await decide('student-child', id, { outcome: 'REFUSED', legalGround: 'x', reasons: 'y' });
    expect(codesOf(d)[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect((await stored(id)).status).toBe('RECEIVED');
    expect((await logOf(d)).filter((e) => e.outcome === 'DENIED' && e.entityId === id)).toHaveLength(1);
  });
  it("sw-family deciding a child-welfare unit's request of a shared client: NOT_FOUND like an unknown id, DENIED logged", async () => {
    const shared = DEMO.clients.childAndFamily;
    const id = await seedRequest(shared, UNITS.child);
    const d = await decide('sw-family', id, { outcome: 'GRANTED', legalGround: 'x' });
    const u = await decide('sw-family', UNKNOWN_ID, { outcome: 'GRANTED', legalGround: 'x' });
    expect(codesOf(d)).toEqual(codesOf(u));
    expect(errorOf(d)?.message.replace(id, 'ID')).toBe(errorOf(u)?.message.replace(UNKNOWN_ID, 'ID'));
    expect((await logOf(d)).filter((e) => e.outcome === 'DENIED' && e.clientId === shared)).toHaveLength(1);
    expect((await stored(id)).status).toBe('RECEIVED');
  });
  it('receiving for a region-b client, and for a client the unit never served, answers like an unknown client', async () => {
    const unknown = await receive('sw-child', receiveInput(UNKNOWN_ID, UNITS.child));
    const b = await receive('sw-child', receiveInput(DEMO.regionB.open, UNITS.child));
    const family = await receive('sw-child', receiveInput(DEMO.clients.familyOnly, UNITS.family));
    expect(codesOf(b)).toEqual(codesOf(unknown));
    expect(codesOf(family)).toEqual(codesOf(unknown));
  });
  it('dpo (region) never lists region-b requests, dpo-b never region requests', async () => {
    const a = await seedRequest(CLIENT, UNITS.child);
    const q = `query { dataSubjectRequests(first: 100) { nodes { id unit { id } } } }`;
    const seenByB = await t.execute<{ dataSubjectRequests: { nodes: { id: string }[] } }>({ as: 'dpo-b', query: q });
    expect(seenByB.errors).toBeUndefined();
    expect(seenByB.data!.dataSubjectRequests.nodes.map((n) => n.id)).not.toContain(a);
    const byB = await t.execute<{ dataSubjectRequest: unknown }>({ as: 'dpo-b', query: ONE, variables: { id: a } });
    expect(byB.data?.dataSubjectRequest ?? null).toBeNull();
  });
  it('every allowed write leaves CREATE/UPDATE; a document correction the decider may not make leaves the request undecided', async () => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { kind: 'RECTIFICATION' }));
    expect(r.errors).toBeUndefined();
    const id = r.data!.receiveDataSubjectRequest.id;
    expect((await logOf(r)).filter((e) => e.action === 'CREATE' && e.entityId === id && e.outcome === 'ALLOWED')).toHaveLength(1);
    const x = await extend('sw-child', id, 'laaja');
    expect((await logOf(x)).filter((e) => e.action === 'UPDATE' && e.entityId === id)).toHaveLength(1);
    // A revision of ANOTHER client is not linkable.
    const other = await decide('sw-child', id, { outcome: 'GRANTED', legalGround: 'x', correction: { revision: { entityType: 'Client', entityId: DEMO.clients.childAndFamily, revision: 1 } } });
    expect(codesOf(other)[0]).toMatch(/NOT_FOUND|BAD_USER_INPUT/);
    expect((await stored(id)).status).toBe('EXTENDED');
  });
});

// ------------------------------------------------------------------------------------------------
// 5. The documents route
// ------------------------------------------------------------------------------------------------
describe('P5 printable documents: paths, methods, tokens, escaping, existence, fail-closed', () => {
  let refused: string;
  let granted: string;
  beforeAll(async () => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { requesterKind: 'GUARDIAN', requesterName: SCRIPT, subject: `${SCRIPT} subject` }));
    refused = r.data!.receiveDataSubjectRequest.id;
    const d = await decide('sw-child', refused, { outcome: 'REFUSED', legalGround: `${SCRIPT} ground`, reasons: `${SCRIPT} reasons` });
    expect(d.errors).toBeUndefined();
    granted = await seedRequest(CLIENT, UNITS.child);
    expect((await decide('sw-child', granted, { outcome: 'GRANTED', legalGround: 'x' })).errors).toBeUndefined();
  });
  const path = (id: string) => `/documents/refusal-certificate/${id}`;

  it('every value is escaped; headers are safe', async () => {
    const res = await get(path(refused), 'sw-child');
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text.match(/&lt;script&gt;/g)!.length).toBeGreaterThanOrEqual(4);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const log = await logOf(res);
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => e.action === 'PRINT')).toBe(true);
    expect(log.some((e) => e.entityId === refused && (e.fields as string[]).includes('reasons'))).toBe(true);
    // The client's name and identity code shown on the page are logged as PRINT of the Client.
    expect(log.some((e) => e.entityType === 'Client' && e.clientId === CLIENT && (e.fields as string[]).includes('personalIdentityCode'))).toBe(true);
    expect(log.some((e) => e.entityId === refused && (e.fields as string[]).includes('requesterName') && (e.fields as string[]).includes('subject'))).toBe(true);
  });
  it('odd paths are 400/404 and never print', async () => {
    for (const p of [
      `/documents/refusal-certificate/..%2f..%2fclient-access-report%2f${CLIENT}`,
      `/documents/refusal-certificate/${refused}/`,
      `/documents//refusal-certificate/${refused}`,
      `/documents/refusal-certificate/${refused}%00`,
      `/documents/refusal-certificate/${refused};x`,
      `/documents/refusal-certificate/${refused}?lang=%3Cscript%3E`,
    ]) {
      const res = await get(p, 'sw-child');
      expect([p, res.status]).toEqual([p, expect.any(Number)]);
      expect([p, res.status >= 400 && res.status < 500]).toEqual([p, true]);
      expect(res.text).not.toContain('<script');
    }
  });
  it('uppercase UUID prints the same document (or is refused) without leaking', async () => {
    const res = await get(path(refused.toUpperCase()), 'sw-child');
    expect([200, 400, 404]).toContain(res.status);
  });
  it('methods other than GET/HEAD → 405; partner 403; no token / expired 401', async () => {
    const token = await t.tokenFor('sw-child');
    for (const m of ['post', 'put', 'delete', 'patch'] as const) {
      const res = await t.gateway()[m](path(refused)).set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(405);
    }
    expect((await get(path(refused), undefined, DEMO_PARTNER_TOKEN)).status).toBe(403);
    expect((await get(path(refused))).status).toBe(401);
    const expired = await t.tokenFor('sw-child', -60);
    expect((await get(path(refused), undefined, expired)).status).toBe(401);
  });
  it("another unit's / another organisation's refused request answers exactly like an unknown id", async () => {
    const unknown = await get(path(UNKNOWN_ID), 'sw-family');
    for (const login of ['sw-family', 'dpo-b', 'sw-b', 'billing']) {
      const res = await get(path(refused), login);
      expect([login, res.status, res.text]).toEqual([login, unknown.status, unknown.text]);
    }
  });
  it('a granted request has no certificate', async () => {
    expect((await get(path(granted), 'sw-child')).status).toBe(409);
  });
  it('a failing log write prints nothing', async () => {
    auditLog.failing = true;
    const res = await get(path(refused), 'sw-child');
    expect(res.status).toBe(503);
    expect(res.text).not.toContain('reasons');
  });
  it('client-access-report: only AUDITOR; dpo-b cannot print a region client; reason param escaped', async () => {
    expect((await get(`/documents/client-access-report/${CLIENT}`, 'sw-child')).status).toBe(403);
    const b = await get(`/documents/client-access-report/${CLIENT}`, 'dpo-b');
    const unknown = await get(`/documents/client-access-report/${UNKNOWN_ID}`, 'dpo-b');
    expect([b.status, b.text]).toEqual([unknown.status, unknown.text]);
    const res = await get(`/documents/client-access-report/${CLIENT}?includeEmployees=true&reason=${encodeURIComponent(SCRIPT)}`, 'dpo');
    expect(res.text).not.toContain('<script');
  });
});

// ------------------------------------------------------------------------------------------------
// 6. Rectification: a revision made before the request was received is not the request's correction
// ------------------------------------------------------------------------------------------------
describe('P6 linking a revision: made on or after receipt, of the request client, only once', () => {
  it('the same revision is not linked to two requests', async () => {
    const { client } = (await t.execute<{ client: { version: number } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { version } }`, variables: { id: CLIENT } })).data!;
    const u = await t.execute({
      as: 'sw-child',
      query: `mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!) { updateClient(id: $id, version: $version, input: $input, reason: "oikaisu") { id version } }`,
      variables: { id: CLIENT, version: client.version, input: { phone: '+358401234567' } },
    });
    expect(u.errors).toBeUndefined();
    const [rev] = await db().select({ revision: revisions.revision }).from(revisions).where(and(eq(revisions.entityType, 'Client'), eq(revisions.entityId, CLIENT))).orderBy(desc(revisions.revision)).limit(1);
    const mk = async () => (await receive('sw-child', receiveInput(CLIENT, UNITS.child, { kind: 'RECTIFICATION' }))).data!.receiveDataSubjectRequest.id;
    const a = await mk();
    const b = await mk();
    const correction = { revision: { entityType: 'Client', entityId: CLIENT, revision: Number(rev!.revision) } };
    expect((await decide('sw-child', a, { outcome: 'GRANTED', legalGround: 'x', correction })).errors).toBeUndefined();
    expect(codesOf(await decide('sw-child', b, { outcome: 'GRANTED', legalGround: 'x', correction }))[0]).toMatch(/CONFLICT|BAD_USER_INPUT/);
  });
});


// ------------------------------------------------------------------------------------------------
// 7. Who reads requests: the REGISTRAR reads nothing about active clients (DESIGN §4); billing, partner nothing
// ------------------------------------------------------------------------------------------------
describe("P7 reading requests: registrar (active clients), billing, partner, ended student see no request content", () => {
  let id: string;
  beforeAll(async () => {
    const r = await receive('sw-child', receiveInput(CLIENT, UNITS.child, { requesterKind: 'GUARDIAN', requesterName: 'Maija Meikäläinen', subject: 'Poistakaa merkintä alkoholinkäytöstäni.' }));
    id = r.data!.receiveDataSubjectRequest.id;
    expect((await decide('sw-child', id, { outcome: 'REFUSED', legalGround: 'x', reasons: 'Merkintä on tarpeellinen lastensuojelun kannalta.' })).errors).toBeUndefined();
  });
  for (const login of ['admin', 'billing', 'student-ended', 'majakka', 'sw-adult']) {
    it(`${login}: no subject / requester / reasons of an active child-welfare client's request`, async () => {
      const one = await t.execute<{ dataSubjectRequest: Record<string, unknown> | null }>({ ...asP(login), query: `query ($id: ID!) { dataSubjectRequest(id: $id) { id subject requesterName reasons } }`, variables: { id } });
      const row = one.data?.dataSubjectRequest ?? null;
      expect([login, row?.subject ?? null, row?.requesterName ?? null, row?.reasons ?? null]).toEqual([login, null, null, null]);
      const list = await t.execute<{ dataSubjectRequests: { nodes: { id: string; subject: string | null }[] } }>({
        ...asP(login),
        query: `query { dataSubjectRequests(first: 100) { nodes { id subject } } }`,
      });
      expect(list.errors?.filter((e) => e.extensions?.['code'] !== 'FORBIDDEN') ?? []).toEqual([]);
      const hit = list.data?.dataSubjectRequests.nodes.find((n) => n.id === id);
      expect([login, hit?.subject ?? null]).toEqual([login, null]);
    });
  }
  it('admin (registrar) cannot print the refusal certificate of an active client', async () => {
    const res = await get(`/documents/refusal-certificate/${id}`, 'admin');
    expect(res.status).toBe(404);
  });
  it('admin: the registrar handles requests consistently: if it reads an active client\'s request it may decide it, else it reads nothing', async () => {
    const other = await seedRequest(CLIENT, UNITS.child);
    const read = await t.execute<{ dataSubjectRequest: { subject: string | null } | null }>({ as: 'admin', query: `query ($id: ID!) { dataSubjectRequest(id: $id) { id subject } }`, variables: { id: other } });
    const d = await decide('admin', other, { outcome: 'GRANTED', legalGround: 'x' });
    expect([read.data?.dataSubjectRequest?.subject != null, d.errors === undefined]).toEqual([d.errors === undefined, d.errors === undefined]);
  });
  it("admin (registrar) reads, decides and prints the request of an ARCHIVED client (the unit no longer sees it); the DPO lists it too", async () => {
    const archived = DEMO.clients.childWelfareArchived;
    const archivedId = await seedRequest(archived, UNITS.child, { subject: 'arkisto' });
    const read = await t.execute<{ dataSubjectRequest: { subject: string | null } | null }>({ as: 'admin', query: `query ($id: ID!) { dataSubjectRequest(id: $id) { id subject } }`, variables: { id: archivedId } });
    expect(read.data?.dataSubjectRequest?.subject).toBe('arkisto');
    const byUnit = await t.execute<{ dataSubjectRequest: unknown }>({ as: 'sw-child', query: ONE, variables: { id: archivedId } });
    expect(byUnit.data?.dataSubjectRequest ?? null).toBeNull();
    const listed = await t.execute<{ dataSubjectRequests: { nodes: { id: string }[] } }>({ as: 'dpo', query: `query { dataSubjectRequests(first: 100, filter: { clientId: "${archived}" }) { nodes { id } } }` });
    expect(listed.data!.dataSubjectRequests.nodes.map((n) => n.id)).toContain(archivedId);
    const d = await decide('admin', archivedId, { outcome: 'REFUSED', legalGround: 'x', reasons: 'y' });
    expect(d.errors).toBeUndefined();
    expect((await logOf(d)).filter((e) => e.action === 'UPDATE' && e.entityId === archivedId && e.actorRole === 'REGISTRAR')).toHaveLength(1);
    expect((await get(`/documents/refusal-certificate/${archivedId}`, 'admin')).status).toBe(200);
  });
  it('dpo: the request leads to no case content of the client (documents)', async () => {
    const r = await t.execute<{ dataSubjectRequest: { client: { documents: unknown[] | null } | null } | null }>({
      as: 'dpo',
      query: `query ($id: ID!) { dataSubjectRequest(id: $id) { id client { id documents { id title body } } } }`,
      variables: { id },
    });
    expect(r.data?.dataSubjectRequest?.client?.documents ?? []).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// 8. A rectification that corrects a document the decider may not correct; HEAD
// ------------------------------------------------------------------------------------------------
describe('P8 decide with correction.document the decider may not correct: refused, DENIED logged, nothing half-written', () => {
  it('sw-child (not the author, not a manager) correcting another author\'s document through a rectification', async () => {
    const swChild = (DEMO.users as unknown as Record<string, { id: string }>)['sw-child']!.id;
    const [doc] = await db()
      .select()
      .from(documents)
      .where(and(eq(documents.clientId, DEMO.clients.childWelfareOpen), eq(documents.unitId, UNITS.child), ne(documents.authorId, swChild)))
      .limit(1);
    let target = doc;
    if (!target) {
      const candidates = await db().select().from(documents).where(and(eq(documents.unitId, UNITS.child), ne(documents.authorId, swChild), eq(documents.type, 'CASE_NOTE'))).limit(20);
      for (const c of candidates) {
        const seen = await t.execute<{ client: { id: string } | null }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: c.clientId } });
        if (seen.data?.client) { target = c; break; }
      }
    }
    expect(target).toBeDefined();
    const doc2 = target!;
    const rr = await receive('sw-child', receiveInput(doc2.clientId, UNITS.child, { kind: 'RECTIFICATION' }));
    expect(rr.errors).toBeUndefined();
    const id = rr.data!.receiveDataSubjectRequest.id;
    const r = await decide('sw-child', id, {
      outcome: 'GRANTED',
      legalGround: 'EU 2016/679 16 art.',
      correction: { document: { documentId: doc2.id, expectedRevision: doc2.currentRevision, title: 'korjattu', body: 'korjattu teksti' } },
    });
    expect(codesOf(r)[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect((await stored(id)).status).toBe('RECEIVED');
    const [after] = await db().select().from(documents).where(eq(documents.id, doc2.id));
    expect(after!.currentRevision).toBe(doc2.currentRevision);
    expect((await logOf(r)).filter((e) => e.outcome === 'DENIED' && e.clientId === doc2.clientId)).toHaveLength(1);
  });
  it('HEAD of a certificate sends no body; whatever it logs is PRINT only', async () => {
    const id = (await receive('sw-child', receiveInput(CLIENT, UNITS.child))).data!.receiveDataSubjectRequest.id;
    expect((await decide('sw-child', id, { outcome: 'REFUSED', legalGround: 'x', reasons: 'y' })).errors).toBeUndefined();
    const res = await t.gateway().head(`/documents/refusal-certificate/${id}`).set('authorization', `Bearer ${await t.tokenFor('sw-child')}`);
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
    const log = await logOf(res);
    expect(log.every((e) => e.action === 'PRINT')).toBe(true);
  });
});

describe('P9 receiving in another unit answers the same whether or not the person is known there', () => {
  it('sw-child at family-services: a child-only client and a child+family client get the same answer', async () => {
    const childOnly = await receive('sw-child', receiveInput(CLIENT, UNITS.family));
    const both = await receive('sw-child', receiveInput(DEMO.clients.childAndFamily, UNITS.family));
    expect(codesOf(childOnly)).toEqual(codesOf(both));
    expect(errorOf(childOnly)?.message).toBe(errorOf(both)?.message);
  });
  it('mgr-family-sw-child at family-services: a child-only client (seen through the child grant) answers like an unknown client, not "no relationship"', async () => {
    const childOnly = await receive('mgr-family-sw-child', receiveInput(CLIENT, UNITS.family));
    const unknown = await receive('mgr-family-sw-child', receiveInput(UNKNOWN_ID, UNITS.family));
    expect(codesOf(childOnly)[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(codesOf(unknown)[0]).toMatch(/FORBIDDEN|NOT_FOUND/);
  });
});
