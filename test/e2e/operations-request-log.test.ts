/**
 * Issue 14 item 3: the structured request log (pino). One line per request on every service, with
 * time, level, the request id the client was told, the operation, a pseudonymous actor, status and
 * duration; the gateway's and the subgraphs' lines of one request share its id. Scanned for the demo
 * world's personal data — names, identity codes, ids, logins, tokens, variables: none.
 */
import { clients, DEMO, DEMO_PARTNER_TOKEN, users } from '@vartija/db';
import { actorPseudonym } from '@vartija/kit';
import { eventually, type LogLine, type ObservedStack, startObservedStack } from './operations/observed-stack';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const CLIENT_PAGE = 'query ClientPage($id: ID!) { client(id: $id) { displayName personalIdentityCode phone address { street postOffice } documents { title } } }';
const SEARCH = 'query Search($prefix: String) { clients(first: 5, filter: { lastNamePrefix: $prefix }) { nodes { id displayName } } }';
const ADD_GUARDIAN = 'mutation AddGuardian($clientId: ID!, $input: GuardianInput!) { addGuardian(clientId: $clientId, input: $input) { id } }';
const GUARDIAN = { kind: 'RELATIVE', firstName: 'Ainomaija', lastName: 'Testisukulainen', phone: '+358401234567', relation: 'isoäiti' };

let t: ObservedStack;
beforeAll(async () => {
  // The operations' names are the register's known names (KNOWN_OPERATION_NAMES): others would be (unlisted).
  t = await startObservedStack({ knownOperationNames: ['ClientPage', 'Search', 'AddGuardian'] });
});
afterAll(() => t?.close());

const requestLines = (requestId: string) => t.lines.filter((l) => l.msg === 'request' && l['requestId'] === requestId);

describe('the request log', () => {
  const told: { requestId: string; service: string; operation: string; status: number; outcome: string; login?: string }[] = [];
  let secrets: string[] = [];

  beforeAll(async () => {
    const client = DEMO.clients.childWelfareOpen;
    const [someClient] = await t.database.db.select({ lastName: clients.lastName }).from(clients).limit(1);
    const prefix = someClient!.lastName!.slice(0, 4);
    const cases: { login?: string; token?: string; body: unknown; operation: string; status: number; outcome: string }[] = [
      { login: 'sw-child', body: { query: CLIENT_PAGE, variables: { id: client } }, operation: 'ClientPage', status: 200, outcome: 'ok' },
      { login: 'sw-child', body: { query: SEARCH, variables: { prefix } }, operation: 'Search', status: 200, outcome: 'ok' },
      { login: 'sw-child', body: { query: ADD_GUARDIAN, variables: { clientId: client, input: GUARDIAN } }, operation: 'AddGuardian', status: 200, outcome: 'ok' },
      { token: DEMO_PARTNER_TOKEN, body: { query: SEARCH, variables: { prefix } }, operation: 'Search', status: 200, outcome: 'ok' },
      { token: 'not.a.token', body: { query: CLIENT_PAGE, variables: { id: client } }, operation: '(none)', status: 401, outcome: 'UNAUTHENTICATED' },
    ];
    for (const c of cases) {
      const response = await t.post(c.body, { ...(c.login ? { as: c.login } : {}), ...(c.token ? { token: c.token } : {}) });
      expect([c.operation, response.status]).toEqual([c.operation, c.status]);
      told.push({ requestId: response.headers.get('x-request-id')!, service: 'gateway', operation: c.operation, status: c.status, outcome: c.outcome, ...(c.login ? { login: c.login } : {}) });
    }
    // GET with the variables in the query string, and a printable document whose path names the client.
    const token = await t.tokenFor('sw-child');
    const search = new URLSearchParams({ query: CLIENT_PAGE, variables: JSON.stringify({ id: client }) });
    const get = await fetch(`${t.stack.gatewayUrl}/graphql?${search}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    told.push({ requestId: get.headers.get('x-request-id')!, service: 'gateway', operation: 'ClientPage', status: 200, outcome: 'ok', login: 'sw-child' });
    const printed = await fetch(`${t.stack.gatewayUrl.replace(/\/graphql$/, '')}/documents/client-access-report/${client}`, { headers: { authorization: `Bearer ${await t.tokenFor('dpo')}` } });
    await printed.text();
    told.push({ requestId: printed.headers.get('x-request-id')!, service: 'gateway', operation: '(none)', status: printed.status, outcome: printed.status === 200 ? 'ok' : 'FORBIDDEN', login: 'dpo' });

    await eventually(() => told.every((r) => requestLines(r.requestId).some((l) => l.service === 'gateway')), 'a gateway line for every request');

    // What must never be in the log: the demo world's people and ids, the logins, the tokens, what the requests sent.
    const people = await t.database.db.select({ first: clients.firstName, last: clients.lastName, pic: clients.personalIdentityCode, phone: clients.phone }).from(clients);
    const staff = await t.database.db.select({ login: users.login, name: users.displayName }).from(users);
    secrets = [
      ...people.flatMap((p) => [p.first, p.last, p.pic, p.phone]),
      ...staff.flatMap((s) => [s.login, s.name]),
      token,
      await t.tokenFor('dpo'),
      DEMO_PARTNER_TOKEN,
      'not.a.token',
      prefix,
      ...Object.values(GUARDIAN),
    ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  });

  it('writes one gateway line per request with the id the client was told, the operation, status, outcome and duration', () => {
    for (const r of told) {
      const lines = requestLines(r.requestId).filter((l) => l.service === 'gateway');
      expect(lines).toHaveLength(1);
      const line = lines[0]!;
      expect(line).toMatchObject({ level: 'info', msg: 'request', service: 'gateway', operation: r.operation, status: r.status, outcome: r.outcome });
      expect(new Date(String(line['time'])).toISOString()).toBe(line['time']);
      expect(line['durationMs']).toEqual(expect.any(Number));
      if (r.login) expect(line['actor']).toBe(actorPseudonym({ kind: 'USER', id: DEMO.users[r.login as 'sw-child'].id }));
      else if (r.status === 401) expect(line['actor']).toBeUndefined();
    }
  });

  it("logs the subgraphs' side under the same request id and the same actor pseudonym", () => {
    const [page] = told;
    const lines = requestLines(page!.requestId);
    const services = lines.map((l) => l.service).sort();
    expect(services).toEqual(['clients', 'documents', 'gateway']);
    expect(new Set(lines.map((l) => l['actor'])).size).toBe(1);
    for (const line of lines.filter((l) => l.service !== 'gateway')) expect(String(line['operation'])).toMatch(/^ClientPage__\w+__\d+$/);
  });

  it('gives each actor its own stable pseudonym, never its id or login', () => {
    const of = (login: string) => new Set(told.filter((r) => r.login === login).flatMap((r) => requestLines(r.requestId).map((l) => l['actor'])));
    expect(of('sw-child').size).toBe(1);
    expect([...of('sw-child')][0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect([...of('sw-child')][0]).not.toBe([...of('dpo')][0]);
  });

  it('holds no personal data of the demo world, no ids but request ids, no tokens and no variables', () => {
    expect(t.lines.length).toBeGreaterThan(told.length);
    expect(secrets.length).toBeGreaterThan(100);
    const text = t.lines.map((l) => JSON.stringify(l)).join('\n');
    const found = secrets.filter((secret) => text.includes(secret));
    expect(found).toEqual([]);
    const requestIds = new Set(t.lines.map((l) => l['requestId']));
    const otherIds = t.lines.flatMap((l: LogLine) => {
      const { requestId: _id, ...rest } = l;
      return JSON.stringify(rest).match(UUID) ?? [];
    });
    expect(otherIds.filter((id) => !requestIds.has(id))).toEqual([]);
    expect(text).not.toMatch(/variables|query=|\/documents\/client-access-report\//);
  });
});
