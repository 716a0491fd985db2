import http from 'node:http';
import { type Actor, ACTOR_CONTEXT_HEADER, ActorContextSigner, type SignOptions } from '@vartija/kit';
import { DEMO, startTestStack, type TestStack } from '../testkit';

/**
 * Issue 10, item 1: an actor context captured on the way from the gateway to a subgraph is good for
 * that one request only — not for another operation, not for a changed body, not a second time.
 */
let t: TestStack;
/** Every context the gateway signs in this file, with the exact body it was signed for. */
const captured: { body: string; token: string }[] = [];

beforeAll(async () => {
  t = await startTestStack();
  const sign = ActorContextSigner.prototype.sign;
  jest.spyOn(ActorContextSigner.prototype, 'sign').mockImplementation(async function (this: ActorContextSigner, actor: Actor, body: string, options: SignOptions) {
    const token = await sign.call(this, actor, body, options);
    captured.push({ body, token });
    return token;
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await t?.close();
});

type Reply = { status: number; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } };

async function post(url: string, token: string, body: string): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: token }, body });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

/** A GET whose operation is in the URL, carrying the signed body as well (fetch cannot send that). */
function getWithBody(url: string, token: string, body: string, search: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}?${search}`, {
      method: 'GET',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', [ACTOR_CONTEXT_HEADER]: token, 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** sw-child opens a client page through the gateway; returns the context the gateway sent to `clients`. */
async function captureClientsContext(): Promise<{ body: string; token: string }> {
  captured.length = 0;
  const page = await t.execute({
    as: 'sw-child',
    query: `query ($id: ID!) { client(id: $id) { id displayName } }`,
    variables: { id: DEMO.clients.childWelfareOpen },
  });
  expect(page.errors).toBeUndefined();
  expect(captured).toHaveLength(1);
  return captured[0]!;
}

const caseRecords = JSON.stringify({
  query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Client { id decisions { id content } } } }`,
  variables: { r: [{ __typename: 'Client', id: DEMO.clients.childWelfareOpen }] },
});

describe('a captured actor context', () => {
  it('is refused for another operation: _entities with case records on the services port', async () => {
    const { token } = await captureClientsContext();
    const replay = await post(t.stack.subgraphUrls.services, token, caseRecords);
    expect(replay.status).toBe(401);
    expect(replay.body.data ?? null).toBeNull();
    // Signed with the clients subgraph's key, for clients: the services subgraph does not take it at all.
    expect(replay.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/signature is not valid/) });
    // On its own subgraph, another operation than the one it was signed for is refused by its body digest.
    const clientsEntities = JSON.stringify({
      query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Client { id personalIdentityCode } } }`,
      variables: { r: [{ __typename: 'Client', id: DEMO.clients.childWelfareOpen }] },
    });
    const sameSubgraph = await post(t.stack.subgraphUrls.clients, token, clientsEntities);
    expect(sameSubgraph.status).toBe(401);
    expect(sameSubgraph.body.data ?? null).toBeNull();
    expect(sameSubgraph.body.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/another request/) });
  });

  it('is refused for a recordDecision mutation, and nothing is written', async () => {
    const { token } = await captureClientsContext();
    const mutation = JSON.stringify({
      query: `mutation ($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }`,
      variables: {
        input: {
          clientId: DEMO.clients.childWelfareOpen,
          unitId: DEMO.units['child-welfare'].id,
          type: 'OPEN_CARE_SUPPORT',
          legalAct: 'Lastensuojelulaki 417/2007',
          legalSection: '36 §',
          decidedAt: new Date(Date.now() - 3_600_000).toISOString(),
          content: 'Replayed context',
        },
      },
    });
    const replay = await post(t.stack.subgraphUrls.services, token, mutation);
    expect(replay.status).toBe(401);
    expect(replay.body.data ?? null).toBeNull();
    const decisions = await t.execute<{ client: { decisions: { content: string | null }[] } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { decisions { content } } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(decisions.data!.client.decisions.map((d) => d.content)).not.toContain('Replayed context');
  });

  it('is refused when sent again with its own body: a context is good once', async () => {
    const { token, body } = await captureClientsContext();
    for (let i = 0; i < 5; i += 1) {
      const replay = await post(t.stack.subgraphUrls.clients, token, body);
      expect(replay.status).toBe(401);
      expect(replay.body.errors?.[0]?.message).toMatch(/already been used/);
    }
  });

  it('binds each subgraph fetch of one request to its own context', async () => {
    captured.length = 0;
    const page = await t.execute({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { id displayName decisions { id } } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(page.errors).toBeUndefined();
    expect(captured).toHaveLength(2); // clients, then services (_entities)
    const jtis = captured.map(({ token }) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti);
    expect(new Set(jtis).size).toBe(2);
    // The services context names the _entities body, so it cannot be turned back on clients either.
    const services = captured.find(({ body }) => body.includes('_entities'))!;
    const crossed = await post(t.stack.subgraphUrls.clients, services.token, captured.find((c) => c !== services)!.body);
    expect(crossed.status).toBe(401);
    // Nor with its own body: it is signed with the services subgraph's key, for services (each subgraph has its own).
    const elsewhere = await post(t.stack.subgraphUrls.clients, services.token, services.body);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.errors?.[0]?.message).toMatch(/signature is not valid/);
  });
});

describe('a validly signed, unused context', () => {
  const actor = (): Actor => {
    const user = DEMO.users['sw-child'];
    return {
      kind: 'USER',
      id: user.id,
      login: 'sw-child',
      organisationId: DEMO.organisations.region.id,
      grants: [{ id: user.grantId, role: 'SOCIAL_WORKER', organisationId: DEMO.organisations.region.id, unitId: DEMO.units['child-welfare'].id, validFrom: '2020-01-01T00:00:00Z', validUntil: null, visibilityWindowMonths: 12 }],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      intent: 'VIEW',
      requestId: '00000000-0000-4000-8000-00000000000a',
      operationName: null,
      callerAddress: null,
    };
  };

  it('is refused with a tampered body (another client), then accepted once with its own', async () => {
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    const token = await signer.sign(actor(), caseRecords, { subgraph: 'services' });
    const tampered = caseRecords.replace(DEMO.clients.childWelfareOpen, DEMO.clients.adultOnly);
    expect(tampered).not.toBe(caseRecords);
    const refused = await post(t.stack.subgraphUrls.services, token, tampered);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toMatch(/another request/);
    // Even one byte of whitespace counts: the digest is over the exact body.
    expect((await post(t.stack.subgraphUrls.services, token, `${caseRecords} `)).status).toBe(401);
    // A GET takes its operation from the URL, which the digest does not cover: refused even with the signed body.
    const other = new URLSearchParams({ query: '{ __typename }' }).toString();
    expect(await getWithBody(t.stack.subgraphUrls.services, token, caseRecords, other)).toBe(401);

    const own = await post(t.stack.subgraphUrls.services, token, caseRecords);
    expect(own.status).toBe(200);
    expect((own.body.data as { _entities: { id: string }[] })._entities[0]).toMatchObject({ id: DEMO.clients.childWelfareOpen });
    expect((await post(t.stack.subgraphUrls.services, token, caseRecords)).status).toBe(401);
  });
});
