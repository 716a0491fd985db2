import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { type Actor, ActorContextSigner, ActorContextVerifier, ACTOR_CONTEXT_HEADER, closeServer, listen, SERVER_KEEP_ALIVE_TIMEOUT_MS } from '@vartija/kit';
import { parse } from 'graphql';
import { ActorContextDataSource } from './gateway-server';
import { fetchPaths, SUBGRAPH_AGENT_IDLE_MS, subgraphAgents } from './subgraph-fetch';

const actor: Actor = {
  kind: 'USER',
  id: 'u1',
  login: 'sw-child',
  organisationId: 'o1',
  grants: [],
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: 'r1',
  operationName: null,
  callerAddress: null,
};

/** A stand-in subgraph: `answer` decides per request (by its number) whether to reset the connection or what to send. */
async function fakeSubgraph(answer: (n: number) => 'reset' | object) {
  const seen: { actorContext: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ actorContext: String(req.headers[ACTOR_CONTEXT_HEADER]), body: Buffer.concat(chunks).toString() });
      const what = answer(seen.length);
      if (what === 'reset') return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(what));
    });
  });
  const url = `${await listen(server, 0)}/graphql`;
  return { url, seen, close: () => closeServer(server) };
}

let signer: ActorContextSigner;
let verifier: ActorContextVerifier;
const agents = subgraphAgents();
beforeAll(() => {
  const secret = randomBytes(32).toString('base64url');
  signer = ActorContextSigner.fromSecret(secret);
  // The data source below stands for the documents subgraph: the context must be signed for it.
  verifier = ActorContextVerifier.fromGatewaySecret(secret, 'documents');
});
afterAll(async () => {
  agents.http.destroy();
  await verifier.close();
});

function fetchThrough(url: string, query: string, variables: Record<string, unknown> = {}) {
  const source = new ActorContextDataSource(url, 'documents', signer, agents);
  return source.process({
    kind: 'incoming operation' as never,
    request: { query, variables },
    context: { actor },
    incomingRequestContext: {} as never,
    document: parse(query),
  });
}

describe('keep-alive: the gateway closes an idle subgraph connection before the subgraph does', () => {
  it('idles sockets for less time than the servers keep them', async () => {
    expect(SUBGRAPH_AGENT_IDLE_MS).toBeLessThan(SERVER_KEEP_ALIVE_TIMEOUT_MS);
    expect((agents.http as http.Agent & { options: http.AgentOptions }).options).toMatchObject({ keepAlive: true, timeout: SUBGRAPH_AGENT_IDLE_MS });
    const server = http.createServer((_req, res) => res.end());
    await listen(server, 0);
    expect(server.keepAliveTimeout).toBe(SERVER_KEEP_ALIVE_TIMEOUT_MS);
    expect(server.headersTimeout).toBeGreaterThan(SERVER_KEEP_ALIVE_TIMEOUT_MS);
    expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
    await closeServer(server);
  });
});

describe('a connection reset before any answer (a socket the subgraph was closing)', () => {
  it('sends a query once more, with a fresh single-use actor context bound to the same body', async () => {
    const subgraph = await fakeSubgraph((n) => (n === 1 ? 'reset' : { data: { clients: [] } }));
    try {
      const response = await fetchThrough(subgraph.url, '{ clients { id } }');
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ clients: [] });
      expect(subgraph.seen).toHaveLength(2);
      const [first, second] = subgraph.seen;
      expect(second!.body).toBe(first!.body);
      expect(second!.actorContext).not.toBe(first!.actorContext);
      // The retry's context is good for its request (the first was never used: the subgraph never read it).
      await expect(verifier.verify(second!.actorContext, { method: 'POST', body: second!.body })).resolves.toMatchObject({ id: 'u1' });
    } finally {
      await subgraph.close();
    }
  });

  it('never sends a mutation twice: the field is answered SERVICE_UNAVAILABLE with its path and service', async () => {
    const subgraph = await fakeSubgraph(() => 'reset');
    try {
      const response = await fetchThrough(subgraph.url, 'mutation { recordDecision(input: {}) { id } }');
      expect(subgraph.seen).toHaveLength(1);
      expect(response.data).toBeUndefined();
      expect(response.errors).toEqual([
        expect.objectContaining({
          path: ['recordDecision'],
          extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', serviceName: 'documents', reason: expect.stringMatching(/connection to the documents service was lost/) }),
        }),
      ]);
    } finally {
      await subgraph.close();
    }
  });

  it('gives up after one retry', async () => {
    const subgraph = await fakeSubgraph(() => 'reset');
    try {
      const response = await fetchThrough(subgraph.url, '{ clients { id } }');
      expect(subgraph.seen).toHaveLength(2);
      expect(response.errors?.map((e) => e.extensions?.['code'])).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      await subgraph.close();
    }
  });
});

describe('a subgraph that is down', () => {
  it('answers each field the fetch asked for with an error naming its path and the service', async () => {
    const subgraph = await fakeSubgraph(() => ({}));
    const { url } = subgraph;
    await subgraph.close(); // nothing listens on the port any more
    const query = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Client { documents { id } consents { id } } } }';
    const response = await fetchThrough(url, query, { representations: [{ __typename: 'Client', id: 'a' }, { __typename: 'Client', id: 'b' }] });
    expect(response.errors?.map((e) => e.path)).toEqual([
      ['_entities', 0, 'documents'],
      ['_entities', 0, 'consents'],
      ['_entities', 1, 'documents'],
      ['_entities', 1, 'consents'],
    ]);
    for (const error of response.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'documents', dependency: 'documents service' });
      expect(error.message).toMatch(/the documents service is not running \(connection refused\)/);
    }
  });

  it('names root fields by their response keys, through fragments', () => {
    const document = parse('query { a: clients { id } __typename ...F } fragment F on Query { client(id: "x") { id } }');
    expect(fetchPaths(document, {})).toEqual([['a'], ['client']]);
  });

  it('passes on a subgraph refusal with its own code at the paths it concerns', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'The replay check is unavailable (Redis); try again shortly.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }));
    });
    const url = `${await listen(server, 0)}/graphql`;
    try {
      const response = await fetchThrough(url, '{ clients { id } }');
      expect(response.errors).toEqual([
        { message: 'The replay check is unavailable (Redis); try again shortly.', path: ['clients'], extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'documents' } },
      ]);
    } finally {
      await closeServer(server);
    }
  });

  it('gives a pathless error of an answer without data (fail-closed access log) the paths of the fetch', async () => {
    const subgraph = await fakeSubgraph(() => ({ data: null, errors: [{ message: 'The access log could not be written', extensions: { code: 'AUDIT_UNAVAILABLE' } }] }));
    try {
      const response = await fetchThrough(subgraph.url, '{ clients { id } client(id: "x") { id } }');
      expect(response.errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([
        [['clients'], 'AUDIT_UNAVAILABLE'],
        [['client'], 'AUDIT_UNAVAILABLE'],
      ]);
    } finally {
      await subgraph.close();
    }
  });
});
