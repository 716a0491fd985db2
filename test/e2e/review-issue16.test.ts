/**
 * Review of issue 16 (one access-log append per request, the single-grant field scope, the verified
 * token cache and the ability / row-scope caches). Every probe asserts the SECURE behaviour: a failing
 * test is a hole. Probes that pass stay as regression tests.
 */
import { randomUUID } from 'node:crypto';
import { apiTokens, DEMO_PARTNER_TOKEN, DEMO_PARTNER_TOKEN_ID, entries, grants, users } from '@vartija/db';
import {
  type Actor,
  ACTOR_CONTEXT_HEADER,
  ActorContextSigner,
  type SignOptions,
  AuditRecorder,
  type AuditEntryInput,
  type AuditSink,
  cachedAbilityFor,
  RETURNED_AUDIT_EXTENSION,
  returnedAuditEntries,
} from '@vartija/kit';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
const sink = new SwitchableAuditSink(() => t.database);

beforeAll(async () => {
  t = await startTestStack({ grantCacheMs: 1000, auditSink: sink });
}, 120_000);
afterAll(async () => {
  jest.restoreAllMocks();
  await t?.close();
});
beforeEach(() => {
  sink.failing = false;
});

const C = DEMO.clients;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codes = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] | undefined }) => (r.errors ?? []).map((e) => e.extensions?.['code']);
const logOf = (requestId: string) => t.database.db.select().from(entries).where(eq(entries.requestId, requestId));
const idOf = async (login: string) => (await t.database.db.select({ id: users.id }).from(users).where(eq(users.login, login)))[0]!.id;
// An identity code standing alone (not six digits inside a request id's UUID, which may look like one).
const PI_CODE = /(?<![0-9a-f])\d{6}[-+A-F]\d{3}[0-9A-Y](?![0-9a-f])/i;

const CLIENT_PAGE = /* GraphQL */ `query ClientPage($id: ID!) {
  client(id: $id) {
    id displayName personalIdentityCode
    decisions { type legalSection }
    documents { title }
  }
}`;

// =================================================================================================
// A. Entries travel with the answer: nothing leaves without its entry, nothing leaks, nothing is mixed
// =================================================================================================
describe('A. returned access-log entries', () => {
  it('A1: vartijaAudit never reaches a client (success, and an answer with FORBIDDEN field errors)', async () => {
    const ok = await t.gateway().post('/graphql').set('authorization', `Bearer ${await t.tokenFor('sw-child')}`).send({ query: CLIENT_PAGE, variables: { id: C.childWelfareOpen } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.client.id).toBe(C.childWelfareOpen);
    expect(ok.text).not.toContain(RETURNED_AUDIT_EXTENSION);
    const denied = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${await t.tokenFor('sw-child')}`)
      .send({ query: `query ($id: ID!) { client(id: $id) { id address { street } phone guardians { phone } } }`, variables: { id: C.childWelfareNonDisclosureOther } });
    expect(denied.text).not.toContain(RETURNED_AUDIT_EXTENSION);
  });

  it('A2: a subgraph’s DENIED entries (field refused at HTTP 200) are written under the request id', async () => {
    const r = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id address { street } } }`, variables: { id: C.childWelfareNonDisclosureOther } });
    expect(codes(r)).toContain('FORBIDDEN');
    const logged = await logOf(r.headers['x-request-id']!);
    expect(logged.filter((e) => e.outcome === 'DENIED' && e.subgraph === 'clients' && e.clientId === C.childWelfareNonDisclosureOther).length).toBeGreaterThan(0);
  });

  it('A3: failing log + partial answer with a refusal: no data at all, AUDIT_UNAVAILABLE', async () => {
    sink.failing = true;
    const r = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id displayName personalIdentityCode address { street } decisions { type } } }`, variables: { id: C.childWelfareNonDisclosureOther } });
    expect(r.data ?? null).toBeNull();
    expect(codes(r)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(JSON.stringify(r)).not.toMatch(PI_CODE);
  });

  it('A4: failing log: GET /documents/client-access-report gives no document', async () => {
    const path = `/documents/client-access-report/${C.childWelfareOpen}?from=2020-01-01&to=${new Date().toISOString().slice(0, 10)}`;
    const token = await t.tokenFor('dpo');
    const ok = await t.gateway().get(path).set('authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    sink.failing = true;
    const failed = await t.gateway().get(path).set('authorization', `Bearer ${token}`);
    expect(failed.status).not.toBe(200);
    expect(failed.text).not.toMatch(PI_CODE);
    expect(failed.text).not.toContain('<html');
  });

  it('A5: failing log: GET /exports/audit-entries.csv gives no rows', async () => {
    const token = await t.tokenFor('dpo');
    const ok = await t.gateway().get('/exports/audit-entries.csv').query({ clientId: C.childWelfareOpen, first: 20 }).set('authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    sink.failing = true;
    const failed = await t.gateway().get('/exports/audit-entries.csv').query({ clientId: C.childWelfareOpen, first: 20 }).set('authorization', `Bearer ${token}`);
    expect(failed.status).not.toBe(200);
    expect(failed.text).not.toContain(C.childWelfareOpen);
  });

  it('A6: failing log: a mutation with a follow-up read is rolled back and returns nothing', async () => {
    const before = await t.execute<{ client: { version: number; phone: string | null } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { version phone } }`, variables: { id: C.childWelfareOpen } });
    sink.failing = true;
    const r = await t.execute({
      as: 'sw-child',
      query: `mutation ($id: ID!, $v: Int!) { updateClient(id: $id, version: $v, input: { phone: "0409999999" }, reason: "review probe") { id phone personalIdentityCode decisions { type } } }`,
      variables: { id: C.childWelfareOpen, v: before.data!.client.version },
    });
    expect(r.data?.['updateClient'] ?? null).toBeNull();
    expect(JSON.stringify(r)).not.toMatch(PI_CODE);
    sink.failing = false;
    const after = await t.execute<{ client: { version: number; phone: string | null } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { version phone } }`, variables: { id: C.childWelfareOpen } });
    expect(after.data!.client).toEqual(before.data!.client);
  });

  it('A7: concurrent requests of two users: each request’s entries carry its own actor, none mixed or lost', async () => {
    const runs = [
      { as: 'sw-child', id: C.childWelfareOpen },
      { as: 'sw-adult', id: C.adultOnly },
    ] as const;
    const baseline = new Map<string, number>();
    for (const run of runs) {
      const r = await t.execute({ as: run.as, query: CLIENT_PAGE, variables: { id: run.id } });
      expect(r.errors).toBeUndefined();
      baseline.set(run.as, (await logOf(r.headers['x-request-id']!)).length);
      expect(baseline.get(run.as)).toBeGreaterThan(0);
    }
    const parallel = await Promise.all(Array.from({ length: 16 }, (_, i) => runs[i % 2]!).map(async (run) => ({ run, r: await t.execute({ as: run.as, query: CLIENT_PAGE, variables: { id: run.id } }) })));
    for (const { run, r } of parallel) {
      expect(r.errors).toBeUndefined();
      const logged = await logOf(r.headers['x-request-id']!);
      expect(logged).toHaveLength(baseline.get(run.as)!);
      expect(new Set(logged.map((e) => e.actorId))).toEqual(new Set([await idOf(run.as)]));
      expect(new Set(logged.map((e) => e.clientId).filter(Boolean))).toEqual(new Set([run.id]));
    }
  });

  /** An eavesdropper on the gateway→subgraph link uses the gateway's fresh context before the gateway does. */
  async function capturedContextRace() {
    const sign = ActorContextSigner.prototype.sign;
    let attacker: { status: number; text: string; requestId: string } | undefined;
    const spy = jest.spyOn(ActorContextSigner.prototype, 'sign').mockImplementation(async function (this: ActorContextSigner, actor: Actor, body: string, options: SignOptions) {
      const token = await sign.call(this, actor, body, options);
      if (!attacker && body.includes('personalIdentityCode')) {
        const res = await fetch(t.stack.subgraphUrls.clients, { method: 'POST', headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: token }, body });
        attacker = { status: res.status, text: await res.text(), requestId: actor.requestId };
      }
      return token;
    });
    let victim: Awaited<ReturnType<TestStack['execute']>>;
    try {
      victim = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id personalIdentityCode } }`, variables: { id: C.childWelfareOpen } });
    } finally {
      spy.mockRestore();
    }
    expect(attacker).toBeDefined();
    return { attacker: attacker!, victim, logged: await logOf(attacker!.requestId) };
  }

  it('A8: a captured context used first leaves a trace: the gateway\'s own use is refused, and logged as DENIED under the request', async () => {
    const { victim, logged } = await capturedContextRace();
    // The person's request gets no data from the subgraph whose context was taken.
    expect(JSON.stringify(victim.data ?? null)).not.toMatch(PI_CODE);
    const trace = logged.filter((e) => e.subgraph === 'clients' && e.outcome === 'DENIED' && e.entityType === 'AuditLog');
    expect(trace).toHaveLength(1);
    expect(trace[0]!.reason).toMatch(/second time.*may be missing/);
    expect(trace[0]!.actorId).toBe(await idOf('sw-child'));
  });

  // Known limit of one append per request (issue 16; README "The access log"): whoever answers first with a
  // captured context gets the subgraph's answer and its entries. The link must stay private (it carries the
  // data in clear anyway); A8 is the trace. Passes while the limit stands; turn into a plain test when closed.
  it.failing('A8 (known limit): the captured read itself is in the log as ALLOWED', async () => {
    const { attacker, logged } = await capturedContextRace();
    const gotData = attacker.status === 200 && PI_CODE.test(attacker.text);
    const allowed = logged.filter((e) => e.subgraph === 'clients' && e.clientId === C.childWelfareOpen && e.outcome === 'ALLOWED');
    expect(gotData).toBe(false);
    expect(allowed.length).toBeGreaterThan(0);
  });

  // Known limit: whoever holds the gateway's actor-context secret is the gateway (it can also sign any actor at all),
  // and whoever holds a subgraph's key is the gateway to that subgraph.
  it.failing('A9 (known limit): the returned entries of a subgraph are not handed to whoever holds a context (they name who read whom)', async () => {
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    const body = JSON.stringify({ query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: C.childWelfareOpen } });
    const actor: Actor = {
      kind: 'USER',
      id: await idOf('sw-child'),
      login: 'sw-child',
      organisationId: DEMO.organisations.region.id,
      grants: (await t.database.db.select().from(grants).where(and(eq(grants.userId, await idOf('sw-child')), isNull(grants.revokedAt)))).map((g) => ({
        id: g.id,
        role: g.role,
        organisationId: g.organisationId,
        unitId: g.unitId,
        validFrom: g.validFrom.toISOString(),
        validUntil: null,
        visibilityWindowMonths: 12,
      })) as Actor['grants'],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      intent: 'VIEW',
      requestId: '00000000-0000-4000-8000-0000000016a9',
      operationName: null,
      callerAddress: null,
    };
    const res = await fetch(t.stack.subgraphUrls.clients, { method: 'POST', headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: await signer.sign(actor, body, { subgraph: 'clients', returnAudit: true }) }, body });
    const json = (await res.json()) as { data?: { client: { id: string } | null } | null; extensions?: Record<string, unknown> };
    const logged = await logOf(actor.requestId);
    // Secure: what was read is in the log, whoever called.
    expect(json.data?.client ? logged.length : 1).toBeGreaterThan(0);
  });

  it('A10: a malformed returned batch, or one that answers another fetch, fails the flush closed', async () => {
    const written: AuditEntryInput[][] = [];
    const recording: AuditSink = { write: async (b) => void written.push(b) };
    const actor = { requestId: 'r-1' } as Actor;
    const r2 = new AuditRecorder(actor, 'gateway', recording);
    r2.adopt(null);
    await expect(r2.flush()).rejects.toThrow();
    expect(written).toHaveLength(0);
    const jti = 'c7d0a1de-0000-4000-8000-000000000001';
    const origin = { actor, subgraph: 'clients', jti };
    const good = [null, null, null, 'Client', null, 'READ', 'ALLOWED', [], [], null];
    expect(returnedAuditEntries({ jti, entries: [good] }, origin)).toHaveLength(1);
    // Another fetch's batch (or a fetch the gateway signed nothing for), not a batch, entries in the old keyed form,
    // a wrong arity, a bad action or outcome, a non-text field name, no entity type.
    for (const [bad, from] of [
      [{ jti: 'c7d0a1de-0000-4000-8000-000000000002', entries: [good] }, origin],
      [{ entries: [good] }, origin],
      [{ jti, entries: [good] }, { ...origin, jti: undefined }],
      [{}, origin],
      [[good], origin],
      [{ jti, entries: [{ requestId: 'r-1' }] }, origin],
      [{ jti, entries: [good.slice(0, 9)] }, origin],
      [{ jti, entries: [[...good, 'extra']] }, origin],
      [{ jti, entries: [good.map((v, i) => (i === 5 ? 'ERASE' : v))] }, origin],
      [{ jti, entries: [good.map((v, i) => (i === 6 ? 'MAYBE' : v))] }, origin],
      [{ jti, entries: [good.map((v, i) => (i === 7 ? [1] : v))] }, origin],
      [{ jti, entries: [good.map((v, i) => (i === 3 ? null : v))] }, origin],
    ] as const) {
      expect(() => returnedAuditEntries(bad, from)).toThrow();
    }
  });

  it('A10b: through the gateway, a subgraph answer whose entries name another fetch returns no data', async () => {
    const sign = ActorContextSigner.prototype.sign;
    // The subgraph is made to see another jti than the one the gateway remembers for the fetch.
    const spy = jest.spyOn(ActorContextSigner.prototype, 'sign').mockImplementation(async function (this: ActorContextSigner, actor: Actor, body: string, options: SignOptions) {
      return sign.call(this, actor, body, { ...options, jti: randomUUID() });
    });
    let r: Awaited<ReturnType<TestStack['execute']>>;
    try {
      r = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id personalIdentityCode } }`, variables: { id: C.childWelfareOpen } });
    } finally {
      spy.mockRestore();
    }
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.['code']).toBe('AUDIT_UNAVAILABLE');
    expect(await logOf(r.headers['x-request-id']!)).toHaveLength(0);
  });

  it('A11: a returned entry names no request, actor, time, chain place or service: the gateway writes its own', async () => {
    const requestId = '00000000-0000-4000-8000-0000000016b1';
    const jti = 'c7d0a1de-0000-4000-8000-000000000003';
    const actor = { requestId, kind: 'USER', id: 'gateway-actor', organisationId: null, operationName: 'Probe', purpose: 'CLIENT_WORK', emergency: false, callerAddress: '10.0.0.1' } as unknown as Actor;
    // A subgraph cannot smuggle these in: there is no place for them in an entry, and extra elements are refused.
    const smuggled = { jti, at: '1999-01-01T00:00:00.000Z', requestId: 'other', actorId: 'someone-else', subgraph: 'audit', seq: 1, hash: 'x', prevHash: 'y', entries: [['ROLE', null, null, 'Client', null, 'READ', 'ALLOWED', [], [], null]] };
    const before = Date.now();
    const returned = returnedAuditEntries(smuggled, { actor, subgraph: 'clients', jti });
    const recorder = new AuditRecorder(actor, 'gateway', sink);
    recorder.adopt(returned);
    await recorder.flush();
    const [row] = await logOf(requestId);
    expect(row).toMatchObject({ requestId, actorId: 'gateway-actor', subgraph: 'clients', operationName: 'Probe', callerAddress: '10.0.0.1', actorRole: 'ROLE' });
    expect(row!.at.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(row!.seq).not.toBe(1);
    expect(row!.hash).not.toBe('x');
    expect(row!.prevHash).not.toBe('y');
  });

  it('A11b: entries a subgraph returned carry the same request columns as the ones it writes itself', async () => {
    const query = `query Probe16($id: ID!) { client(id: $id) { id personalIdentityCode } }`;
    let actor: Actor | undefined;
    const sign = ActorContextSigner.prototype.sign;
    const spy = jest.spyOn(ActorContextSigner.prototype, 'sign').mockImplementation(async function (this: ActorContextSigner, a: Actor, body: string, options: SignOptions) {
      actor ??= JSON.parse(JSON.stringify(a)) as Actor;
      return sign.call(this, a, body, options);
    });
    let viaGateway: Awaited<ReturnType<TestStack['execute']>>;
    try {
      viaGateway = await t.execute({ as: 'sw-child', query, variables: { id: C.childWelfareOpen } });
    } finally {
      spy.mockRestore();
    }
    const [returnedRow] = (await logOf(viaGateway.headers['x-request-id']!)).filter((e) => e.subgraph === 'clients' && e.entityType === 'Client');
    expect(returnedRow).toBeDefined();
    // The same request sent straight to the subgraph, without returnAudit: the subgraph's own recorder writes it.
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    const direct = { ...actor!, requestId: randomUUID() };
    const body = JSON.stringify({ query, variables: { id: C.childWelfareOpen }, operationName: 'Probe16' });
    const res = await fetch(t.stack.subgraphUrls.clients, { method: 'POST', headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: await signer.sign(direct, body, { subgraph: 'clients' }) }, body });
    expect(res.status).toBe(200);
    const [ownRow] = (await logOf(direct.requestId)).filter((e) => e.entityType === 'Client');
    const columns = (e: typeof returnedRow) => ({ ...e, seq: 0, at: null, requestId: null, hash: null, prevHash: null });
    expect(ownRow).toBeDefined();
    expect(columns(ownRow!)).toEqual(columns(returnedRow!));
  });

  it('A12: a refused mutation’s DENIED entry is written', async () => {
    const v = await t.execute<{ client: { version: number } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { version } }`, variables: { id: C.childWelfareOpen } });
    const r = await t.execute({
      as: 'student-child',
      query: `mutation ($id: ID!, $v: Int!) { updateClient(id: $id, version: $v, input: { phone: "0401111111" }, reason: "review probe") { id } }`,
      variables: { id: C.childWelfareOpen, v: v.data!.client.version },
    });
    expect(r.data?.['updateClient'] ?? null).toBeNull();
    const logged = await logOf(r.headers['x-request-id']!);
    expect(logged.some((e) => e.outcome === 'DENIED')).toBe(true);
  });

  it('A13: failing log: an @defer query or a batched request lets no data out', async () => {
    sink.failing = true;
    const token = await t.tokenFor('sw-child');
    const deferred = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${token}`)
      .set('accept', 'multipart/mixed; deferSpec=20220824, application/json')
      .send({ query: `query ($id: ID!) { client(id: $id) { id personalIdentityCode ... @defer { documents { title } } } }`, variables: { id: C.childWelfareOpen } });
    expect(deferred.text).not.toMatch(PI_CODE);
    const batched = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${token}`)
      .send([{ query: `query ($id: ID!) { client(id: $id) { id personalIdentityCode } }`, variables: { id: C.childWelfareOpen } }, { query: `{ __typename }` }]);
    expect(batched.text).not.toMatch(PI_CODE);
  });

  it('A14: a direct subgraph call with a context WITHOUT returnAudit still writes its own entries', async () => {
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    let captured: Actor | undefined;
    const sign = ActorContextSigner.prototype.sign;
    const spy = jest.spyOn(ActorContextSigner.prototype, 'sign').mockImplementation(async function (this: ActorContextSigner, actor: Actor, body: string, options: SignOptions) {
      captured ??= JSON.parse(JSON.stringify(actor)) as Actor;
      return sign.call(this, actor, body, options);
    });
    try {
      await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: C.childWelfareOpen } });
    } finally {
      spy.mockRestore();
    }
    const actor = { ...captured!, requestId: '00000000-0000-4000-8000-0000000016c1' };
    const body = JSON.stringify({ query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: C.childWelfareOpen } });
    const res = await fetch(t.stack.subgraphUrls.clients, { method: 'POST', headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: await signer.sign(actor, body, { subgraph: 'clients' }) }, body });
    const text = await res.text();
    expect(text).toContain(C.childWelfareOpen);
    expect(text).not.toContain(RETURNED_AUDIT_EXTENSION);
    expect((await logOf(actor.requestId)).length).toBeGreaterThan(0);
  });
});

// =================================================================================================
// B. Field scope with one grant: filters / counts / cursors never reveal a field the caller cannot read
// =================================================================================================
type Node = { id: string; lastName: string | null; personalIdentityCode?: string | null };
const LIST = (fields: string) => `query ($filter: ClientFilter, $first: Int, $after: String) {
  clients(filter: $filter, first: $first, after: $after) { totalCount nodes { id ${fields} } pageInfo { hasNextPage endCursor } }
}`;
const callerOf = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });

async function walk(login: string, filter: Record<string, unknown> | undefined, fields: string) {
  const out: { nodes: Node[]; totals: number[]; errors: unknown[]; refused: string[] } = { nodes: [], totals: [], errors: [], refused: [] };
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    type Page = { clients: { totalCount: number; nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
    const r: Awaited<ReturnType<typeof t.execute<Page>>> = await t.execute<Page>({ ...callerOf(login), query: LIST(fields), variables: { filter, first: 100, after } });
    if (!r.data?.clients) {
      out.refused = codes(r) as string[];
      return out;
    }
    out.errors.push(...(r.errors ?? []));
    out.nodes.push(...r.data.clients.nodes);
    out.totals.push(r.data.clients.totalCount);
    after = r.data.clients.pageInfo.hasNextPage ? r.data.clients.pageInfo.endCursor : null;
    if (!after) break;
  }
  return out;
}

const norm = (s: string) => s.toLocaleLowerCase('fi');

describe('B. channels under the single-grant field scope', () => {
  const LOGINS = ['sw-child', 'sw-family', 'sw-adult', 'mgr-child', 'student-child', 'billing', 'dpo', 'sw-b', 'majakka', 'mgr-family-sw-child', 'sw-adult-student', 'billing-student', 'dpo-student'];

  it.each(LOGINS)('B1 %s: a lastName prefix filter and its count select exactly the listed rows whose lastName is readable', async (login) => {
    const all = await walk(login, undefined, 'lastName');
    if (all.refused.length) return; // the list itself is refused: nothing to compare
    expect(all.totals.every((n) => n === all.nodes.length)).toBe(true);
    const readable = all.nodes.filter((n) => typeof n.lastName === 'string' && n.lastName.length > 0);
    // Not vacuous for the personas the change is about (one grant, the partner) and the multi-grant ones.
    if (['sw-child', 'majakka', 'mgr-family-sw-child', 'sw-adult-student'].includes(login)) expect(readable.length).toBeGreaterThan(0);
    const prefixes = [...new Set(readable.map((n) => norm(n.lastName!).slice(0, 1)))].slice(0, 4);
    for (const prefix of prefixes) {
      const filtered = await walk(login, { lastNamePrefix: prefix }, 'lastName');
      expect(filtered.refused).toEqual([]);
      const expected = readable.filter((n) => norm(n.lastName!).startsWith(prefix)).map((n) => n.id).sort();
      expect(filtered.nodes.map((n) => n.id).sort()).toEqual(expected);
      expect(filtered.totals.every((n) => n === expected.length)).toBe(true);
    }
  });

  it.each(LOGINS)('B2 %s: a personal identity code look-up finds a listed client only where its code is readable', async (login) => {
    const all = await walk(login, undefined, 'personalIdentityCode');
    if (all.refused.length) return;
    const readable = all.nodes.filter((n) => typeof n.personalIdentityCode === 'string');
    for (const node of readable.slice(0, 3)) {
      const found = await walk(login, { personalIdentityCode: node.personalIdentityCode }, 'personalIdentityCode');
      expect(found.nodes.map((n) => n.id)).toContain(node.id);
      for (const n of found.nodes) expect(n.personalIdentityCode).toBe(node.personalIdentityCode);
    }
    // A client listed without a readable code is never found by its code.
    const unreadable = all.nodes.filter((n) => n.personalIdentityCode === null);
    if (unreadable.length > 0) {
      const rows = await t.database.db.query.clients.findMany({ where: (c, { inArray: within }) => within(c.id, unreadable.slice(0, 3).map((n) => n.id)) });
      for (const row of rows) {
        const found = await walk(login, { personalIdentityCode: row.personalIdentityCode }, 'id');
        expect(found.nodes.map((n) => n.id)).not.toContain(row.id);
      }
    }
  });

  it('B3 majakka: the partner’s count of all clients equals the clients whose name it may read (no count of services-only clients)', async () => {
    const all = await walk('majakka', undefined, 'lastName');
    expect(all.refused).toEqual([]);
    for (const n of all.nodes) expect(typeof n.lastName).toBe('string');
    expect(all.errors).toEqual([]);
  });

  it('B4 sw-child: a look-up by the code of a client of another unit finds nothing (and is logged as DENIED)', async () => {
    const [row] = await t.database.db.query.clients.findMany({ where: (c, { eq: equals }) => equals(c.id, C.adultOnly) });
    const r = await t.execute<{ clientByPersonalIdentityCode: { id: string } | null }>({ as: 'sw-child', query: `query ($c: String!) { clientByPersonalIdentityCode(code: $c) { id } }`, variables: { c: row!.personalIdentityCode } });
    expect(r.data?.clientByPersonalIdentityCode ?? null).toBeNull();
    const logged = await logOf(r.headers['x-request-id']!);
    expect(logged.some((e) => e.outcome === 'DENIED' && e.clientId === C.adultOnly)).toBe(true);
  });

  it('B5 majakka: a look-up by identity code (a field it never reads) is refused, not answered', async () => {
    const [row] = await t.database.db.query.clients.findMany({ where: (c, { eq: equals }) => equals(c.id, C.majakkaActive[0]!) });
    const r = await t.execute<{ clientByPersonalIdentityCode: { id: string } | null }>({ token: DEMO_PARTNER_TOKEN, query: `query ($c: String!) { clientByPersonalIdentityCode(code: $c) { id } }`, variables: { c: row!.personalIdentityCode } });
    expect(r.data?.clientByPersonalIdentityCode ?? null).toBeNull();
    expect(codes(r)).toContain('FORBIDDEN');
  });
});

// =================================================================================================
// C. Caches
// =================================================================================================
describe('C. caches', () => {
  it('C1: a verified token cached is refused once it has expired', async () => {
    const token = await t.tokenFor('sw-child', 2);
    const first = await t.execute({ token, query: `{ __typename }` });
    expect(first.status).toBe(200);
    await sleep(3100);
    const later = await t.execute({ token, query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: C.childWelfareOpen } });
    expect(later.status).toBe(401);
    expect(later.data ?? null).toBeNull();
  });

  it('C2: purpose and emergency headers act per request with one token (entries carry each request’s own)', async () => {
    const q = { as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: C.childWelfareOpen } };
    const a = await t.execute({ ...q, headers: { 'x-purpose-of-use': 'CLIENT_WORK' } });
    const b = await t.execute({ ...q, headers: { 'x-purpose-of-use': 'SUPERVISION', 'x-emergency-access': 'true' } });
    const c = await t.execute({ ...q, headers: { 'x-purpose-of-use': 'CLIENT_WORK' } });
    for (const [r, purpose, emergency] of [[a, 'CLIENT_WORK', false], [b, 'SUPERVISION', true], [c, 'CLIENT_WORK', false]] as const) {
      const logged = await logOf(r.headers['x-request-id']!);
      expect(logged.length).toBeGreaterThan(0);
      for (const e of logged) expect({ purpose: e.purpose, emergency: e.emergency }).toEqual({ purpose, emergency });
    }
  });

  it('C3: intent PRINT vs VIEW with one token: the log says which', async () => {
    const q = { as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: C.childWelfareOpen } };
    const view = await t.execute(q);
    const print = await t.execute({ ...q, headers: { 'x-access-intent': 'PRINT' } });
    const again = await t.execute(q);
    const actions = async (r: { headers: Record<string, string> }) => [...new Set((await logOf(r.headers['x-request-id']!)).map((e) => e.action))];
    expect(await actions(view)).toEqual(['READ']);
    expect(await actions(print)).toEqual(['PRINT']);
    expect(await actions(again)).toEqual(['READ']);
  });

  it('C4: an ability is never reused across days or grant sets', () => {
    const base: Actor = {
      kind: 'USER', id: 'u1', login: 'x', organisationId: DEMO.organisations.region.id,
      grants: [{ id: 'g1', role: 'SOCIAL_WORKER', organisationId: DEMO.organisations.region.id, unitId: DEMO.units['child-welfare'].id, validFrom: '2020-01-01T00:00:00Z', validUntil: null, visibilityWindowMonths: 12 }],
      scopes: [], purpose: 'CLIENT_WORK', emergency: false, intent: 'VIEW', requestId: 'a', operationName: null, callerAddress: null,
    };
    const d1 = cachedAbilityFor(base, { today: '2026-01-01' });
    expect(cachedAbilityFor({ ...base, requestId: 'b' }, { today: '2026-01-01' })).toBe(d1);
    expect(cachedAbilityFor(base, { today: '2026-01-02' })).not.toBe(d1);
    expect(cachedAbilityFor({ ...base, grants: [] }, { today: '2026-01-01' })).not.toBe(d1);
    expect(cachedAbilityFor({ ...base, grants: [{ ...base.grants[0]!, unitId: DEMO.units['adult-services'].id }] }, { today: '2026-01-01' })).not.toBe(d1);
  });

  it('C5: a removed grant of a multi-grant user stops acting within the grant cache time (ability and row scope rebuilt)', async () => {
    const userId = await idOf('mgr-family-sw-child');
    const q = { as: 'mgr-family-sw-child', query: `query ($id: ID!) { client(id: $id) { id displayName } }`, variables: { id: C.childWelfareOpen } };
    const before = await t.execute<{ client: { id: string } | null }>(q);
    expect(before.data?.client?.id).toBe(C.childWelfareOpen);
    const swGrants = await t.database.db.select().from(grants).where(and(eq(grants.userId, userId), eq(grants.role, 'SOCIAL_WORKER'), isNull(grants.revokedAt)));
    expect(swGrants.length).toBeGreaterThan(0);
    const ids = swGrants.map((g) => g.id);
    await t.database.db.update(grants).set({ revokedAt: new Date() }).where(inArray(grants.id, ids));
    try {
      await sleep(1300);
      const after = await t.execute<{ client: { id: string } | null }>(q);
      expect(after.data?.client ?? null).toBeNull();
      const list = await walk('mgr-family-sw-child', undefined, 'lastName');
      expect(list.nodes.map((n) => n.id)).not.toContain(C.childWelfareOpen);
    } finally {
      await t.database.db.update(grants).set({ revokedAt: null }).where(inArray(grants.id, ids));
      await sleep(1100);
    }
  });

  it('C6: a deactivated user is refused within the grant cache time, cached token or not', async () => {
    const userId = await idOf('sw-adult');
    const q = { as: 'sw-adult', query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: C.adultOnly } };
    expect((await t.execute(q)).status).toBe(200);
    await t.database.db.update(users).set({ active: false }).where(eq(users.id, userId));
    try {
      await sleep(1300);
      const r = await t.execute(q);
      expect(r.status).toBe(401);
      expect(r.data ?? null).toBeNull();
    } finally {
      await t.database.db.update(users).set({ active: true }).where(eq(users.id, userId));
      await sleep(1100);
    }
  });

  it('C7: all grants revoked: refused within the grant cache time', async () => {
    const userId = await idOf('sw-family');
    const q = { as: 'sw-family', query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: C.familyOnly } };
    expect((await t.execute(q)).status).toBe(200);
    const live = await t.database.db.select().from(grants).where(and(eq(grants.userId, userId), isNull(grants.revokedAt)));
    await t.database.db.update(grants).set({ revokedAt: new Date() }).where(inArray(grants.id, live.map((g) => g.id)));
    try {
      await sleep(1300);
      const r = await t.execute<{ client: unknown }>(q);
      expect(r.status).toBe(403);
      expect(r.data?.client ?? null).toBeNull();
    } finally {
      await t.database.db.update(grants).set({ revokedAt: null }).where(inArray(grants.id, live.map((g) => g.id)));
      await sleep(1100);
    }
  });

  it('C8: a partner token’s scopes changed act at once (the ability cache is keyed by scopes)', async () => {
    const [token] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, DEMO_PARTNER_TOKEN_ID));
    const before = await walk('majakka', undefined, 'lastName');
    expect(before.nodes.length).toBeGreaterThan(0);
    await t.database.db.update(apiTokens).set({ scopes: token!.scopes.filter((s) => s !== 'clients:read') }).where(eq(apiTokens.id, DEMO_PARTNER_TOKEN_ID));
    try {
      const after = await walk('majakka', undefined, 'lastName');
      expect(after.nodes.filter((n) => typeof n.lastName === 'string')).toEqual([]);
      const filtered = await walk('majakka', { lastNamePrefix: 'a' }, 'id');
      expect(filtered.nodes).toEqual([]);
    } finally {
      await t.database.db.update(apiTokens).set({ scopes: token!.scopes }).where(eq(apiTokens.id, DEMO_PARTNER_TOKEN_ID));
    }
  });
});

// =================================================================================================
// D. A subgraph that cannot be reached (last: it stops one)
// =================================================================================================
describe('D. one subgraph unreachable', () => {
  it('D1: the other subgraphs’ entries are written; with the log failing, nothing leaves', async () => {
    const documents = t.stack.subgraphs.find((s) => s.name === 'documents')!;
    await documents.stop();
    const r = await t.execute<{ client: { id: string; personalIdentityCode: string } | null }>({ as: 'sw-child', query: CLIENT_PAGE, variables: { id: C.childWelfareOpen } });
    expect(r.data?.client?.id).toBe(C.childWelfareOpen);
    expect(codes(r)).toContain('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(r)).not.toContain(RETURNED_AUDIT_EXTENSION);
    const logged = await logOf(r.headers['x-request-id']!);
    expect([...new Set(logged.map((e) => e.subgraph))].sort()).toEqual(expect.arrayContaining(['clients', 'services']));
    sink.failing = true;
    const f = await t.execute({ as: 'sw-child', query: CLIENT_PAGE, variables: { id: C.childWelfareOpen } });
    expect(f.data ?? null).toBeNull();
    expect(codes(f)).toContain('AUDIT_UNAVAILABLE');
    expect(JSON.stringify(f)).not.toMatch(PI_CODE);
  });
});
