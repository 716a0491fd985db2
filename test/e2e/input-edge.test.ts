import { entries } from '@vartija/db';
import { type Actor, ACTOR_CONTEXT_HEADER, ActorContextSigner, AUDIT_TEXT_LIMITS, type AuditEntryInput, DbAuditSink, GroupCommitAuditSink } from '@vartija/kit';
import { eq } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

// Issue 9, finding 8: malformed ids and text are refused at the edge with BAD_USER_INPUT naming the
// argument, never INTERNAL_SERVER_ERROR from SQL, and one bad access-log entry never fails the log.

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const CHILD_WELFARE = DEMO.units['child-welfare'].id;
const ID_REASON = 'must be an id returned by this API (a UUID)';

/** The single error of a result, with its code and the field it names. */
function onlyError(result: { errors?: readonly GraphQLFormattedError[] | undefined }) {
  expect(result.errors).toHaveLength(1);
  const error = result.errors![0]!;
  return { code: error.extensions?.['code'], field: error.extensions?.['field'], reason: error.extensions?.['reason'], message: error.message };
}

async function verifyChain() {
  const result = await t.execute<{ verifyAuditChain: { ok: boolean; reason: string | null } }>({ as: 'dpo', query: '{ verifyAuditChain { ok reason } }' });
  return result.data?.verifyAuditChain;
}

describe('ids at the edge', () => {
  it('refuses a filter id that is not a UUID with BAD_USER_INPUT naming filter.unitId', async () => {
    const result = await t.execute({ as: 'sw-child', query: `{ clients(filter: { unitId: "x" }) { totalCount nodes { id } } }` });
    expect(result.data ?? null).toBeNull();
    expect(onlyError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.unitId', reason: ID_REASON });
  });

  it('refuses a filter id that is not a UUID on the auditors\' and the data-subject requests\' lists too (only the kit checks them)', async () => {
    for (const [as, query] of [
      ['dpo', `{ auditEntries(filter: { clientId: "x" }) { totalCount } }`],
      ['dpo', `{ auditEntries(filter: { unitId: "1 OR 1=1" }) { totalCount } }`],
      ['dpo', `{ dataSubjectRequests(filter: { clientId: "x" }) { totalCount } }`],
      ['sw-child', `{ dataSubjectRequests(filter: { unitId: "x" }) { totalCount } }`],
    ] as const) {
      const result = await t.execute({ as, query });
      expect(result.data ?? null).toBeNull();
      expect(onlyError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^filter\.(clientId|unitId)$/), reason: ID_REASON });
    }
  });

  it('still answers a well-formed unit id, in any letter case', async () => {
    const result = await t.execute<{ clients: { totalCount: number } }>({
      as: 'sw-child',
      query: `query ($u: ID) { clients(filter: { unitId: $u }) { totalCount } }`,
      variables: { u: CHILD_WELFARE.toUpperCase() },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.clients.totalCount).toBeGreaterThan(0);
  });

  it('finds a visible client by its id in capitals, logs it READ and no refused look-up', async () => {
    const id = DEMO.clients.childWelfareOpen;
    const result = await t.execute<{ client: { id: string; displayName: string } | null }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { id displayName } }`,
      variables: { id: id.toUpperCase() },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.client).toMatchObject({ id });
    const rows = await t.database.db.select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
    expect(rows.filter((r) => r.outcome === 'DENIED')).toEqual([]);
    expect(rows.filter((r) => r.outcome === 'ALLOWED' && r.clientId === id).length).toBeGreaterThan(0);
  });

  it('updates a client named by its id in capitals', async () => {
    const id = DEMO.clients.childWelfareOpen;
    const read = await t.execute<{ client: { id: string; version: number } }>({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id version } }`, variables: { id } });
    const updated = await t.execute<{ updateClient: { id: string; version: number } }>({
      as: 'sw-child',
      query: `mutation ($id: ID!, $v: Int!) { updateClient(id: $id, version: $v, input: { municipality: "Oulu" }) { id version } }`,
      variables: { id: id.toUpperCase(), v: read.data!.client.version },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateClient).toEqual({ id, version: read.data!.client.version + 1 });
  });

  it('refuses a forged or garbage cursor with BAD_USER_INPUT naming after', async () => {
    const forged = Buffer.from(JSON.stringify(['a', 'not-a-uuid']), 'utf8').toString('base64url');
    for (const [as, query] of [
      ['sw-child', `query ($a: String) { clients(after: $a) { totalCount } }`],
      ['dpo', `query ($a: String) { auditEntries(after: $a) { totalCount } }`],
    ] as const) {
      for (const after of [forged, 'nonsense!', Buffer.from(JSON.stringify(['abc', 'abc'])).toString('base64url')]) {
        const result = await t.execute({ as, query, variables: { a: after } });
        expect(onlyError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    }
  });

  it('refuses malformed ids of mutations, plain and inside input, naming the argument path', async () => {
    const cases: { as: string; query: string; variables: Record<string, unknown>; field: string }[] = [
      { as: 'sw-child', query: `mutation ($id: ID!) { updateClient(id: $id, version: 1, input: { municipality: "Oulu" }) { id } }`, variables: { id: 'x' }, field: 'id' },
      { as: 'sw-child', query: `mutation ($id: ID!) { endRelationship(id: $id, endedOn: "2024-01-01") { id } }`, variables: { id: '42' }, field: 'id' },
      {
        as: 'sw-child',
        query: `mutation ($input: OpenRelationshipInput!) { openRelationship(input: $input) { id } }`,
        variables: { input: { clientId: DEMO.clients.childWelfareOpen, unitId: CHILD_WELFARE, responsibleWorkerId: 'me' } },
        field: 'input.responsibleWorkerId',
      },
      {
        as: 'sw-child',
        query: `mutation ($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }`,
        variables: {
          input: { clientId: 'not-a-uuid', unitId: CHILD_WELFARE, type: 'OPEN_CARE_SUPPORT', legalAct: 'Lastensuojelulaki', legalSection: '34', decidedAt: '2024-01-01T10:00:00Z', content: 'x' },
        },
        field: 'input.clientId',
      },
      { as: 'sw-child', query: `mutation ($id: ID!) { endPlacement(id: $id, endsOn: "2024-01-01") { id } }`, variables: { id: '1 OR 1=1' }, field: 'id' },
      {
        as: 'mgr-child',
        query: `mutation ($id: ID!) { correctDocument(id: $id, expectedRevision: 1, input: { title: "t", body: "b", reason: "r" }) { id } }`,
        variables: { id: '../documents/1' },
        field: 'id',
      },
      { as: 'admin', query: `mutation ($id: ID!) { revokeApiToken(id: $id) { id } }`, variables: { id: 'vrt_pt_12345678' }, field: 'id' },
    ];
    for (const c of cases) {
      const result = await t.execute({ as: c.as, query: c.query, variables: c.variables });
      expect({ field: c.field, error: onlyError(result) }).toMatchObject({ field: c.field, error: { code: 'BAD_USER_INPUT', field: c.field, reason: ID_REASON } });
    }
  });

  it('refuses a megabyte-long id with BAD_USER_INPUT, without echoing it', async () => {
    // Just under the 1 MB body limit of the gateway (and of the subgraph the gateway forwards it to).
    const result = await t.execute({
      as: 'student-child',
      query: `mutation ($id: ID!) { updateClient(id: $id, version: 1, input: { municipality: "Oulu" }) { id } }`,
      variables: { id: 'a'.repeat(990_000) },
    });
    expect(onlyError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', reason: ID_REASON });
    expect(result.errors![0]!.message.length).toBeLessThan(200);
  });

  it('answers _entities with a malformed id as null, and the well-formed ones of the same batch as usual, in any letter case', async () => {
    const user = DEMO.users['sw-child'];
    const actor: Actor = {
      kind: 'USER',
      id: user.id,
      login: 'sw-child',
      organisationId: DEMO.organisations.region.id,
      grants: [{ id: user.grantId, role: 'SOCIAL_WORKER', organisationId: DEMO.organisations.region.id, unitId: CHILD_WELFARE, validFrom: '2020-01-01T00:00:00Z', validUntil: null, visibilityWindowMonths: 12 }],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      intent: 'VIEW',
      requestId: '00000000-0000-4000-8000-000000000009',
      operationName: null,
      callerAddress: null,
    };
    const signer = ActorContextSigner.fromSecret(t.keys.actorContextSecret);
    const representations = [
      { __typename: 'Client', id: 'not-a-uuid' },
      { __typename: 'Client', id: DEMO.clients.childWelfareOpen },
      { __typename: 'Client', id: `x${'\u0000'.repeat(3)}` },
      // Capitals are read in lower case, as arguments are: the client is found, not missed by its loader.
      { __typename: 'Client', id: DEMO.clients.childWelfareOpen.toUpperCase() },
    ];
    for (const [subgraph, selection] of [
      ['clients', 'id displayName'],
      ['services', 'id decisions { id }'],
      ['documents', 'id documents { id }'],
    ] as const) {
      const url = t.stack.subgraphUrls[subgraph];
      // A context is signed for one exact body and is good once.
      const requestBody = JSON.stringify({ query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Client { ${selection} } } }`, variables: { r: representations } });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ACTOR_CONTEXT_HEADER]: await signer.sign(actor, requestBody, { subgraph }) },
        body: requestBody,
      });
      const body = (await res.json()) as { data?: { _entities: unknown[] }; errors?: unknown[] };
      expect({ url, errors: body.errors }).toEqual({ url, errors: undefined });
      expect(body.data!._entities[0]).toBeNull();
      expect(body.data!._entities[1]).toMatchObject({ id: DEMO.clients.childWelfareOpen });
      expect(body.data!._entities[2]).toBeNull();
      expect(body.data!._entities[3]).toMatchObject({ id: DEMO.clients.childWelfareOpen });
    }
  });
});

describe('text at the edge', () => {
  it('refuses a NUL character in a filter with BAD_USER_INPUT naming the field', async () => {
    const result = await t.execute({
      as: 'sw-child',
      query: `query ($p: String) { clients(filter: { lastNamePrefix: $p }) { totalCount } }`,
      variables: { p: 'Vir\u0000' },
    });
    expect(onlyError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.lastNamePrefix' });
    expect(result.errors![0]!.message).toMatch(/control character U\+0000/);
  });

  it('refuses control characters and oversized text in a refused mutation, and lets the others through', async () => {
    const create = `mutation ($input: CreateClientInput!) { createClient(input: $input) { id } }`;
    const nul = await t.execute({ as: 'student-child', query: create, variables: { input: { unitId: CHILD_WELFARE, firstName: 'A\u0000', lastName: 'B' } } });
    expect(onlyError(nul)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.firstName' });
    const escape = await t.execute({ as: 'student-child', query: create, variables: { input: { unitId: CHILD_WELFARE, pseudonym: '\u001b[2J' } } });
    expect(onlyError(escape)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.pseudonym' });
    const long = await t.execute({ as: 'student-child', query: create, variables: { input: { unitId: CHILD_WELFARE, pseudonym: 'p'.repeat(20_000) } } });
    expect(onlyError(long)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.pseudonym' });
    expect(long.errors![0]!.message).toMatch(/at most 10000 characters/);
  });

  it('refuses a persisted-operation id or document with a NUL before it is stored', async () => {
    const register = `mutation ($id: String!, $d: String!) { registerPersistedOperation(id: $id, document: $d) { id } }`;
    const badId = await t.execute({ as: 'admin', query: register, variables: { id: 'op\u0000', d: '{ me { id } }' } });
    expect(onlyError(badId)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    // GraphQL allows a NUL in a comment, so the document parses; the database could not store it.
    const badDocument = await t.execute({ as: 'admin', query: register, variables: { id: 'op-nul', d: '{ me { id } } # \u0000' } });
    expect(onlyError(badDocument)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'document' });
  });
});

describe('dates at the edge', () => {
  it('refuses a date that does not exist with BAD_USER_INPUT naming the argument, in a variable or a literal', async () => {
    const variable = await t.execute({
      as: 'sw-child',
      query: `mutation ($id: ID!, $d: Date!) { endRelationship(id: $id, endedOn: $d) { id } }`,
      variables: { id: DEMO.relationships.childWelfareOpen, d: '2024-02-30' },
    });
    expect(onlyError(variable)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endedOn' });
    expect(variable.errors![0]!.message).toMatch(/YYYY-MM-DD/);
    const literal = await t.execute({
      as: 'sw-child',
      query: `mutation ($id: ID!) { endRelationship(id: $id, endedOn: "31.12.2024") { id } }`,
      variables: { id: DEMO.relationships.childWelfareOpen },
    });
    expect(onlyError(literal)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endedOn' });
  });

  it('refuses an instant that does not parse, also inside a filter', async () => {
    const plain = await t.execute({ as: 'dpo', query: `query ($f: DateTime) { verifyAuditChain(from: $f) { ok } }`, variables: { f: 'yesterday' } });
    expect(onlyError(plain)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const nested = await t.execute({ as: 'dpo', query: `query ($f: AuditFilter) { auditEntries(filter: $f) { totalCount } }`, variables: { f: { to: '2024-13-01T00:00:00Z' } } });
    expect(onlyError(nested)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
  });
});

describe('the access log takes every refused attempt', () => {
  it('writes the DENIED entry of a refused mutation with a long, odd but valid name and input', async () => {
    const name = `Create${'X'.repeat(5_000)}`;
    const result = await t.execute({
      as: 'student-child',
      query: `mutation ${name}($input: CreateClientInput!) { createClient(input: $input) { id } }`,
      variables: { input: { unitId: CHILD_WELFARE, firstName: 'Åsa\t🙂', lastName: 'Ñoño\u200b-Ÿ', municipality: 'Mänttä-Vilppula\r\n' } },
    });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const requestId = result.headers['x-request-id']!;
    const rows = await t.database.db.select().from(entries).where(eq(entries.requestId, requestId));
    const denied = rows.find((r) => r.outcome === 'DENIED' && r.entityType === 'Client');
    expect(denied).toMatchObject({ action: 'CREATE', unitId: CHILD_WELFARE, actorId: DEMO.users['student-child'].id });
    expect(denied!.operationName).toHaveLength(AUDIT_TEXT_LIMITS.operationName);
    expect(denied!.operationName!.startsWith('CreateXXX')).toBe(true);
    expect(denied!.operationName!.endsWith('…')).toBe(true);
    expect(await verifyChain()).toEqual({ ok: true, reason: null });
  });

  it('writes an auditor\'s long reason cleaned and bounded, and the chain still verifies', async () => {
    const reason = `Tarkastuspyyntö\n${'pitkä perustelu 🙂\t'.repeat(500)}`;
    const result = await t.execute({
      as: 'dpo',
      query: `query ($id: ID!, $reason: String) { clientAccessReport(clientId: $id, includeEmployees: true, reason: $reason) { totalEntries } }`,
      variables: { id: DEMO.clients.childWelfareOpen, reason },
    });
    expect(result.errors).toBeUndefined();
    const rows = await t.database.db.select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
    const logged = rows.find((r) => r.entityType === 'AuditLog' && r.entityId === 'clientAccessReport');
    expect(logged!.reason).toHaveLength(AUDIT_TEXT_LIMITS.reason);
    expect(logged!.reason).toMatch(/^employees named: Tarkastuspyyntö pitkä perustelu 🙂 pitkä/);
    expect(logged!.reason).not.toMatch(/[\t\n]/);
    expect(await verifyChain()).toEqual({ ok: true, reason: null });
  });

  it('a group commit in which one request cannot be written still writes the others, and the chain verifies', async () => {
    const entry = (requestId: string, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
      at: new Date(),
      requestId,
      operationName: null,
      subgraph: 'input-edge-test',
      actorKind: 'SYSTEM',
      actorId: 'input-edge-test',
      actorRole: null,
      organisationId: null,
      unitId: null,
      clientId: null,
      entityType: 'Test',
      entityId: requestId,
      action: 'READ',
      outcome: 'DENIED',
      fields: [],
      categories: [],
      purpose: null,
      emergency: false,
      callerAddress: null,
      reason: null,
      ...overrides,
    });
    const sink = new GroupCommitAuditSink(new DbAuditSink(t.database.db));
    const first = sink.write([entry('edge-first')]);
    // These queue behind the write in flight and are appended together; the middle one cannot be
    // written at all (an actor kind the column's enum does not know): only it may fail.
    const before = sink.write([entry('edge-before-1'), entry('edge-before-2', { entityId: `nul\u0000${'x'.repeat(1_000_000)}`, clientId: 'x' })]);
    const bad = sink.write([entry('edge-bad', { actorKind: 'ROBOT' as never })]);
    const after = sink.write([entry('edge-after')]);
    await first;
    await expect(before).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow();
    await expect(after).resolves.toBeUndefined();
    for (const [requestId, count] of [['edge-before-1', 1], ['edge-before-2', 1], ['edge-bad', 0], ['edge-after', 1]] as const) {
      expect({ requestId, rows: (await t.database.db.select().from(entries).where(eq(entries.requestId, requestId))).length }).toEqual({ requestId, rows: count });
    }
    expect(await verifyChain()).toEqual({ ok: true, reason: null });
  });
});
