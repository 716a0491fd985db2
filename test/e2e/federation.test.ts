import { documents } from '@vartija/db';
import { eq } from 'drizzle-orm';
import { generateDevKeys } from '@vartija/gateway';
import { type Actor, ACTOR_CONTEXT_HEADER, ActorContextSigner } from '@vartija/kit';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

describe('the federated register through the gateway', () => {
  it('answers health on the gateway and on every subgraph', async () => {
    await t.gateway().get('/health').expect(200, { status: 'ok' });
    for (const url of Object.values(t.stack.subgraphUrls)) {
      const res = await fetch(url.replace(/\/graphql$/, '/health'));
      expect(res.status).toBe(200);
    }
  });

  it('serves a client with decisions and documents from three subgraphs in one request', async () => {
    const result = await t.execute<{ client: Record<string, unknown> & { decisions: unknown[]; documents: unknown[] } }>({
      as: 'sw-child',
      query: /* GraphQL */ `
        query ClientPage($id: ID!) {
          client(id: $id) {
            id
            displayName
            personalIdentityCode
            relationships { unit { code } serviceTask startedOn endedOn }
            decisions { id type legalAct legalSection decidedAt }
            placements { id kind startsOn }
            documents { id type title revision }
          }
        }
      `,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.client.id).toBe(DEMO.clients.childWelfareOpen);
    expect(result.data?.client.personalIdentityCode).toMatch(/^\d{6}[-+A-Y]9\d{2}[0-9A-Y]$/);
    expect(result.data?.client.decisions.length).toBeGreaterThan(0);
    expect(result.data?.client.documents.length).toBeGreaterThan(0);
    expect(result.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('pages through clients with cursors and a total count', async () => {
    const page = (after?: string) =>
      t.execute<{ clients: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>({
        as: 'sw-child',
        query: `query ($after: String) { clients(first: 7, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
        variables: after ? { after } : {},
      });
    const first = await page();
    expect(first.errors).toBeUndefined();
    const second = await page(first.data!.clients.pageInfo.endCursor);
    expect(first.data!.clients.nodes).toHaveLength(7);
    expect(first.data!.clients.pageInfo.hasNextPage).toBe(true);
    const firstIds = first.data!.clients.nodes.map((n) => n.id);
    const secondIds = second.data!.clients.nodes.map((n) => n.id);
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
    expect(second.data!.clients.totalCount).toBe(first.data!.clients.totalCount);
  });

  it('rejects a malformed cursor and an oversized page with BAD_USER_INPUT', async () => {
    const bad = await t.execute({ as: 'sw-child', query: `{ clients(after: "nonsense!") { totalCount } }` });
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors?.[0]?.message).toMatch(/endCursor/);
    const big = await t.execute({ as: 'sw-child', query: `{ clients(first: 1000) { totalCount } }` });
    expect(codesOf(big)).toEqual(['BAD_USER_INPUT']);
  });

  it('finds a client by personal identity code', async () => {
    const { data } = await t.execute<{ client: { personalIdentityCode: string } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { personalIdentityCode } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    const found = await t.execute<{ clientByPersonalIdentityCode: { id: string } }>({
      as: 'sw-child',
      query: `query ($code: String!) { clientByPersonalIdentityCode(code: $code) { id } }`,
      variables: { code: data!.client.personalIdentityCode.toLowerCase() },
    });
    expect(found.data?.clientByPersonalIdentityCode.id).toBe(DEMO.clients.childWelfareOpen);
  });

  it('answers an unknown or malformed id with null, not an error', async () => {
    const result = await t.execute({
      as: 'sw-child',
      query: `{ a: client(id: "00000000-0000-4000-8000-000000000000") { id } b: client(id: "not-a-uuid") { id } }`,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: null, b: null });
  });

  it('shows corrected documents with their original kept', async () => {
    const [doc] = await t.database.db.select().from(documents).where(eq(documents.id, DEMO.documents.corrected));
    const { data, errors } = await t.execute<{ client: { documents: { id: string; revision: number; revisions: { revision: number; reason: string | null }[] }[] } }>({
      as: 'mgr-child',
      query: `query ($id: ID!) { client(id: $id) { documents { id revision revisions { revision reason } } } }`,
      variables: { id: doc!.clientId },
    });
    expect(errors).toBeUndefined();
    const corrected = data!.client.documents.find((d) => d.id === DEMO.documents.corrected)!;
    expect(corrected.revision).toBeGreaterThanOrEqual(2);
    expect(corrected.revisions[0]).toEqual({ revision: 1, reason: null });
    expect(corrected.revisions.at(-1)?.reason).toEqual(expect.any(String));
  });
});

describe('authentication at the gateway', () => {
  it('refuses a request without a token with 401', async () => {
    const result = await t.execute({ query: '{ me { id } }' });
    expect(result.status).toBe(401);
    expect(codesOf(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired token and a token signed by another key', async () => {
    const expired = await t.tokenFor('sw-child', -10);
    expect((await t.execute({ token: expired, query: '{ me { id } }' })).status).toBe(401);
    const forged = `${(await t.tokenFor('sw-child')).slice(0, -4)}AAAA`;
    expect((await t.execute({ token: forged, query: '{ me { id } }' })).status).toBe(401);
  });

  it('refuses a token for an unknown login', async () => {
    const result = await t.execute({ as: 'nobody', query: '{ me { id } }' });
    expect(result.status).toBe(401);
  });

  it('returns the actor with its grants from me', async () => {
    const { data } = await t.execute<{ me: { kind: string; login: string; grants: { role: string; unit: { code: string } }[] } }>({
      as: 'sw-child',
      query: '{ me { kind login grants { role unit { code } } } }',
    });
    expect(data?.me).toMatchObject({ kind: 'USER', login: 'sw-child', grants: [{ role: 'SOCIAL_WORKER', unit: { code: 'child-welfare' } }] });
  });
});

describe('subgraphs are not a way around the gateway', () => {
  it('refuses a direct call without an actor context', async () => {
    const res = await fetch(t.stack.subgraphUrls.clients, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ clients { totalCount } }' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('subgraphs verify the gateway-signed actor context', () => {
  const actorFor = (login: 'sw-adult' | 'sw-child'): Actor => {
    const user = DEMO.users[login];
    const unit = DEMO.units[user.unit!];
    return {
      kind: 'USER',
      id: user.id,
      login,
      organisationId: DEMO.organisations.region.id,
      grants: [{ id: user.grantId, role: 'SOCIAL_WORKER', organisationId: DEMO.organisations.region.id, unitId: unit.id, validFrom: '2020-01-01T00:00:00Z', validUntil: null, visibilityWindowMonths: 12 }],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      requestId: '00000000-0000-4000-8000-000000000001',
      operationName: null,
      callerAddress: null,
    };
  };
  const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Client { id decisions { id } } } }`;
  const callServices = async (token: string | undefined) => {
    const res = await fetch(t.stack.subgraphUrls.services, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { [ACTOR_CONTEXT_HEADER]: token } : {}) },
      body: JSON.stringify({ query: entities, variables: { r: [{ __typename: 'Client', id: DEMO.clients.childWelfareOpen }] } }),
    });
    return { status: res.status, body: (await res.json()) as { data?: { _entities: unknown[] } | null; errors?: { extensions: { code: string } }[] } };
  };

  it('refuses a context signed by another key', async () => {
    const foreign = await ActorContextSigner.fromJwk((await generateDevKeys()).actorContext.privateJwk);
    const { status, body } = await callServices(await foreign.sign(actorFor('sw-child')));
    expect(status).toBe(401);
    expect(body.data ?? null).toBeNull();
  });

  it('refuses an expired context', async () => {
    const shortLived = await ActorContextSigner.fromJwk(t.keys.actorContext.privateJwk, -5);
    const { status } = await callServices(await shortLived.sign(actorFor('sw-child')));
    expect(status).toBe(401);
  });

  it('answers _entities for another unit\'s client as for a nonexistent one', async () => {
    const signer = await ActorContextSigner.fromJwk(t.keys.actorContext.privateJwk);
    const own = await callServices(await signer.sign(actorFor('sw-child')));
    expect(own.body.data?._entities[0]).toMatchObject({ id: DEMO.clients.childWelfareOpen, decisions: expect.any(Array) });
    expect((own.body.data?._entities[0] as { decisions: unknown[] }).decisions.length).toBeGreaterThan(0);
    const other = await callServices(await signer.sign(actorFor('sw-adult')));
    expect(other.status).toBe(200);
    expect(other.body.data?._entities).toEqual([null]);
  });
});
