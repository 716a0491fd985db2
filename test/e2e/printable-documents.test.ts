/**
 * Printable documents (issue 12 items 3 and 5; DESIGN.md §6): GET /documents/client-access-report/{clientId}
 * and GET /documents/refusal-certificate/{requestId} through the real gateway. Their required content in
 * Finnish and Swedish, escaping, the response headers, who may fetch them, and that every fetch is in the
 * access log as PRINT (never READ) under the request id the response names.
 */
import { randomUUID } from 'node:crypto';
import { clients, DEMO, DEMO_PARTNER_TOKEN, entries } from '@vartija/db';
import { DEFAULT_OMBUDSMAN_ADDRESS, documentSettingsOf, readGatewayConfig } from '@vartija/gateway';
import { eq } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

const CLIENT = DEMO.clients.childWelfareOpen;
const SWEDISH_CLIENT = DEMO.clients.childAndFamily;
const CHILD_WELFARE = DEMO.units['child-welfare'];
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';
const today = () => new Date().toISOString().slice(0, 10);
/** d.M.yyyy as the documents write a day. */
const finnishDate = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${d}.${m}.${y}`;
};
/** Today in Finland (YYYY-MM-DD): the documents' days are Finnish calendar days. */
const helsinkiDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
const helsinkiToday = () => finnishDate(helsinkiDay());

let t: TestStack;
/** The real chained sink, with a switch to make the log write fail on demand. */
const auditLog = new SwitchableAuditSink(() => t.database);

async function get(path: string, as?: string, token?: string) {
  const req = t.gateway().get(path);
  const bearer = token ?? (as ? await t.tokenFor(as) : undefined);
  if (bearer) req.set('authorization', `Bearer ${bearer}`);
  return req;
}

async function entriesOf(requestId: string) {
  return t.database.db.select().from(entries).where(eq(entries.requestId, requestId));
}

async function gql<T>(as: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await t.execute<T>({ as, query, variables });
  expect(result.errors).toBeUndefined();
  return result.data!;
}

async function identityCodeOf(id: string): Promise<string> {
  const [row] = await t.database.db.select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, id));
  return row!.code!;
}

/** Sets client fields through the API as sw-child (a correction, with its reason). */
async function updateClient(id: string, input: Record<string, unknown>) {
  const { client } = await gql<{ client: { version: number } }>('sw-child', `query ($id: ID!) { client(id: $id) { version } }`, { id });
  await gql('sw-child', `mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!) { updateClient(id: $id, version: $version, input: $input, reason: "test fixture") { id } }`, {
    id,
    version: client.version,
    input,
  });
}

const RECEIVE = `mutation ($input: ReceiveDataSubjectRequestInput!) { receiveDataSubjectRequest(input: $input) { id } }`;
const DECIDE = `mutation ($id: ID!, $input: DecideDataSubjectRequestInput!) { decideDataSubjectRequest(id: $id, input: $input) { id outcome } }`;

async function receive(clientId: string, subject: string, extra: Record<string, unknown> = {}): Promise<string> {
  const data = await gql<{ receiveDataSubjectRequest: { id: string } }>('sw-child', RECEIVE, {
    input: {
      clientId,
      unitId: CHILD_WELFARE.id,
      kind: 'ACCESS',
      requesterKind: 'CLIENT',
      identityVerification: 'IN_PERSON_ID_DOCUMENT',
      channel: 'LETTER',
      receivedOn: today(),
      subject,
      ...extra,
    },
  });
  return data.receiveDataSubjectRequest.id;
}

async function decide(id: string, input: Record<string, unknown>) {
  await gql('sw-child', DECIDE, { id, input });
}

const LEGAL_GROUND = 'Tietosuojalaki 1050/2018 34 §';
const REASONS = `Tietojen antaminen voisi vakavasti vaarantaa lapsen terveyden. ${SCRIPT}`;

let refused: string;
let partly: string;
let granted: string;
let undecided: string;
let swedishRefused: string;
let piCode: string;

beforeAll(async () => {
  t = await startTestStack({
    auditSink: auditLog,
  });
  piCode = await identityCodeOf(CLIENT);
  // A name that must come out escaped, and a Swedish-speaking client, set through the API.
  await updateClient(CLIENT, { firstName: SCRIPT, serviceLanguage: 'fi' });
  await updateClient(SWEDISH_CLIENT, { serviceLanguage: 'sv' });
  // Use of the client's data to report on.
  await gql('sw-child', `query ($id: ID!) { client(id: $id) { id firstName personalIdentityCode } }`, { id: CLIENT });

  refused = await receive(CLIENT, `Pyydän nähdä kaikki minua koskevat tiedot. ${SCRIPT}`);
  await decide(refused, { outcome: 'REFUSED', legalGround: LEGAL_GROUND, reasons: REASONS });
  partly = await receive(CLIENT, 'Pyydän lastensuojeluilmoitukset ja asiakaskertomukset.', { requesterKind: 'GUARDIAN', requesterName: 'Maija Meikäläinen' });
  await decide(partly, { outcome: 'PARTLY_GRANTED', legalGround: 'EU 2016/679 15 art.; tietosuojalaki 1050/2018 34 §', reasons: 'Ilmoittajan henkilöllisyys on salassa pidettävä.' });
  granted = await receive(CLIENT, 'Pyydän asiakassuunnitelmani.');
  await decide(granted, { outcome: 'GRANTED', legalGround: 'EU 2016/679 15 art.' });
  undecided = await receive(CLIENT, 'Pyydän päätökseni.');
  swedishRefused = await receive(SWEDISH_CLIENT, 'Jag begär att få se alla uppgifter om mig.');
  await decide(swedishRefused, { outcome: 'REFUSED', legalGround: LEGAL_GROUND, reasons: 'Uppgifterna kan äventyra barnets hälsa.' });
}, 120_000);
afterAll(() => t?.close());

function expectDocumentHeaders(res: { headers: Record<string, string> }, lang: 'fi' | 'sv') {
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  expect(res.headers['content-security-policy']).toContain("default-src 'none'; style-src 'unsafe-inline'");
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-language']).toBe(lang);
}

/** No markup from a value: the only <script> is the escaped one. */
function expectEscaped(text: string) {
  expect(text).not.toMatch(/<script/i);
  expect(text).toContain(ESCAPED_SCRIPT);
}

async function expectPrintLogged(requestId: string, entityTypes: string[]) {
  const logged = await entriesOf(requestId);
  expect(logged.length).toBeGreaterThan(0);
  for (const entry of logged) {
    expect(entry.action).toBe('PRINT');
    expect(entry.outcome).toBe('ALLOWED');
  }
  expect([...new Set(logged.map((e) => e.entityType))].sort()).toEqual(expect.arrayContaining(entityTypes));
  return logged;
}

describe('GET /documents/client-access-report/{clientId}', () => {
  const path = `/documents/client-access-report/${CLIENT}`;

  it('prints the report in Finnish with its header (client, identity code, period, controller), days without times, units by name', async () => {
    const res = await get(`${path}?from=2020-01-01&to=${helsinkiDay()}`, 'dpo');
    expect(res.status).toBe(200);
    expectDocumentHeaders(res, 'fi');
    const text = res.text;
    expect(text).toContain('<html lang="fi">');
    expect(text).toContain('Ote käyttölokista');
    expect(text).toContain('Henkilötunnus');
    expect(text).toContain(piCode);
    expect(text).toContain('Ajanjakso');
    expect(text).toContain(`1.1.2020 – ${helsinkiToday()}`);
    expect(text).toContain('Rekisterinpitäjä');
    expect(text).toContain(DEMO.organisations.region.name);
    expect(text).toContain(CHILD_WELFARE.name);
    expect(text).toContain('sosiaalityöntekijä');
    expect(text).toContain('henkilötunnus');
    expect(text).toContain(helsinkiToday());
    // Calendar days only: no time of day anywhere in the document.
    expect(text).not.toMatch(/\b\d{1,2}[:.]\d{2}[:.]\d{2}\b/);
    expect(text).not.toMatch(/T\d{2}:\d{2}/);
    // No employees without a reason.
    expect(text).not.toContain(DEMO.users['sw-child'].id);
    expect(text).not.toContain('Työntekijät');
    expectEscaped(text);
    await expectPrintLogged(res.headers['x-request-id']!, ['AuditLog', 'Client']);
  });

  it('prints it in Swedish with ?lang=sv', async () => {
    const res = await get(`${path}?lang=sv`, 'dpo');
    expect(res.status).toBe(200);
    expectDocumentHeaders(res, 'sv');
    expect(res.text).toContain('<html lang="sv">');
    expect(res.text).toContain('Utdrag ur användningsloggen');
    expect(res.text).toContain('Personbeteckning');
    expect(res.text).toContain(piCode);
    expect(res.text).toContain('Personuppgiftsansvarig');
    expect(res.text).toContain(DEMO.organisations.region.name);
    expect(res.text).toContain('socialarbetare');
    expect(res.text).toContain('Period');
    expectEscaped(res.text);
    await expectPrintLogged(res.headers['x-request-id']!, ['AuditLog', 'Client']);
  });

  it('names employees (their ids) only with includeEmployees and a reason; without a reason it is 400', async () => {
    const without = await get(`${path}?includeEmployees=true`, 'dpo');
    expect(without.status).toBe(400);
    expect(without.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const withReason = await get(`${path}?includeEmployees=true&reason=${encodeURIComponent('Asiakas epäilee väärinkäyttöä')}`, 'dpo');
    expect(withReason.status).toBe(200);
    expect(withReason.text).toContain('Työntekijät');
    expect(withReason.text).toContain(DEMO.users['sw-child'].id);
  });

  it('refuses bad dates and lang with 400', async () => {
    for (const query of ['from=2024-13-01', 'to=yesterday', 'from=2025-02-01&to=2025-01-01', 'lang=en']) {
      const res = await get(`${path}?${query}`, 'dpo');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('is for the AUDITOR only: a social worker gets 403 FORBIDDEN, logged as DENIED, and no client data is read', async () => {
    const res = await get(path, 'sw-child');
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(JSON.stringify(res.body)).not.toContain(piCode);
    const logged = await entriesOf(res.headers['x-request-id']!);
    expect(logged.some((e) => e.outcome === 'DENIED')).toBe(true);
    expect(logged.filter((e) => e.entityType === 'Client')).toEqual([]);
  });

  it('answers 401 without or with a bad token, 403 to a partner token, 404 for an unknown or unreachable client', async () => {
    expect((await get(path)).status).toBe(401);
    expect((await get(path, undefined, 'not-a-token')).status).toBe(401);
    const partner = await get(path, undefined, DEMO_PARTNER_TOKEN);
    expect(partner.status).toBe(403);
    expect(partner.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const unknown = await get(`/documents/client-access-report/${randomUUID()}`, 'dpo');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND');
    // Another organisation's auditor: the same answer as for an unknown id.
    const other = await get(path, 'dpo-b');
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(piCode);
    expect((await get(`/documents/client-access-report/not-a-uuid`, 'dpo')).status).toBe(400);
    expect((await get(`/documents/no-such-document/${CLIENT}`, 'dpo')).status).toBe(404);
  });

  // DESIGN §4 / §6: the client's log extract is the auditor's (AUDITOR of the client's organisation); a partner
  // fetches no documents; another organisation's auditor gets the answer of an unknown id.
  const EXPECTED: Record<ActiveLogin, number> = {
    'sw-child': 403,
    'sw-family': 403,
    'sw-adult': 403,
    'mgr-child': 403,
    'student-child': 403,
    billing: 403,
    dpo: 200,
    admin: 403,
    majakka: 403,
    'sw-adult-student': 403,
    'mgr-family-sw-child': 403,
    'billing-student': 403,
    'dpo-student': 200,
    'sw-b': 403,
    'dpo-b': 404,
  };
  it.each(ACTIVE_LOGINS.map((login) => [login, EXPECTED[login]] as const))('as %s: %i', async (login, status) => {
    const res = login === 'majakka' ? await get(path, undefined, DEMO_PARTNER_TOKEN) : await get(path, login);
    expect(res.status).toBe(status);
    if (status !== 200) expect(res.text).not.toContain(piCode);
  });

  it('answers errors as a small HTML page to a browser, without personal data', async () => {
    const res = await t.gateway().get(path).set('accept', 'text/html');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('UNAUTHENTICATED');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('GET /documents/refusal-certificate/{requestId}', () => {
  it('prints a refusal in Finnish (the client\'s service language): controller, request, decision, reasons, legal ground, appeal to the ombudsman', async () => {
    const res = await get(`/documents/refusal-certificate/${refused}`, 'sw-child');
    expect(res.status).toBe(200);
    expectDocumentHeaders(res, 'fi');
    const text = res.text;
    expect(text).toContain('<html lang="fi">');
    expect(text).toContain('Kieltäytymistodistus');
    expect(text).toContain('Rekisterinpitäjä');
    expect(text).toContain(DEMO.organisations.region.name);
    expect(text).toContain(CHILD_WELFARE.name);
    expect(text).toContain(piCode);
    expect(text).toContain(refused);
    expect(text).toContain('tarkastuspyyntö');
    expect(text).toContain('Vastaanotettu');
    expect(text).toContain(finnishDate(today()));
    expect(text).toContain('Pyydän nähdä kaikki minua koskevat tiedot.');
    expect(text).toContain('kirjeitse');
    expect(text).toContain('asiakas itse');
    expect(text).toContain('Päätöspäivä');
    expect(text).toContain('evätty');
    expect(text).toContain('Oikeudellinen peruste');
    expect(text).toContain(LEGAL_GROUND);
    expect(text).toContain('Epäämisen perustelut');
    expect(text).toContain('Tietojen antaminen voisi vakavasti vaarantaa lapsen terveyden.');
    expect(text).toContain('tietosuojavaltuutetun käsiteltäväksi');
    expect(text).toContain(DEFAULT_OMBUDSMAN_ADDRESS.fi);
    expect(text).toContain('Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki');
    expectEscaped(text);
    const logged = await expectPrintLogged(res.headers['x-request-id']!, ['Client', 'DataSubjectRequest']);
    expect(logged.every((e) => e.actorId === DEMO.users['sw-child'].id)).toBe(true);
  });

  it('prints it in Swedish with ?lang=sv', async () => {
    const res = await get(`/documents/refusal-certificate/${refused}?lang=sv`, 'sw-child');
    expect(res.status).toBe(200);
    expectDocumentHeaders(res, 'sv');
    const text = res.text;
    expect(text).toContain('Intyg om vägran');
    expect(text).toContain('Personuppgiftsansvarig');
    expect(text).toContain(DEMO.organisations.region.name);
    expect(text).toContain('begäran om insyn');
    expect(text).toContain('Beslutsdatum');
    expect(text).toContain('avslagen');
    expect(text).toContain('Rättslig grund');
    expect(text).toContain(LEGAL_GROUND);
    expect(text).toContain('Motivering till vägran');
    expect(text).toContain('dataombudsmannen');
    expect(text).toContain('Dataombudsmannens byrå, PB 800, 00531 Helsingfors');
    expectEscaped(text);
  });

  it('is in Swedish by default for a client whose service language is Swedish', async () => {
    const res = await get(`/documents/refusal-certificate/${swedishRefused}`, 'sw-child');
    expect(res.status).toBe(200);
    expect(res.headers['content-language']).toBe('sv');
    expect(res.text).toContain('Intyg om vägran');
    expect(res.text).toContain('Uppgifterna kan äventyra barnets hälsa.');
    expect(res.text).toContain(DEFAULT_OMBUDSMAN_ADDRESS.sv);
  });

  it('prints a partial refusal, saying it covers the refused part; names the guardian who asked', async () => {
    const res = await get(`/documents/refusal-certificate/${partly}`, 'sw-child');
    expect(res.status).toBe(200);
    expect(res.text).toContain('hyväksytty osittain');
    expect(res.text).toContain('Tämä todistus koskee sitä osaa pyynnöstä, joka evättiin.');
    expect(res.text).toContain('huoltaja: Maija Meikäläinen');
    expect(res.text).toContain('Ilmoittajan henkilöllisyys on salassa pidettävä.');
  });

  it('is CONFLICT (409) for a request granted or not yet decided, and reads nothing of its content', async () => {
    for (const id of [granted, undecided]) {
      const res = await get(`/documents/refusal-certificate/${id}`, 'sw-child');
      expect(res.status).toBe(409);
      expect(res.body.errors[0].extensions.code).toBe('CONFLICT');
      const logged = await entriesOf(res.headers['x-request-id']!);
      expect(logged.flatMap((e) => e.fields)).not.toContain('reasons');
      expect(logged.flatMap((e) => e.fields)).not.toContain('subject');
    }
  });

  it('the data protection officer prints it too (the request, its organisation\'s)', async () => {
    const res = await get(`/documents/refusal-certificate/${refused}`, 'dpo');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Kieltäytymistodistus');
    expect(res.text).toContain(LEGAL_GROUND);
    await expectPrintLogged(res.headers['x-request-id']!, ['DataSubjectRequest']);
  });

  it('answers 401 unauthenticated, 403 to a partner, 404 to another unit\'s worker and for an unknown id', async () => {
    const path = `/documents/refusal-certificate/${refused}`;
    expect((await get(path)).status).toBe(401);
    const partner = await get(path, undefined, DEMO_PARTNER_TOKEN);
    expect(partner.status).toBe(403);
    expect(partner.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const otherUnit = await get(path, 'sw-adult');
    expect(otherUnit.status).toBe(404);
    expect(JSON.stringify(otherUnit.body)).not.toContain(LEGAL_GROUND);
    const unknown = await get(`/documents/refusal-certificate/${randomUUID()}`, 'sw-child');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('fail-closed', () => {
  afterEach(() => {
    auditLog.failing = false;
  });

  it('prints nothing when the access log cannot be written (503 AUDIT_UNAVAILABLE, no personal data)', async () => {
    auditLog.failing = true;
    for (const [path, as] of [
      [`/documents/refusal-certificate/${refused}`, 'sw-child'],
      [`/documents/client-access-report/${CLIENT}`, 'dpo'],
    ] as const) {
      const res = await get(path, as);
      expect(res.status).toBe(503);
      expect(res.body.errors[0].extensions.code).toBe('AUDIT_UNAVAILABLE');
      expect(res.text).not.toContain(piCode);
      expect(res.text).not.toContain(LEGAL_GROUND);
    }
  });
});

describe('configuration', () => {
  it('takes the ombudsman address from DPO_OMBUDSMAN_ADDRESS (and _SV), with the office\'s current address as the default', () => {
    expect(documentSettingsOf(readGatewayConfig({})).ombudsmanAddress).toEqual(DEFAULT_OMBUDSMAN_ADDRESS);
    expect(DEFAULT_OMBUDSMAN_ADDRESS.fi).toBe('Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki, tietosuoja@om.fi, www.tietosuoja.fi');
    const custom = documentSettingsOf(readGatewayConfig({ DPO_OMBUDSMAN_ADDRESS: 'Toimisto, PL 1, 00100 Helsinki', DPO_OMBUDSMAN_ADDRESS_SV: 'Byrå, PB 1, 00100 Helsingfors' }));
    expect(custom.ombudsmanAddress).toEqual({ fi: 'Toimisto, PL 1, 00100 Helsinki', sv: 'Byrå, PB 1, 00100 Helsingfors' });
    expect(() => readGatewayConfig({ DPO_OMBUDSMAN_ADDRESS: '  ' })).toThrow(/DPO_OMBUDSMAN_ADDRESS/);
  });
});
