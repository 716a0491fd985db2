/**
 * Issue 11: a commission's `partnerScopes` (set by startCommission) limit what a partner sees of the
 * client and may write, besides its token's scopes. Expectations from DESIGN §4 (PARTNER column: names with
 * `clients:read`, its commission's decisions with `services:read`, REPORTs with `documents:write`) and the
 * issue: each under an active commission — one ended on `endsOn` gives no access that day.
 */
import { commissions, DEMO, DEMO_PARTNER_TOKEN, documents, entries, guardians } from '@vartija/db';
import { and, eq } from 'drizzle-orm';
import { codesOf, startTestStack, type TestStack } from '../testkit';

const MAJAKKA = DEMO.organisations.majakka.id;
const CHILD_WELFARE = DEMO.units['child-welfare'].id;
const CLIENT = DEMO.clients.majakkaActive[0]!;
const ALL_SCOPES = ['clients:read', 'services:read', 'documents:read', 'documents:write'];

type Answer = { client: { id: string; displayName: string | null; lastName: string | null; guardians: { firstName: string }[] | null; decisions: { type: string }[] | null } | null };
const PAGE = `query ($id: ID!) { client(id: $id) { id displayName lastName guardians { firstName } decisions { type } } }`;
const RECORD = `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id type } }`;
const LIST = `{ clients(first: 100) { nodes { id displayName } } }`;

const forbiddenPaths = (errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path!.join('.')).sort();

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

/** Runs `body` with the client's commissions to majakka set to `change`, restoring them afterwards. */
async function withCommission(change: Partial<typeof commissions.$inferInsert>, body: () => Promise<void>) {
  const rows = await t.database.db.select().from(commissions).where(and(eq(commissions.clientId, CLIENT), eq(commissions.partnerOrganisationId, MAJAKKA)));
  expect(rows.length).toBeGreaterThan(0);
  await t.database.db.update(commissions).set(change).where(and(eq(commissions.clientId, CLIENT), eq(commissions.partnerOrganisationId, MAJAKKA)));
  try {
    await body();
  } finally {
    for (const row of rows) await t.database.db.update(commissions).set({ partnerScopes: row.partnerScopes, endsOn: row.endsOn }).where(eq(commissions.id, row.id));
  }
}

const logOf = (requestId: string | undefined) => t.database.db.select().from(entries).where(eq(entries.requestId, requestId!));

describe("a commission's partnerScopes gate the client's own fields (token with every scope)", () => {
  it('with all four scopes: names, guardians and decisions', async () => {
    const result = await t.execute<Answer>({ token: DEMO_PARTNER_TOKEN, query: PAGE, variables: { id: CLIENT } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.client!.displayName).toEqual(expect.any(String));
    expect(result.data!.client!.guardians!.length).toBeGreaterThan(0);
    expect(result.data!.client!.decisions!.length).toBeGreaterThan(0);
  });

  it('with only services:read: the decisions, but neither the names nor the guardians (null, FORBIDDEN, logged DENIED)', async () => {
    await withCommission({ partnerScopes: ['services:read'] }, async () => {
      const result = await t.execute<Answer>({ token: DEMO_PARTNER_TOKEN, query: PAGE, variables: { id: CLIENT } });
      const client = result.data!.client!;
      expect(client.id).toBe(CLIENT);
      expect(client.decisions!.length).toBeGreaterThan(0);
      expect(client).toMatchObject({ displayName: null, lastName: null, guardians: null });
      expect(forbiddenPaths(result.errors)).toEqual(['client.displayName', 'client.guardians', 'client.lastName']);
      const log = await logOf(result.headers['x-request-id']);
      const denied = log.filter((e) => e.outcome === 'DENIED');
      expect(denied.length).toBeGreaterThan(0);
      expect(denied.every((e) => e.clientId === CLIENT)).toBe(true);
      // Nothing of the names goes out, nor is logged as disclosed.
      const disclosed = log.filter((e) => e.outcome !== 'DENIED').flatMap((e) => e.fields);
      expect(disclosed).not.toContain('displayName');
      expect(disclosed).not.toContain('lastName');
      // A list sorted by name holds only clients whose names the partner reads (policy v2).
      const list = await t.execute<{ clients: { nodes: { id: string; displayName: string | null }[] } }>({ token: DEMO_PARTNER_TOKEN, query: LIST });
      expect(list.errors).toBeUndefined();
      expect(list.data!.clients.nodes.map((n) => n.id)).not.toContain(CLIENT);
      expect(list.data!.clients.nodes.every((n) => typeof n.displayName === 'string')).toBe(true);
    });
  });

  it('with clients:read: the names and the guardians again', async () => {
    await withCommission({ partnerScopes: ['clients:read'] }, async () => {
      const result = await t.execute<Answer>({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { displayName lastName guardians { firstName } } }`, variables: { id: CLIENT } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.client!.displayName).toEqual(expect.any(String));
      const rows = await t.database.db.select().from(guardians).where(eq(guardians.clientId, CLIENT));
      expect(result.data!.client!.guardians!.map((g) => g.firstName).sort()).toEqual(rows.map((g) => g.firstName).sort());
      const list = await t.execute<{ clients: { nodes: { id: string }[] } }>({ token: DEMO_PARTNER_TOKEN, query: LIST });
      expect(list.data!.clients.nodes.map((n) => n.id)).toContain(CLIENT);
    });
  });

  it("never through a token without clients:read, whatever the commission allows", async () => {
    const issued = await t.execute<{ issueApiToken: { token: string } }>({
      as: 'admin',
      query: `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }`,
      variables: { input: { organisationId: MAJAKKA, name: 'services only', expiresInDays: 1, scopes: ['services:read'] } },
    });
    const result = await t.execute<Answer>({ token: issued.data!.issueApiToken.token, query: `query ($id: ID!) { client(id: $id) { displayName decisions { type } } }`, variables: { id: CLIENT } });
    expect(result.data!.client!.displayName).toBeNull();
    expect(result.data!.client!.decisions!.length).toBeGreaterThan(0);
  });

  it('ends access on the day the commission ends', async () => {
    const today = new Date().toISOString().slice(0, 10);
    await withCommission({ endsOn: today }, async () => {
      const result = await t.execute<Answer>({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: CLIENT } });
      expect(result.data).toEqual({ client: null });
      const write = await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(codesOf(write)).toEqual(['NOT_FOUND']);
    });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await withCommission({ endsOn: tomorrow }, async () => {
      const result = await t.execute<Answer>({ token: DEMO_PARTNER_TOKEN, query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: CLIENT } });
      expect(result.data).toEqual({ client: { id: CLIENT } });
    });
  });
});

const report = () => ({ clientId: CLIENT, unitId: CHILD_WELFARE, type: 'REPORT', title: 'Kuukausiraportti', body: 'Arki on sujunut hyvin.' });

describe('documents:write needs the commission to allow it', () => {
  const documentsOf = async () => (await t.database.db.select({ id: documents.id }).from(documents).where(eq(documents.clientId, CLIENT))).length;

  it('refuses a REPORT (FORBIDDEN, nothing written, logged DENIED) when the commission lacks documents:write', async () => {
    await withCommission({ partnerScopes: ['clients:read', 'services:read', 'documents:read'] }, async () => {
      const before = await documentsOf();
      const result = await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(await documentsOf()).toBe(before);
      const log = await logOf(result.headers['x-request-id']);
      expect(log).toEqual([expect.objectContaining({ outcome: 'DENIED', actorKind: 'PARTNER', clientId: CLIENT, entityType: 'Document' })]);
    });
  });

  it('refuses it (NOT_FOUND) when no commission lets the partner see the client at all, allows it under documents:write alone', async () => {
    await withCommission({ partnerScopes: ['documents:write'] }, async () => {
      // documents:write alone reaches the client (the token shares the scope) and allows the REPORT; the
      // answer obeys the read rules: without documents:read its fields are not readable (null, FORBIDDEN).
      const result = await t.execute<{ recordDocument: { id: string; type: string | null } }>({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(result.data!.recordDocument).toEqual({ id: expect.any(String), type: null });
      expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions?.['code']])).toEqual([['recordDocument.type', 'FORBIDDEN']]);
      const [row] = await t.database.db.select().from(documents).where(eq(documents.id, result.data!.recordDocument.id));
      expect(row).toMatchObject({ type: 'REPORT', authorOrganisationId: MAJAKKA });
    });
    await withCommission({ partnerScopes: [] }, async () => {
      // …while a commission granting nothing leaves the client invisible: NOT_FOUND, as for any unknown client.
      const result = await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(codesOf(result)).toEqual(['NOT_FOUND']);
    });
  });

  it('writes it, under a commission that allows documents:write, with one CREATE entry', async () => {
    await withCommission({ partnerScopes: ALL_SCOPES }, async () => {
      const result = await t.execute<{ recordDocument: { id: string } }>({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(codesOf(result)).toEqual([]);
      const [row] = await t.database.db.select().from(documents).where(eq(documents.id, result.data!.recordDocument.id));
      const [commission] = await t.database.db.select().from(commissions).where(eq(commissions.id, row!.commissionId!));
      expect(commission!.partnerScopes).toContain('documents:write');
      const log = await logOf(result.headers['x-request-id']);
      expect(log.filter((e) => e.action === 'CREATE')).toEqual([expect.objectContaining({ actorKind: 'PARTNER', entityType: 'Document', entityId: row!.id })]);
    });
  });

  it('only counts a commission in force: one ending tomorrow still allows the write', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await withCommission({ endsOn: tomorrow, partnerScopes: ALL_SCOPES }, async () => {
      const result = await t.execute({ token: DEMO_PARTNER_TOKEN, query: RECORD, variables: { input: report() } });
      expect(codesOf(result)).toEqual([]);
    });
  });
});
