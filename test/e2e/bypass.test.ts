import { cursorCodec } from '@vartija/kit';
import { ACTIVE_LOGINS, codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

type Page = { clients: { totalCount: number; nodes: { id: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };
const PAGE = `query ($after: String) { clients(first: 100, after: $after) { totalCount nodes { id } pageInfo { endCursor hasNextPage } } }`;

async function allVisibleIds(as: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | null = null;
  do {
    const result: { data?: Page | null } = await t.execute<Page>({ as, query: PAGE, variables: after ? { after } : {} });
    for (const node of result.data!.clients.nodes) ids.add(node.id);
    after = result.data!.clients.pageInfo.hasNextPage ? result.data!.clients.pageInfo.endCursor : null;
  } while (after);
  return ids;
}

describe('totalCount, every persona: the number of clients its pages hold', () => {
  // A unit's staff are counted from their relationships alone (kit relationOnlyScope); every other scope counts
  // rows. The partner token's count: partners.test.ts.
  it.each(ACTIVE_LOGINS.filter((login) => login !== 'majakka'))('%s', async (as) => {
    const first = await t.execute<Page>({ as, query: PAGE });
    expect(first.errors).toBeUndefined();
    expect(first.data!.clients.totalCount).toBe((await allVisibleIds(as)).size);
  });
});

describe('sw-child: ways around the row rules', () => {
  it('totalCount counts only visible clients, and every page holds only them', async () => {
    const visible = await allVisibleIds('sw-child');
    const first = await t.execute<Page>({ as: 'sw-child', query: PAGE });
    expect(first.data!.clients.totalCount).toBe(visible.size);
    expect(visible.has(DEMO.clients.adultOnly)).toBe(false);
    expect(visible.has(DEMO.clients.childWelfareArchived)).toBe(false);
    expect(visible.has(DEMO.clients.childWelfareOpen)).toBe(true);
  });

  it('a cursor forged to point at an invisible client returns only visible clients after it', async () => {
    const visible = await allVisibleIds('sw-child');
    // Without the cursor secret a forged cursor is refused outright ...
    const unsealed = Buffer.from(JSON.stringify(['a', DEMO.clients.adultOnly]), 'utf8').toString('base64url');
    const refused = await t.execute<Page>({ as: 'sw-child', query: PAGE, variables: { after: unsealed } });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    // ... and one sealed with it (this test shares the stack's process) still reaches only visible rows.
    const forged = cursorCodec({ actorId: DEMO.users['sw-child'].id, list: 'clients' }).encode({ key: 'a', id: DEMO.clients.adultOnly });
    const result = await t.execute<Page>({ as: 'sw-child', query: PAGE, variables: { after: forged } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.clients.nodes.length).toBeGreaterThan(0);
    expect(result.data!.clients.nodes.every((n) => visible.has(n.id))).toBe(true);
  });

  it('cannot reach _entities or _service through the gateway', async () => {
    const entities = await t.execute({
      as: 'sw-adult',
      query: `{ _entities(representations: [{ __typename: "Client", id: "${DEMO.clients.childWelfareOpen}" }]) { ... on Client { id } } }`,
    });
    expect(entities.data ?? null).toBeNull();
    expect(codesOf(entities)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const service = await t.execute({ as: 'sw-adult', query: '{ _service { sdl } }' });
    expect(codesOf(service)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('an actor-context header sent to the gateway is ignored', async () => {
    const forged = await t.execute<{ client: { id: string } | null }>({
      as: 'sw-adult',
      headers: { 'x-vartija-actor': 'forged.context.value' },
      query: `query ($id: ID!) { client(id: $id) { id } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(forged.status).toBe(200);
    expect(forged.data?.client).toBeNull();
  });

  it('an invisible client answers exactly as a nonexistent one', async () => {
    const query = `query ($id: ID!) { client(id: $id) { id displayName } }`;
    const invisible = await t.execute({ as: 'sw-child', query, variables: { id: DEMO.clients.adultOnly } });
    const missing = await t.execute({ as: 'sw-child', query, variables: { id: '6f1c1d7e-0000-4000-8000-000000000000' } });
    expect(invisible.status).toBe(missing.status);
    expect(invisible.data).toEqual(missing.data);
    expect(invisible.errors).toEqual(missing.errors);
  });

  it('batched requests are refused', async () => {
    const res = await t
      .gateway()
      .post('/graphql')
      .set('authorization', `Bearer ${await t.tokenFor('sw-child')}`)
      .set('content-type', 'application/json')
      .send([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(res.status).toBe(400);
  });
});

describe('operation limits', () => {
  it('refuses too many aliases before planning', async () => {
    const fields = Array.from({ length: 31 }, (_, i) => `a${i}: displayName`).join(' ');
    const result = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { ${fields} } }`, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(codesOf(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0]?.message).toMatch(/31 aliases; at most 30/);
    expect(result.data ?? null).toBeNull();
  });
});
