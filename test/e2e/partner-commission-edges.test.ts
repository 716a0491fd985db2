/**
 * A partner token's sorted client list, cursor walk and counts reach exactly the issuing region's clients that
 * have an active commission to the partner whose partnerScopes include clients:read — with commissions at every
 * edge added: services-only or empty scopes, ended today, starting tomorrow, starting today, another partner's,
 * another region's clients (under its own unit and under the issuer's), an archived client. (The partner's names
 * condition stands alone for "row scope and names" since session 14: kit field-scope.ts withinRowScope.)
 */
import { clients, commissions, DEMO, DEMO_PARTNER_TOKEN, organisations } from '@vartija/db';
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { todayInFinland } from '@vartija/kit';
import { codesOf, type ExecuteResult, startTestStack, type TestStack } from '../testkit';

const MAJAKKA = DEMO.organisations.majakka.id;
const REGION = DEMO.organisations.region.id;
const OTHER_PARTNER = '99999999-0000-4000-8000-000000000098';
// The policy's day is Finland's (kit todayInFinland), which is not UTC's around midnight.
const today = todayInFinland();
const daysFromToday = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let t: TestStack;
/** The clients given an edge commission: those the partner must not reach, and the one starting today it must. */
const edges = { outside: [] as string[], startingToday: '' };
beforeAll(async () => {
  t = await startTestStack();
  const db = t.database.db;
  await db.insert(organisations).values({ id: OTHER_PARTNER, code: 'other-partner', name: 'Other partner', kind: 'SERVICE_PROVIDER', businessId: '9990198-9' });
  const unit = DEMO.units['child-welfare'].id;
  const regionB = await db.select({ id: clients.id }).from(clients).where(eq(clients.organisationId, DEMO.organisations['region-b'].id)).limit(2);
  const region = await db.select({ id: clients.id }).from(clients).where(eq(clients.organisationId, REGION)).orderBy(clients.id).limit(6);
  // The demo world's own commissions to the partner, before the edges are added.
  const demoCommissioned = new Set((await db.select({ id: commissions.clientId }).from(commissions).where(eq(commissions.partnerOrganisationId, MAJAKKA))).map((r) => r.id));
  const commission = (clientId: string, partner: string, startsOn: string, endsOn: string | null, partnerScopes: string[], commissionerUnitId = unit) =>
    ({ clientId, commissionerUnitId, partnerOrganisationId: partner, kind: 'SUPPORT' as const, startsOn, endsOn, partnerScopes });
  await db.insert(commissions).values([
    commission(region[0]!.id, MAJAKKA, daysFromToday(-5), null, ['services:read']),
    commission(region[1]!.id, MAJAKKA, daysFromToday(-5), today, ['clients:read']),
    commission(region[2]!.id, MAJAKKA, daysFromToday(1), null, ['clients:read']),
    commission(region[3]!.id, OTHER_PARTNER, daysFromToday(-5), null, ['clients:read']),
    commission(region[4]!.id, MAJAKKA, today, daysFromToday(1), ['clients:read']),
    commission(region[5]!.id, MAJAKKA, daysFromToday(-5), null, []),
    commission(regionB[0]!.id, MAJAKKA, daysFromToday(-5), null, ['clients:read'], DEMO.units['b-child-welfare'].id),
    commission(regionB[1]!.id, MAJAKKA, daysFromToday(-5), null, ['clients:read']),
    commission(DEMO.clients.childWelfareArchived, MAJAKKA, daysFromToday(-5), null, ['clients:read']),
  ]);
  // Region client 0 (services:read only), 1 (ended today), 2 (starts tomorrow), 3 (another partner's), 5 (no scopes),
  // and region-b's two: out of reach (those the demo world has already commissioned to the partner aside).
  edges.outside = [region[0]!, region[1]!, region[2]!, region[3]!, region[5]!, regionB[0]!, regionB[1]!].map((c) => c.id).filter((id) => !demoCommissioned.has(id));
  edges.startingToday = region[4]!.id;
}, 300_000);
afterAll(() => t?.close());

/** What the policy says, written here as plain SQL of its own. */
async function expectedClients(): Promise<string[]> {
  const rows = await t.database.db
    .select({ id: commissions.clientId })
    .from(commissions)
    .innerJoin(clients, eq(clients.id, commissions.clientId))
    .where(
      and(
        eq(clients.organisationId, REGION),
        eq(commissions.partnerOrganisationId, MAJAKKA),
        lte(commissions.startsOn, today),
        or(isNull(commissions.endsOn), gt(commissions.endsOn, today)),
        sql`'clients:read' = ANY(${commissions.partnerScopes})`,
      ),
    );
  return [...new Set(rows.map((r) => r.id))].sort();
}

type Page = { clients: { totalCount: number; pageInfo: { endCursor: string | null; hasNextPage: boolean }; nodes: { id: string; displayName: string | null }[] } };
const PAGE = `query ($after: String, $filter: ClientFilter) { clients(first: 7, after: $after, filter: $filter) { totalCount pageInfo { endCursor hasNextPage } nodes { id displayName } } }`;

/** Every page of the list by cursor, and the count each page gave. */
async function walk(filter: Record<string, unknown> | null = null): Promise<{ ids: string[]; names: string[]; counts: number[] }> {
  const ids: string[] = [];
  const names: string[] = [];
  const counts: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages += 1) {
    const result: ExecuteResult<Page> = await t.execute<Page>({ token: DEMO_PARTNER_TOKEN, query: PAGE, variables: { after, filter } });
    expect(result.errors).toBeUndefined();
    const list: Page['clients'] = result.data!.clients;
    counts.push(list.totalCount);
    ids.push(...list.nodes.map((n) => n.id));
    names.push(...list.nodes.map((n) => n.displayName ?? ''));
    if (!list.pageInfo.hasNextPage) return { ids, names, counts };
    after = list.pageInfo.endCursor;
  }
  throw new Error('the list did not end within 50 pages');
}

describe('a partner token at the edges of its commissions', () => {
  it('walks by cursor exactly the issuer’s clients with an active clients:read commission, each once, counted alike', async () => {
    const expected = await expectedClients();
    const { ids, names, counts } = await walk();
    expect([...ids].sort()).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(counts)).toEqual(new Set([expected.length]));
    expect(names.every((name) => name.length > 0)).toBe(true);
    expect(ids).toContain(edges.startingToday);
    expect(edges.outside.length).toBeGreaterThan(0);
    for (const id of edges.outside) expect(ids).not.toContain(id);
  });

  it('counts a filtered list as the rows it holds, all of them in reach', async () => {
    const expected = await expectedClients();
    const { ids, counts } = await walk({ lastNamePrefix: 'a' });
    for (const id of ids) expect(expected).toContain(id);
    expect(new Set(counts)).toEqual(new Set([ids.length]));
  });

  it('still may not look clients up by identity code or filter by relationships', async () => {
    expect(codesOf(await t.execute({ token: DEMO_PARTNER_TOKEN, query: `{ clientByPersonalIdentityCode(code: "010101-123N") { id } }` }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await t.execute({ token: DEMO_PARTNER_TOKEN, query: `{ clients(filter: { activeOnly: true }) { totalCount } }` }))).toContain('FORBIDDEN');
  });
});
