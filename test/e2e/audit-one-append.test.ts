/**
 * One access-log append per request (issue 16): the subgraphs return their entries to the gateway,
 * which appends them with its own in one write before the response leaves. Fail-closed stays at the
 * public boundary: when that one write fails, no data leaves.
 */
import { ACTOR_CONTEXT_HEADER, ActorContextSigner, type AuditEntryInput, type AuditSink, DbAuditSink, RETURNED_AUDIT_EXTENSION } from '@vartija/kit';
import type { Queryable } from '@vartija/db';
import request from 'supertest';
import { DEMO, startTestStack, type TestStack } from '../testkit';

/** The real chained sink, counting the writes and keeping each batch's subgraphs. */
class CountingSink implements AuditSink {
  writes: { subgraphs: string[]; size: number; inTransaction: boolean }[] = [];
  failing = false;
  private real: DbAuditSink | undefined;
  constructor(private readonly t: () => TestStack) {}
  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (this.failing) throw new Error('audit store unavailable');
    this.writes.push({ subgraphs: [...new Set(batch.map((e) => e.subgraph))].sort(), size: batch.length, inTransaction: via !== undefined });
    this.real ??= new DbAuditSink(this.t().database.db);
    await this.real.write(batch, via);
  }
}

const CLIENT_PAGE = /* GraphQL */ `query ClientPage($id: ID!) {
  client(id: $id) {
    id displayName personalIdentityCode
    relationships { unit { name } startedOn }
    decisions { type legalSection }
    placements { kind startsOn }
    documents { title revisions { revision } }
  }
}`;

let t: TestStack;
const sink = new CountingSink(() => t);
beforeAll(async () => {
  t = await startTestStack({ grantCacheMs: 60_000, auditSink: sink });
});
afterAll(() => t?.close());
beforeEach(() => {
  sink.failing = false;
  sink.writes = [];
});

const clientId = DEMO.clients.childWelfareOpen;

describe('one append per request', () => {
  it('a client page across three subgraphs is logged in one write holding every subgraph’s entries', async () => {
    const result = await t.execute({ as: 'sw-child', query: CLIENT_PAGE, variables: { id: clientId } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ client: { id: clientId } });
    expect(sink.writes).toHaveLength(1);
    expect(sink.writes[0]!.subgraphs).toEqual(['clients', 'documents', 'services']);
    // The entries keep the request id the client was told.
    const rows = await t.execute<{ auditEntries: { nodes: { subgraph: string }[] } }>({
      as: 'dpo',
      query: `query($f: AuditFilter!) { auditEntries(filter: $f, first: 100) { nodes { subgraph } } }`,
      variables: { f: { requestId: result.headers['x-request-id'] } },
    });
    expect(new Set(rows.data!.auditEntries.nodes.map((n) => n.subgraph))).toEqual(new Set(['clients', 'documents', 'services']));
  });

  it('the returned entries never reach the client', async () => {
    const res = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${await t.tokenFor('sw-child')}`)
      .send({ query: CLIENT_PAGE, variables: { id: clientId } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(RETURNED_AUDIT_EXTENSION);
    expect(res.body.extensions?.[RETURNED_AUDIT_EXTENSION]).toBeUndefined();
  });

  it('a refused field’s DENIED entry travels the same way and is logged', async () => {
    const result = await t.execute<{ client: unknown }>({
      as: 'student-child',
      query: `query($id: ID!) { client(id: $id) { id personalIdentityCode } }`,
      variables: { id: clientId },
    });
    expect(result.errors?.some((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    expect(sink.writes).toHaveLength(1);
  });

  it('when the one write fails, no data leaves: the whole answer is AUDIT_UNAVAILABLE', async () => {
    sink.failing = true;
    const result = await t.execute({ as: 'sw-child', query: CLIENT_PAGE, variables: { id: clientId } });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions?.['code'])).toEqual(['AUDIT_UNAVAILABLE']);
    // no identity code anywhere (standing alone: the request id's UUID may contain a look-alike)
    expect(JSON.stringify(result)).not.toMatch(/(?<![0-9a-f])\d{6}[-+A]\d{3}[0-9A-Y](?![0-9a-f])/i);
  });

  it('a mutation’s own entries are written inside its transaction; the rest with the request', async () => {
    const before = await t.execute<{ client: { version: number } }>({ as: 'sw-child', query: `query($id: ID!) { client(id: $id) { version } }`, variables: { id: clientId } });
    sink.writes = [];
    const result = await t.execute({
      as: 'sw-child',
      query: `mutation($id: ID!, $version: Int!) { updateClient(id: $id, version: $version, input: { phone: "0401234567" }, reason: "Puhelinnumero vaihtunut") { id phone } }`,
      variables: { id: clientId, version: before.data!.client.version },
    });
    expect(result.errors).toBeUndefined();
    expect(sink.writes.filter((w) => w.inTransaction).length).toBeGreaterThanOrEqual(1);
    expect(sink.writes.filter((w) => !w.inTransaction).length).toBeLessThanOrEqual(1);
  });

  it('the chain verifies after requests logged this way', async () => {
    const result = await t.execute<{ verifyAuditChain: { ok: boolean } }>({ as: 'dpo', query: '{ verifyAuditChain { ok } }' });
    expect(result.data?.verifyAuditChain.ok).toBe(true);
  });
});

describe('a subgraph called without returnAudit writes its own entries (tools, direct callers)', () => {
  it('answers with no returned entries and logs them itself', async () => {
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    const login = DEMO.users['sw-child'];
    const actor = {
      kind: 'USER' as const,
      id: login.id,
      login: login.login,
      organisationId: DEMO.organisations.region.id,
      grants: [
        {
          id: login.grantId,
          role: login.role,
          organisationId: DEMO.organisations.region.id,
          unitId: DEMO.units['child-welfare'].id,
          validFrom: '2020-01-01T00:00:00.000Z',
          validUntil: null,
          visibilityWindowMonths: 12,
        },
      ],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      requestId: '7d6c1f0e-3a52-4f4e-9b1a-6f1d2c3b4a59',
      operationName: null,
      callerAddress: '127.0.0.1',
      intent: 'VIEW' as const,
    };
    const body = JSON.stringify({ query: `query($id: ID!) { client(id: $id) { id personalIdentityCode } }`, variables: { id: clientId } });
    const res = await request(new URL(t.stack.subgraphUrls.clients).origin)
      .post(new URL(t.stack.subgraphUrls.clients).pathname)
      .set('content-type', 'application/json')
      .set(ACTOR_CONTEXT_HEADER, await signer.sign(actor, body, { subgraph: 'clients' }))
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body.data?.client?.id).toBe(clientId);
    expect(res.body.extensions?.[RETURNED_AUDIT_EXTENSION]).toBeUndefined();
    expect(sink.writes).toEqual([{ subgraphs: ['clients'], size: 1, inTransaction: false }]);
  });
});
