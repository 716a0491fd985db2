import { DEMO } from '@vartija/db';
import { codesOf, startTestStack, type TestStack } from '../testkit';

/**
 * Page cursors are opaque (issue 9, finding 4; DESIGN.md §4 policy v2): sealed, carrying no personal
 * data, and valid only for the user, the list and the filter they were issued for.
 */

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

interface ClientNode {
  id: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
}
type ClientPage = {
  clients: {
    totalCount: number;
    edges: { cursor: string; node: ClientNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};
const CLIENTS = `query ($filter: ClientFilter, $first: Int, $after: String) {
  clients(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id firstName lastName displayName } } pageInfo { hasNextPage endCursor }
  }
}`;

async function clientPage(as: string, variables: { filter?: Record<string, unknown>; first?: number; after?: string | null }) {
  return t.execute<ClientPage>({ as, query: CLIENTS, variables });
}

/** Every page of the list, in order, by pageInfo.endCursor. */
async function walkClients(as: string, first: number, filter?: Record<string, unknown>): Promise<{ ids: string[]; totalCount: number; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = 0;
  let pages = 0;
  do {
    const res: Awaited<ReturnType<typeof clientPage>> = await clientPage(as, { filter, first, after });
    expect(res.errors).toBeUndefined();
    pages += 1;
    totalCount = res.data!.clients.totalCount;
    ids.push(...res.data!.clients.edges.map((e) => e.node.id));
    after = res.data!.clients.pageInfo.hasNextPage ? res.data!.clients.pageInfo.endCursor : null;
  } while (after);
  return { ids, totalCount, pages };
}

const refusal = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => ({
  codes: codesOf(res as never),
  field: res.errors?.[0]?.extensions?.['field'],
  reason: String(res.errors?.[0]?.extensions?.['reason'] ?? ''),
});

describe('client-list cursors', () => {
  it('carry no name, identity or id, and are URL-safe', async () => {
    const res = await clientPage('mgr-child', { first: 50 });
    expect(res.errors).toBeUndefined();
    const edges = res.data!.clients.edges;
    expect(edges.length).toBeGreaterThan(10);
    for (const { cursor, node } of edges) {
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = [Buffer.from(cursor, 'base64url').toString('utf8'), Buffer.from(cursor, 'base64url').toString('latin1'), Buffer.from(cursor, 'base64').toString('utf8')]
        .join('\n')
        .toLowerCase();
      for (const part of [node.lastName, node.firstName, node.displayName, node.id]) {
        if (part && part.length >= 3) expect(decoded).not.toContain(part.toLowerCase());
      }
      expect(decoded).not.toContain(DEMO.users['mgr-child'].id);
    }
    expect(res.data!.clients.pageInfo.endCursor).toBe(edges.at(-1)!.cursor);
  });

  it('walks the whole list without duplicates or gaps, in any page size', async () => {
    const small = await walkClients('sw-child', 7);
    const large = await walkClients('sw-child', 100);
    expect(small.pages).toBeGreaterThan(large.pages);
    expect(small.ids).toHaveLength(small.totalCount);
    expect(new Set(small.ids).size).toBe(small.ids.length);
    expect(small.ids).toEqual(large.ids);
    expect(small.totalCount).toBe(large.totalCount);

    // A filtered list that fits one page: paging gives exactly that page.
    const filter = { lastNamePrefix: 'K', activeOnly: true };
    const single = await clientPage('sw-child', { filter, first: 100 });
    expect(single.errors).toBeUndefined();
    expect(single.data!.clients.pageInfo.hasNextPage).toBe(false);
    const paged = await walkClients('sw-child', 3, filter);
    expect(paged.pages).toBeGreaterThan(1);
    expect(paged.ids).toEqual(single.data!.clients.edges.map((e) => e.node.id));
  });

  it('continues from any edge cursor, not only the end cursor', async () => {
    const all = await walkClients('sw-child', 100);
    const first = await clientPage('sw-child', { first: 10 });
    const fifth = first.data!.clients.edges[4]!.cursor;
    const next = await clientPage('sw-child', { first: 5, after: fifth });
    expect(next.data!.clients.edges.map((e) => e.node.id)).toEqual(all.ids.slice(5, 10));
  });

  it("refuse another user's cursor", async () => {
    const mine = await clientPage('sw-child', { first: 5 });
    const cursor = mine.data!.clients.pageInfo.endCursor!;
    const theirs = await clientPage('sw-family', { first: 5, after: cursor });
    expect(theirs.data ?? null).toBeNull();
    expect(refusal(theirs)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/another user/) });
  });

  it("refuse another filter's cursor", async () => {
    const page = await clientPage('sw-child', { first: 5, filter: { activeOnly: true } });
    const cursor = page.data!.clients.pageInfo.endCursor!;
    for (const filter of [{ activeOnly: true, lastNamePrefix: 'K' }, {}, { activeOnly: false }]) {
      const res = await clientPage('sw-child', { first: 5, filter, after: cursor });
      expect(refusal(res)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/another filter/) });
    }
    // The same filter, spelled with a null member, continues.
    const same = await clientPage('sw-child', { first: 5, filter: { activeOnly: true, unitId: null }, after: cursor });
    expect(same.errors).toBeUndefined();
  });

  it('refuse a changed, forged or foreign-list cursor', async () => {
    const page = await clientPage('dpo', { first: 5 });
    expect(page.errors).toBeUndefined();
    const cursor = page.data!.clients.pageInfo.endCursor!;
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 20] = raw[raw.length - 20]! ^ 0x04;
    const forged = Buffer.from(JSON.stringify(['a', DEMO.clients.adultOnly]), 'utf8').toString('base64url');
    for (const after of [raw.toString('base64url'), forged, 'not a cursor', `${cursor}x`]) {
      const res = await clientPage('dpo', { first: 5, after });
      expect(refusal(res)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/not a cursor this API issued/) });
    }
    // The same user's client-list cursor on the access log.
    const audit = await t.execute({ as: 'dpo', query: `query ($after: String) { auditEntries(first: 5, after: $after) { totalCount } }`, variables: { after: cursor } });
    expect(refusal(audit)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/another list/) });
  });
});

describe('access-log cursors', () => {
  type AuditPage = { auditEntries: { edges: { cursor: string; node: { id: string; requestId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const AUDIT = `query ($filter: AuditFilter, $first: Int, $after: String) {
    auditEntries(filter: $filter, first: $first, after: $after) { edges { cursor node { id requestId } } pageInfo { hasNextPage endCursor } }
  }`;

  async function walkLog(as: string, first: number, filter: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const res: { data?: AuditPage | null; errors?: unknown } = await t.execute<AuditPage>({ as, query: AUDIT, variables: { filter, first, after } });
      expect(res.errors).toBeUndefined();
      ids.push(...res.data!.auditEntries.edges.map((e) => e.node.id));
      after = res.data!.auditEntries.pageInfo.hasNextPage ? res.data!.auditEntries.pageInfo.endCursor : null;
    } while (after);
    return ids;
  }

  it('walk the log newest first without duplicates or gaps, and carry no entry data', async () => {
    // Some use to page through; a fixed end so that the auditor's own logged queries stay out.
    for (const id of [DEMO.clients.childWelfareOpen, DEMO.clients.childAndFamily]) {
      await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { displayName personalIdentityCode } }`, variables: { id } });
    }
    const filter = { to: new Date().toISOString() };
    const big = await walkLog('dpo', 100, filter);
    const small = await walkLog('dpo', 3, filter);
    expect(big.length).toBeGreaterThan(6);
    expect(small).toEqual(big);
    expect(new Set(small).size).toBe(small.length);
    expect(big.map(Number)).toEqual([...big.map(Number)].sort((a, b) => b - a));

    const page = await t.execute<AuditPage>({ as: 'dpo', query: AUDIT, variables: { filter, first: 5 } });
    for (const { cursor, node } of page.data!.auditEntries.edges) {
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(decoded).not.toContain(node.requestId);
      expect(decoded).not.toContain(`"${node.id}"`);
    }
  });

  it("refuse a cursor of another filter, and another auditor's", async () => {
    const filter = { to: new Date().toISOString() };
    const page = await t.execute<AuditPage>({ as: 'dpo', query: AUDIT, variables: { filter, first: 2 } });
    const cursor = page.data!.auditEntries.pageInfo.endCursor!;
    const other = await t.execute({ as: 'dpo', query: AUDIT, variables: { filter: { ...filter, outcome: 'ALLOWED' }, first: 2, after: cursor } });
    expect(refusal(other)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/another filter/) });
    const unfiltered = await t.execute({ as: 'dpo', query: AUDIT, variables: { first: 2, after: cursor } });
    expect(refusal(unfiltered)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after' });

    // Another auditor (the second region's, or one holding another grant as well), when the demo world has one.
    const another = ['dpo-b', 'dpo-student'].find((login) => login in DEMO.users);
    if (another) {
      const theirs = await t.execute({ as: another, query: AUDIT, variables: { filter, first: 2, after: cursor } });
      expect(refusal(theirs)).toMatchObject({ codes: ['BAD_USER_INPUT'], field: 'after', reason: expect.stringMatching(/another user/) });
    }
  });
});
