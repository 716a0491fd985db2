import { apiTokens, clients, commissions, consents, DEMO, DEMO_PARTNER_TOKEN, documents, entries, guardians, medications, placements } from '@vartija/db';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { and, eq, gt, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { parseApiToken } from '@vartija/kit';
import { commissionedClients, operationHash, operationText } from '../examples/partner-client';
import { codesOf, startTestStack, type TestStack } from '../testkit';

const MAJAKKA = DEMO.organisations.majakka.id;
const CHILD_WELFARE = DEMO.units['child-welfare'].id;

type Issued = { issueApiToken: { token: string; apiToken: { id: string; prefix: string; scopes: string[] } } };
const ISSUE = `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token apiToken { id prefix scopes } } }`;

async function issue(t: TestStack, input: Record<string, unknown>): Promise<Issued['issueApiToken']> {
  const result = await t.execute<Issued>({
    as: 'admin',
    query: ISSUE,
    variables: { input: { organisationId: MAJAKKA, name: 'test', expiresInDays: 30, ...input } },
  });
  expect(result.errors).toBeUndefined();
  return result.data!.issueApiToken;
}

/** Clients majakka may reach, straight from the tables: an active commission (ended on `endsOn`: no access that day). */
async function expectedClients(t: TestStack): Promise<string[]> {
  const today = new Date().toISOString().slice(0, 10);
  const commissioned = await t.database.db
    .select({ id: commissions.clientId })
    .from(commissions)
    .where(and(eq(commissions.partnerOrganisationId, MAJAKKA), lte(commissions.startsOn, today), or(isNull(commissions.endsOn), gt(commissions.endsOn, today))));
  return [...new Set(commissioned.map((r) => r.id))].sort();
}

const LIST = `{ clients(first: 100) { totalCount nodes { id } } }`;
const idsOf = (data: { clients: { nodes: { id: string }[] } } | null | undefined) => data!.clients.nodes.map((n) => n.id).sort();

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

describe('majakka (partner token): which clients it sees', () => {
  it('sees exactly the clients commissioned to it, never another partner\'s or an ended commission\'s', async () => {
    const result = await t.execute<{ clients: { totalCount: number; nodes: { id: string }[] } }>({ token: DEMO_PARTNER_TOKEN, query: LIST });
    expect(result.errors).toBeUndefined();
    const expected = await expectedClients(t);
    expect(idsOf(result.data)).toEqual(expected);
    expect(result.data!.clients.totalCount).toBe(expected.length);
    for (const id of DEMO.clients.majakkaActive) expect(expected).toContain(id);
    expect(idsOf(result.data)).not.toContain(DEMO.clients.majakkaEnded);
    expect(idsOf(result.data)).not.toContain(DEMO.clients.childWelfareOpen);
  });

  it('drops a client at once when its commission ends', async () => {
    const [client] = DEMO.clients.majakkaActive;
    const before = await t.execute({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: client } });
    expect(before.data).toEqual({ client: { id: client } });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const ended = await t.database.db
      .update(commissions)
      .set({ endsOn: yesterday })
      .where(and(eq(commissions.clientId, client!), eq(commissions.partnerOrganisationId, MAJAKKA)))
      .returning();
    try {
      const after = await t.execute({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: client } });
      expect(after.data).toEqual({ client: null });
    } finally {
      for (const row of ended) await t.database.db.update(commissions).set({ endsOn: null }).where(eq(commissions.id, row.id));
    }
  });
});

describe('partner scopes × fields', () => {
  const CLIENT_PAGE = `query ($id: ID!) { client(id: $id) { displayName personalIdentityCode phone guardians { firstName phone } decisions { type } documents { title } } }`;
  const forbiddenPaths = (errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] | undefined) =>
    (errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path!.join('.')).sort();

  it('clients:read: identity and family, guardians\' contact; never identity codes, contact, services or documents', async () => {
    const { token } = await issue(t, { scopes: ['clients:read'] });
    const result = await t.execute<{ client: Record<string, unknown> }>({ token, query: CLIENT_PAGE, variables: { id: DEMO.clients.majakkaActive[0] } });
    expect(result.data!.client['displayName']).toEqual(expect.any(String));
    expect(forbiddenPaths(result.errors)).toEqual(['client.decisions', 'client.documents', 'client.personalIdentityCode', 'client.phone']);
  });

  it('services:read: decisions of its commission; no names', async () => {
    const { token } = await issue(t, { scopes: ['services:read'] });
    const result = await t.execute<{ client: { decisions: { type: string }[] } }>({ token, query: CLIENT_PAGE, variables: { id: DEMO.clients.majakkaActive[0] } });
    expect(result.data!.client.decisions.length).toBeGreaterThan(0);
    expect(forbiddenPaths(result.errors)).toEqual(['client.displayName', 'client.documents', 'client.guardians', 'client.personalIdentityCode', 'client.phone']);
  });

  it('documents:read: only its own documents of the commission', async () => {
    const { token } = await issue(t, { scopes: ['documents:read'] });
    const result = await t.execute<{ client: { documents: { id: string }[] } }>({
      token,
      query: `query ($id: ID!) { client(id: $id) { documents { id } } }`,
      variables: { id: DEMO.clients.majakkaActive[0] },
    });
    expect(result.errors).toBeUndefined();
    const seen = result.data!.client.documents.map((d) => d.id).sort();
    const own = await t.database.db
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.clientId, DEMO.clients.majakkaActive[0]!), eq(documents.authorOrganisationId, MAJAKKA)));
    expect(seen).toEqual(own.map((d) => d.id).sort());
    expect(seen.length).toBeGreaterThan(0);
  });

  it('never sees a non-disclosure client\'s guardians\' contact data', async () => {
    const client = DEMO.clients.majakkaActive[1]!;
    const guardianRows = await t.database.db.select().from(guardians).where(eq(guardians.clientId, client));
    expect(guardianRows.length).toBeGreaterThan(0);
    await t.database.db.update(clients).set({ addressNonDisclosure: true }).where(eq(clients.id, client));
    try {
      const result = await t.execute<{ client: { guardians: { phone: string | null }[] } }>({
        token: DEMO_PARTNER_TOKEN,
        query: `query ($id: ID!) { client(id: $id) { guardians { firstName phone } } }`,
        variables: { id: client },
      });
      expect(result.data!.client.guardians.every((g) => g.phone === null)).toBe(true);
      expect(forbiddenPaths(result.errors).length).toBe(guardianRows.length);
    } finally {
      await t.database.db.update(clients).set({ addressNonDisclosure: false }).where(eq(clients.id, client));
    }
  });
});

describe('consent-based disclosure of health data', () => {
  const MEDS = `query ($id: ID!) { client(id: $id) { medications { medicine } } }`;
  it('shows a commissioned client\'s medications only while the consent to majakka stands', async () => {
    const client = DEMO.clients.majakkaActive[0]!;
    const [consent] = await t.database.db.select().from(consents).where(and(eq(consents.clientId, client), eq(consents.recipientOrganisationId, MAJAKKA), isNull(consents.withdrawnOn)));
    expect(consent).toBeDefined();
    const [placement] = await t.database.db.select().from(placements).where(and(eq(placements.clientId, client), isNotNull(placements.commissionId)));
    await t.database.db.insert(medications).values({ clientId: client, unitId: placement!.unitId, placementId: placement!.id, medicine: 'Melatoniini', dose: '1 mg', givenAt: new Date(), givenBy: 'Perhekoti Majakka' });
    const before = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: client } });
    expect(before.errors).toBeUndefined();
    expect(before.data!.client.medications.length).toBeGreaterThan(0);
    const staffView = await t.execute<{ client: { medications: unknown[] } }>({ as: 'mgr-child', query: MEDS, variables: { id: client } });
    expect(staffView.data!.client.medications.length).toBeGreaterThanOrEqual(before.data!.client.medications.length);
    await t.database.db.update(consents).set({ withdrawnOn: new Date().toISOString().slice(0, 10) }).where(eq(consents.id, consent!.id));
    try {
      const after = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: client } });
      expect(after.data!.client.medications).toEqual([]);
    } finally {
      await t.database.db.update(consents).set({ withdrawnOn: null }).where(eq(consents.id, consent!.id));
    }
  });
});

describe('partner writes', () => {
  const RECORD = `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id type } }`;
  const input = (type: string) => ({ clientId: DEMO.clients.majakkaActive[0], unitId: CHILD_WELFARE, type, title: 'Kuukausiraportti', body: 'Arki on sujunut hyvin.' });

  it('adds a REPORT to a commissioned client with documents:write', async () => {
    const result = await t.execute<{ recordDocument: { id: string; type: string } }>({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: input('REPORT') } });
    expect(result.errors).toBeUndefined();
    const [row] = await t.database.db.select().from(documents).where(eq(documents.id, result.data!.recordDocument.id));
    expect(row).toMatchObject({ authorOrganisationId: MAJAKKA, authorId: null, type: 'REPORT' });
    expect(row!.commissionId).not.toBeNull();
  });

  it('refuses any other document type, other writes and writes without the scope', async () => {
    expect(codesOf(await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: input('CASE_NOTE') } }))).toEqual(['FORBIDDEN']);
    const create = await t.execute({
      token: DEMO_PARTNER_TOKEN,
      query: `mutation ($input: CreateClientInput!) { createClient(input: $input) { id } }`,
      variables: { input: { firstName: 'A', lastName: 'B', unitId: CHILD_WELFARE } },
    });
    expect(codesOf(create)).toEqual(['FORBIDDEN']);
    const { token } = await issue(t, { scopes: ['documents:read'] });
    expect(codesOf(await t.execute({ token, query: RECORD, variables: { input: input('REPORT') } }))).toEqual(['FORBIDDEN']);
  });

  it('cannot write for a client that is not commissioned to it', async () => {
    const result = await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: { ...input('REPORT'), clientId: DEMO.clients.childWelfareOpen } } });
    expect(codesOf(result)).toEqual(['NOT_FOUND']);
  });
});

describe('persisted operations and introspection', () => {
  const DOCUMENT = 'query PartnerClients { clients(first: 10) { nodes { id displayName } } }';
  const hash = createHash('sha256').update(DOCUMENT).digest('hex');
  let allowlisted: string;

  beforeAll(async () => {
    const registered = await t.execute({ as: 'admin', query: `mutation ($d: String!) { registerPersistedOperation(id: "partner-clients-v1", document: $d) { id sha256 } }`, variables: { d: DOCUMENT } });
    expect(registered.data).toEqual({ registerPersistedOperation: { id: 'partner-clients-v1', sha256: hash } });
    allowlisted = (await issue(t, { scopes: ['clients:read'], allowedOperations: ['partner-clients-v1'] })).token;
  });

  const post = (token: string, body: Record<string, unknown>) =>
    t.gateway().post('/graphql').set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send(body);

  it('runs an allowed operation by sha256 and by id', async () => {
    const byHash = await post(allowlisted, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.clients.nodes.length).toBeGreaterThan(0);
    const byId = await post(allowlisted, { extensions: { operationId: 'partner-clients-v1' } });
    expect(byId.body.data.clients.nodes).toEqual(byHash.body.data.clients.nodes);
  });

  it('refuses arbitrary documents and unknown operations with clear errors', async () => {
    const arbitrary = await post(allowlisted, { query: '{ clients { totalCount } }' });
    expect(arbitrary.status).toBe(403);
    expect(arbitrary.body.errors[0].message).toMatch(/persisted operations/);
    const unknown = await post(allowlisted, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('an operation id cannot stand for a hash: ids that look like one are refused, and a hash is never looked up as an id', async () => {
    const shadow = await t.execute({
      as: 'admin',
      query: `mutation ($id: String!, $d: String!) { registerPersistedOperation(id: $id, document: $d) { id } }`,
      variables: { id: createHash('sha256').update('query Other { me { id } }').digest('hex'), d: 'query Substituted { me { id } }' },
    });
    expect(codesOf(shadow)).toEqual(['BAD_USER_INPUT']);
    expect(shadow.errors?.[0]?.extensions?.['field']).toBe('id');
    const byHashToken = (await issue(t, { scopes: ['clients:read'], allowedOperations: [`sha256:${hash}`] })).token;
    expect((await post(byHashToken, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).body.data.clients.nodes.length).toBeGreaterThan(0);
    // The hash sent as an operation id names no operation (ids and hashes are separate namespaces).
    const asId = await post(byHashToken, { extensions: { operationId: hash } });
    expect(asId.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a token may allow only registered operations (the namespace is shared: a free name could be taken later)', async () => {
    const result = await t.execute({
      as: 'admin',
      query: ISSUE,
      variables: { input: { organisationId: MAJAKKA, name: 'test', expiresInDays: 30, scopes: ['clients:read'], allowedOperations: ['partner-clients-v1', 'not-yet-registered-v1'] } },
    });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'input.allowedOperations' });
    expect(result.errors?.[0]?.message).toContain('not-yet-registered-v1');
    expect(result.errors?.[0]?.message).not.toContain('partner-clients-v1,');
  });

  it('turns introspection and field suggestions off for partner tokens', async () => {
    const introspection = await t.execute({ token: DEMO_PARTNER_TOKEN, query: '{ __schema { types { name } } }' });
    expect(codesOf(introspection)).toEqual(['FORBIDDEN']);
    const typo = await t.execute({ token: DEMO_PARTNER_TOKEN, query: '{ clients { nodes { displayNam } } }' });
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const staffTypo = await t.execute({ as: 'sw-child', query: '{ clients { nodes { displayNam } } }' });
    expect(staffTypo.errors?.[0]?.message).toMatch(/Did you mean/);
  });
});

describe('token lifecycle', () => {
  it('refuses revoked, expired, malformed and unknown tokens with 401', async () => {
    const { token, apiToken } = await issue(t, { scopes: ['clients:read'] });
    expect((await t.execute({ token, query: LIST })).status).toBe(200);
    expect((await t.execute({ as: 'admin', query: `mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, variables: { id: apiToken.id } })).errors).toBeUndefined();
    expect((await t.execute({ token, query: LIST })).status).toBe(401);

    const expiring = await issue(t, { scopes: ['clients:read'] });
    await t.database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expiring.apiToken.id));
    expect((await t.execute({ token: expiring.token, query: LIST })).status).toBe(401);
    // Nor does rotation bring an expired token back (a successor would work for a day).
    const rotated = await t.execute({ as: 'admin', query: `mutation ($id: ID!) { rotateApiToken(id: $id, overlapHours: 0) { token } }`, variables: { id: expiring.apiToken.id } });
    expect(codesOf(rotated)).toEqual(['CONFLICT']);

    expect((await t.execute({ token: 'vrt_pt_nonsense', query: LIST })).status).toBe(401);
    expect((await t.execute({ token: `vrt_pt_00000000_${'a'.repeat(43)}`, query: LIST })).status).toBe(401);
    expect((await t.execute({ token: `${DEMO_PARTNER_TOKEN.slice(0, -1)}${DEMO_PARTNER_TOKEN.endsWith('A') ? 'B' : 'A'}`, query: LIST })).status).toBe(401);
  });

  it('stores only a hash and lists tokens without secrets, with their last use', async () => {
    const { token, apiToken } = await issue(t, { scopes: ['clients:read'] });
    expect((await t.execute({ token, query: LIST })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100)); // last use is written beside the request, not in its path
    // The secret is base64url and may itself contain '_': take it as the token format defines it.
    const secret = parseApiToken(token)!.secret;
    const [row] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, apiToken.id));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await t.execute<{ apiTokens: Record<string, unknown>[] }>({ as: 'admin', query: '{ apiTokens { id prefix scopes lastUsedAt } }' });
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    const mine = listed.data!.apiTokens.find((x) => x['id'] === apiToken.id);
    expect(mine).toMatchObject({ prefix: apiToken.prefix, lastUsedAt: expect.any(String) });
  });

  it('rotates with an overlap window: both work during it, only the new one without it', async () => {
    const ROTATE = `mutation ($id: ID!, $h: Int!) { rotateApiToken(id: $id, overlapHours: $h) { token } }`;
    const first = await issue(t, { scopes: ['clients:read'] });
    const overlap = await t.execute<{ rotateApiToken: { token: string } }>({ as: 'admin', query: ROTATE, variables: { id: first.apiToken.id, h: 24 } });
    expect((await t.execute({ token: first.token, query: LIST })).status).toBe(200);
    expect((await t.execute({ token: overlap.data!.rotateApiToken.token, query: LIST })).status).toBe(200);

    const second = await issue(t, { scopes: ['clients:read'] });
    const immediate = await t.execute<{ rotateApiToken: { token: string } }>({ as: 'admin', query: ROTATE, variables: { id: second.apiToken.id, h: 0 } });
    expect((await t.execute({ token: second.token, query: LIST })).status).toBe(401);
    expect((await t.execute({ token: immediate.data!.rotateApiToken.token, query: LIST })).status).toBe(200);
  });

  it('only the registrar manages tokens, with clear input errors', async () => {
    expect(codesOf(await t.execute({ as: 'mgr-child', query: ISSUE, variables: { input: { organisationId: MAJAKKA, name: 'x', scopes: ['clients:read'], expiresInDays: 1 } } }))).toEqual(['FORBIDDEN']);
    const bad = await t.execute({ as: 'admin', query: ISSUE, variables: { input: { organisationId: MAJAKKA, name: 'x', scopes: ['everything'], expiresInDays: 1 } } });
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('input.scopes.0');
    const region = await t.execute({ as: 'admin', query: ISSUE, variables: { input: { organisationId: DEMO.organisations.region.id, name: 'x', scopes: ['clients:read'], expiresInDays: 1 } } });
    expect(codesOf(region)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the access log under the token and its organisation', () => {
  it('records partner reads as DISCLOSE entries', async () => {
    const result = await t.execute({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { displayName } }`, variables: { id: DEMO.clients.majakkaActive[2] } });
    const log = await t.database.db.select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
    expect(log).toEqual([
      expect.objectContaining({ actorKind: 'PARTNER', organisationId: MAJAKKA, action: 'DISCLOSE', clientId: DEMO.clients.majakkaActive[2], fields: ['displayName'] }),
    ]);
    const [token] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.tokenPrefix, 'vrt_pt_6d616a61'));
    expect(log[0]!.actorId).toBe(token!.id);
  });
});

describe('rate limits per token', () => {
  // Six requests at two a minute: however they fall across a minute boundary, one window sees three.
  async function hitLimit(stack: TestStack, token: string) {
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await stack.gateway().post('/graphql').set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send({ query: LIST }));
    return results;
  }

  it('answers 429 with Retry-After and RATE_LIMITED past the limit (in memory)', async () => {
    const { token } = await issue(t, { scopes: ['clients:read'], rateLimitPerMinute: 2 });
    const results = await hitLimit(t, token);
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results[0]!.status).toBe(200);
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(limited[0]!.body.data ?? null).toBeNull();
  });

  it('keeps the counters in Redis when REDIS_URL is set, so replicas share them', async () => {
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    const replicaA = await startTestStack({ redisUrl });
    try {
      const { token, apiToken } = await issue(replicaA, { scopes: ['clients:read'], rateLimitPerMinute: 2 });
      const results = await hitLimit(replicaA, token);
      expect(results.some((r) => r.status === 429)).toBe(true);
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`vartija:rate:${apiToken.id}:*`);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        await redis.quit();
      }
    } finally {
      await replicaA.close();
    }
  });
});

describe('the partner quick-start (README)', () => {
  it('runs the typed client over a persisted operation with an allowlisted token', async () => {
    const registered = await t.execute({
      as: 'admin',
      query: `mutation ($d: String!) { registerPersistedOperation(id: "partner-commissioned-clients-v1", document: $d) { sha256 } }`,
      variables: { d: operationText() },
    });
    expect(registered.data).toEqual({ registerPersistedOperation: { sha256: operationHash() } });
    const { token } = await issue(t, { scopes: ['clients:read', 'services:read'], allowedOperations: ['partner-commissioned-clients-v1'] });
    const data = await commissionedClients(t.stack.gatewayUrl, token, { first: 10 });
    expect(data.clients.nodes.map((n) => n.id).sort()).toEqual(await expectedClients(t));
    expect(data.clients.nodes.every((n) => typeof n.displayName === 'string' && Array.isArray(n.placements))).toBe(true);
  });
});
