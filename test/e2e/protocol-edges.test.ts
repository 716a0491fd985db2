import http from 'node:http';
import { createClientsSubgraph } from '@vartija/clients';
import { DEMO, DEMO_PARTNER_TOKEN } from '@vartija/db';
import { type Actor, MAX_BODY_BYTES, type Subgraph } from '@vartija/kit';
import { startTestStack, type TestStack } from '../testkit';

// Issue 10, finding 6: protocol edges answer with a status and a JSON GraphQL error, never a reset
// connection or a 500; production serves no landing page, no IDE and no field suggestions, on the
// gateway and on the subgraphs alike.

const LIMIT = 1_000_000;
const CLIENT = DEMO.clients.childWelfareOpen;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A raw HTTP request (no client library adding a content type). `chunks` of `chunkBytes` spaces are
 * streamed inside a JSON string, without a content-length, when given.
 */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; padBytes?: number }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (options.padBytes === undefined) return void req.end(options.body);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    req.write('{"query":"{ __typename }","variables":{"pad":"');
    const writeMore = () => {
      while (sent < options.padBytes!) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      req.end('"}}');
    };
    writeMore();
  });
}

const errorsOf = (body: string) => (JSON.parse(body) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors;

/** A clients subgraph over the test database that takes every request as `actor` (no signed context needed). */
async function openSubgraph(t: TestStack): Promise<{ subgraph: Subgraph; url: string }> {
  const actor: Actor = {
    kind: 'USER',
    id: DEMO.users['sw-child'].id,
    login: 'sw-child',
    organisationId: DEMO.organisations.region.id,
    grants: [],
    scopes: [],
    purpose: 'CLIENT_WORK',
    emergency: false,
    intent: 'VIEW',
    requestId: '00000000-0000-4000-8000-000000000610',
    operationName: null,
    callerAddress: null,
  };
  const subgraph = await createClientsSubgraph({ database: t.database, verifier: { verifyRequest: async () => ({ actor, returnAudit: false, jti: 'protocol-edges' }) } });
  return { subgraph, url: `${await subgraph.listen(0)}/graphql` };
}

function suite(t: () => TestStack) {
  const post = (body: unknown, headers: Record<string, string> = {}) => {
    const req = t().gateway().post('/graphql').set('content-type', 'application/json');
    for (const [key, value] of Object.entries(headers)) req.set(key, value);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const asStaff = async (login = 'sw-child') => ({ authorization: `Bearer ${await t().tokenFor(login)}` });
  return { post, asStaff };
}

describe('development (the test stack)', () => {
  let t: TestStack;
  let sub: { subgraph: Subgraph; url: string };
  beforeAll(async () => {
    t = await startTestStack();
    sub = await openSubgraph(t);
  });
  afterAll(async () => {
    await sub?.subgraph.stop();
    await t?.close();
  });
  const { post, asStaff } = suite(() => t);

  describe('request body limit', () => {
    const oversized = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } });

    it('answers a 1.1 MB body with 413 and a JSON error naming the limit, without resetting the connection', async () => {
      const res = await post(oversized, await asStaff());
      expect(res.status).toBe(413);
      expect(MAX_BODY_BYTES).toBe(LIMIT);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions).toEqual({
        code: 'PAYLOAD_TOO_LARGE',
        reason: 'the request body exceeds the limit of 1,000,000 bytes',
        limitBytes: LIMIT,
      });
      expect(res.body.errors[0].message).toMatch(/1,000,000 bytes/);
    });

    it('answers a streamed (chunked) body over the limit with 413 too, and keeps serving', async () => {
      const res = await raw(`${t.stack.gatewayUrl}/graphql`, { headers: { 'content-type': 'application/json' }, padBytes: 2 * LIMIT });
      expect(res.status).toBe(413);
      expect(errorsOf(res.body)[0]!.extensions['code']).toBe('PAYLOAD_TOO_LARGE');
      const next = await post({ query: '{ __typename }' }, await asStaff());
      expect(next.status).toBe(200);
    });

    it('answers a declared body far over the limit at once, without waiting for it, and closes that connection', async () => {
      const res = await new Promise<RawResponse>((resolve, reject) => {
        const req = http.request(`${t.stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(100 * LIMIT) } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
            req.destroy();
          });
        });
        req.on('error', () => undefined); // the rest of the body is never sent
        req.once('error', reject);
        req.write('{"query":"{ __typename }"');
      });
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe('close');
      expect(errorsOf(res.body)[0]!.extensions['code']).toBe('PAYLOAD_TOO_LARGE');
    });

    it('accepts a body just under the limit', async () => {
      const res = await post({ query: `{ __typename }\n#${' '.repeat(LIMIT - 200)}` }, await asStaff());
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ __typename: 'Query' });
    });

    it('answers 413 on the subgraph ports as well', async () => {
      for (const url of [t.stack.subgraphUrls.clients, sub.url]) {
        const res = await raw(url, { headers: { 'content-type': 'application/json' }, body: oversized });
        expect(res.status).toBe(413);
        expect(errorsOf(res.body)[0]!.extensions['code']).toBe('PAYLOAD_TOO_LARGE');
      }
    });
  });

  describe('operation name', () => {
    const cases = [
      { body: { query: 'query A { __typename } query B { __typename }', operationName: 'C' }, message: 'Unknown operation named "C".' },
      { body: { query: 'query A { __typename }', operationName: 'B' }, message: 'Unknown operation named "B".' },
      { body: { query: '{ __typename }', operationName: 'Named' }, message: 'Unknown operation named "Named".' },
      { body: { query: 'query A { __typename } query B { __typename }' }, message: 'Must provide operation name if query contains multiple operations.' },
    ];

    it('answers an operationName the document does not contain with 400 and a clear error, at the gateway', async () => {
      const headers = await asStaff();
      for (const { body, message } of cases) {
        const res = await post(body, headers);
        expect({ body, status: res.status, errors: res.body.errors }).toEqual({
          body,
          status: 400,
          errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }],
        });
      }
      const ok = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'B' }, headers);
      expect(ok.status).toBe(200);
      expect(ok.body.data).toEqual({ __typename: 'Query' });
    });

    it('does the same for a partner and on a subgraph', async () => {
      const partner = await post(cases[0]!.body, { authorization: `Bearer ${DEMO_PARTNER_TOKEN}` });
      expect(partner.status).toBe(400);
      expect(partner.body.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
      for (const { body, message } of cases) {
        const res = await raw(sub.url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(errorsOf(res.body)[0]).toMatchObject({ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } });
      }
    });
  });

  describe('persisted operation references', () => {
    it('answers an operationId or hash with a control character, or of the wrong type, with 400 and the reason', async () => {
      const headers = { authorization: `Bearer ${DEMO_PARTNER_TOKEN}` };
      for (const extensions of [
        { operationId: 'partner\u0000clients' },
        { operationId: 'partner\u0007clients' },
        { operationId: 'partner-clients\n' },
        { operationId: 'x'.repeat(10_000) },
        { operationId: '' },
        { operationId: 42 },
        { operationId: { id: 'partner-clients-v1' } },
        { persistedQuery: { version: 1, sha256Hash: `${'a'.repeat(63)}\u0000` } },
        { persistedQuery: { version: 1, sha256Hash: 7 } },
      ]) {
        const res = await post({ extensions, operationName: 'Whatever' }, headers);
        expect({ extensions, status: res.status }).toEqual({ extensions, status: 400 });
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_REQUEST', reason: expect.stringMatching(/^extensions\.(operationId|persistedQuery\.sha256Hash) must be/) });
      }
      const unknown = await post({ extensions: { operationId: 'no-such-operation' } }, headers);
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('still runs a well-formed reference, by id and by hash, and checks its operationName', async () => {
      const document = 'query ProtocolEdgeCount { clients(first: 1) { totalCount } }';
      const registered = await post(
        { query: 'mutation ($d: String!) { registerPersistedOperation(id: "protocol-edge:count.v1", document: $d) { sha256 } }', variables: { d: document } },
        await asStaff('admin'),
      );
      const sha256Hash = registered.body.data.registerPersistedOperation.sha256 as string;
      const headers = { authorization: `Bearer ${DEMO_PARTNER_TOKEN}` };
      for (const extensions of [{ operationId: 'protocol-edge:count.v1' }, { persistedQuery: { version: 1, sha256Hash } }, { persistedQuery: { version: 1, sha256Hash: sha256Hash.toUpperCase() } }]) {
        const res = await post({ extensions }, headers);
        expect({ extensions, status: res.status, errors: res.body.errors }).toEqual({ extensions, status: 200, errors: undefined });
        expect(res.body.data.clients.totalCount).toEqual(expect.any(Number));
      }
      const mismatched = await post({ extensions: { operationId: 'protocol-edge:count.v1' }, operationName: 'Other' }, headers);
      expect(mismatched.status).toBe(400);
      expect(mismatched.body.errors[0].extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
    });

    it('never answers a staff request with such a reference with a 5xx', async () => {
      const headers = await asStaff();
      for (const extensions of [{ operationId: 'a\u0000b' }, { persistedQuery: { version: 1, sha256Hash: 'a\u0000b' } }]) {
        const res = await post({ extensions }, headers);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
        expect(res.body.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
      }
    });
  });

  describe('what stays as it was', () => {
    it('answers malformed JSON with 400', async () => {
      const res = await post('{"query": "{ __typename }"', await asStaff());
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    });

    it('answers other content types with 415, and none with 400 (CSRF prevention)', async () => {
      const { authorization } = await asStaff();
      const body = JSON.stringify({ query: '{ __typename }' });
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
        const res = await raw(`${t.stack.gatewayUrl}/graphql`, { headers: { authorization, 'content-type': contentType }, body });
        expect({ contentType, status: res.status }).toEqual({ contentType, status: 415 });
        expect(errorsOf(res.body)[0]!.extensions['code']).toBe('BAD_REQUEST');
      }
      const none = await raw(`${t.stack.gatewayUrl}/graphql`, { headers: { authorization }, body });
      expect(none.status).toBe(400);
      expect(none.body).not.toMatch(/"__typename"/);
      const charset = await raw(`${t.stack.gatewayUrl}/graphql`, { headers: { authorization, 'content-type': 'application/json; charset=utf-8' }, body });
      expect(JSON.parse(charset.body)).toEqual({ data: { __typename: 'Query' } });
    });

    it('keeps CSRF prevention on: a GET query runs only with a preflight header', async () => {
      const { authorization } = await asStaff();
      const blocked = await t.gateway().get('/graphql').query({ query: '{ __typename }' }).set('authorization', authorization);
      expect(blocked.status).toBe(400);
      expect(blocked.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      const allowed = await t.gateway().get('/graphql').query({ query: '{ __typename }' }).set('authorization', authorization).set('apollo-require-preflight', 'true');
      expect(allowed.status).toBe(200);
      expect(allowed.body.data).toEqual({ __typename: 'Query' });
    });

    it('serves the landing page and suggests field names outside production', async () => {
      const page = await t.gateway().get('/graphql').set('accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      const typo = await post({ query: '{ clients { nodes { displayNam } } }' }, await asStaff());
      expect(typo.body.errors[0].message).toMatch(/Did you mean "displayName"\?/);
    });
  });
});

describe('production (NODE_ENV=production)', () => {
  let t: TestStack;
  let sub: { subgraph: Subgraph; url: string };
  const nodeEnv = process.env['NODE_ENV'];
  beforeAll(async () => {
    // Apollo Server reads NODE_ENV when a server is constructed, as the edge options do.
    process.env['NODE_ENV'] = 'production';
    try {
      t = await startTestStack();
      sub = await openSubgraph(t);
    } finally {
      process.env['NODE_ENV'] = nodeEnv;
    }
  });
  afterAll(async () => {
    await sub?.subgraph.stop();
    await t?.close();
  });
  const { post, asStaff } = suite(() => t);

  it('serves no landing page and no IDE, on the gateway or a subgraph', async () => {
    for (const url of [`${t.stack.gatewayUrl}/graphql`, t.stack.subgraphUrls.clients, sub.url]) {
      const res = await raw(url, { method: 'GET', headers: { accept: 'text/html' } });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).not.toMatch(/<html|apollo-server-landing-page|sandbox|cdn|version/i);
    }
  });

  it('gives no "Did you mean" suggestions, in validation or variable errors', async () => {
    const headers = await asStaff();
    const results = [
      await post({ query: '{ clients { nodes { displayNam } } }' }, headers),
      await post({ query: `{ client(id: "${CLIENT}") { documents(type: CASE_NOT) { id } } }` }, headers),
      await post({ query: 'query ($id: ID!, $t: DocumentType) { client(id: $id) { documents(type: $t) { id } } }', variables: { id: CLIENT, t: 'CASE_NOT' } }, headers),
      await post({ query: 'query ($f: ClientFilter) { clients(filter: $f) { totalCount } }', variables: { f: { lastNamePrefx: 'Vir' } } }, headers),
    ];
    for (const res of results) {
      expect(res.status).toBe(400);
      expect(res.body.errors.length).toBeGreaterThan(0);
      for (const error of res.body.errors) expect(error.message).not.toMatch(/did you mean/i);
    }
    expect(results[0]!.body.errors[0].message).toBe('Cannot query field "displayNam" on type "Client".');
    const subgraphTypo = await raw(sub.url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ clients { nodes { displayNam } } }' }) });
    expect(subgraphTypo.status).toBe(400);
    expect(subgraphTypo.body).toMatch(/Cannot query field/);
    expect(subgraphTypo.body).not.toMatch(/did you mean/i);
  });

  it('keeps answering queries, and the protocol edges, as in development', async () => {
    const headers = await asStaff();
    const ok = await post({ query: `query ClientName($id: ID!) { client(id: $id) { displayName } }`, variables: { id: CLIENT } }, headers);
    expect(ok.status).toBe(200);
    expect(ok.body.data.client.displayName).toEqual(expect.any(String));
    expect((await post({ query: 'query A { __typename }', operationName: 'B' }, headers)).status).toBe(400);
    expect((await post(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }), headers)).status).toBe(413);
    const introspection = await post({ query: '{ __schema { types { name } } }' }, headers);
    expect(introspection.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
