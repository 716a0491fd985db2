/**
 * Regression tests for the findings of the security review of policy v2 (README "Every channel, every
 * grant (policy v2)", DESIGN.md §4). Each describe block is one finding; each test asserts the fixed
 * behaviour, so that reintroducing the bug fails it.
 *
 * 1. Partner tokens and registrars are bound to the region that issued the token.
 * 2. openRelationship for a client seen only through another grant.
 * 3. endRelationship date bounds (no future end, backdating at most 31 days).
 * 4. Intake of an archived person.
 * 5. A rolled-back write leaves no CREATE/UPDATE entry; dates before 1800 are input errors.
 * 6. Cross-organisation writes name no client of the other organisation in any log.
 * 7. A refused identity-code filter is logged with the client (own organisation's only).
 * 8. A refusal in a unit where the actor holds no grant names no role.
 */
import {
  apiTokens,
  clientRelationships,
  clients,
  commissions,
  DEMO,
  DEMO_PARTNER_TOKEN,
  DEMO_PARTNER_TOKEN_ID,
  entries,
  grants,
  makePersonalIdentityCode,
  placements,
  userCommitments,
  users,
} from '@vartija/db';
import {
  type Actor,
  type AuditEntryInput,
  AuditRecorder,
  type AuditSink,
  type AuditTarget,
  audited,
  generateApiToken,
  type RequestContext,
  todayInFinland,
} from '@vartija/kit';
import { and, count, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { codesOf, type ExecuteResult, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const db = () => t.database.db;

const REGION = DEMO.organisations.region.id;
const REGION_B = DEMO.organisations['region-b'].id;
const MAJAKKA = DEMO.organisations.majakka.id;
const UNITS = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  adult: DEMO.units['adult-services'].id,
  b: DEMO.units['b-child-welfare'].id,
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** `days` before today in Finland: the end of a relationship is a Finnish calendar day (kit/finnish-date.ts). */
const finnishDaysAgo = (days: number) => new Date(Date.parse(`${todayInFinland()}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

type Entry = typeof entries.$inferSelect;

/** The access-log entries a request wrote (responses carry their request id in `x-request-id`). */
async function logOf(result: { headers: Record<string, string> }): Promise<Entry[]> {
  const requestId = result.headers['x-request-id'];
  if (!requestId) throw new Error('response without x-request-id');
  return db().select().from(entries).where(eq(entries.requestId, requestId));
}

/** Entries anywhere in the log (any organisation, any request) that name a client, as client or entity. */
async function entriesNaming(id: string): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(entries)
    .where(or(eq(entries.clientId, id), eq(entries.entityId, id)));
  return Number(row!.n);
}

const errorOf = (result: { errors?: readonly GraphQLFormattedError[] | undefined }) => result.errors?.[0];

async function codeOf(clientId: string): Promise<string> {
  const [row] = await db().select({ code: clients.personalIdentityCode }).from(clients).where(eq(clients.id, clientId));
  if (!row?.code) throw new Error(`client ${clientId} has no identity code`);
  return row.code;
}

let hetuCounter = 0;
/** A valid test-person henkilötunnus that no client in the database has yet. */
async function freshHetu(): Promise<string> {
  for (;;) {
    hetuCounter += 1;
    const day = new Date(Date.UTC(1933, 5, 1) + hetuCounter * 86_400_000).toISOString().slice(0, 10);
    const code = makePersonalIdentityCode(day, 900 + (hetuCounter % 100));
    const existing = await db().select({ id: clients.id }).from(clients).where(eq(clients.personalIdentityCode, code));
    if (existing.length === 0) return code;
  }
}

/** Allowed writes (not reads) in the whole log: a rolled-back or refused write must not add any. */
async function allowedWriteEntries(): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(entries)
    .where(and(ne(entries.action, 'READ'), ne(entries.action, 'DISCLOSE'), eq(entries.outcome, 'ALLOWED')));
  return Number(row!.n);
}

const CREATE_CLIENT = /* GraphQL */ `
  mutation CreateClient($input: CreateClientInput!) {
    createClient(input: $input) { id relationships { id unit { code } startedOn endedOn } }
  }
`;
type Created = { createClient: { id: string; relationships: { id: string; unit: { code: string }; startedOn: string; endedOn: string | null }[] } };

function createClient(as: string, input: Record<string, unknown>) {
  return t.execute<Created>({ as, query: CREATE_CLIENT, variables: { input } });
}

/** A new child-welfare client of sw-child's, with its relationship started `startedOn`. */
async function newChildWelfareClient(startedOn: string): Promise<{ clientId: string; relationshipId: string }> {
  const result = await createClient('sw-child', {
    firstName: 'Regressio',
    lastName: `Testi${hetuCounter}`,
    personalIdentityCode: await freshHetu(),
    unitId: UNITS.child,
    startedOn,
  });
  expect(result.errors).toBeUndefined();
  const created = result.data!.createClient;
  return { clientId: created.id, relationshipId: created.relationships[0]!.id };
}

const BY_ID = `query ($id: ID!) { client(id: $id) { id } }`;
const END_RELATIONSHIP = /* GraphQL */ `
  mutation EndRelationship($id: ID!, $endedOn: Date!) { endRelationship(id: $id, endedOn: $endedOn) { id endedOn } }
`;
const OPEN_RELATIONSHIP = /* GraphQL */ `
  mutation OpenRelationship($input: OpenRelationshipInput!) { openRelationship(input: $input) { id } }
`;
const UPDATE_CLIENT = /* GraphQL */ `
  mutation UpdateClient($id: ID!, $version: Int!, $input: UpdateClientInput!) { updateClient(id: $id, version: $version, input: $input) { id version } }
`;

// ------------------------------------------------------------------------------------------------
// 1. Partner tokens belong to the region that issued them
// ------------------------------------------------------------------------------------------------

describe('1. partner tokens and registrars are bound to the issuing region', () => {
  const ADMIN_B = 'admin-b';
  const LIST = `{ clients(first: 100) { totalCount nodes { id } } }`;
  const TOKENS = `query ($org: ID) { apiTokens(organisationId: $org) { id prefix } }`;
  const ISSUE = `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token apiToken { id prefix } } }`;
  const REVOKE = `mutation ($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }`;
  const ROTATE = `mutation ($id: ID!, $h: Int!) { rotateApiToken(id: $id, overlapHours: $h) { token apiToken { id } } }`;
  const RECORD_REPORT = `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id } }`;
  type List = { clients: { totalCount: number; nodes: { id: string }[] } };
  type Issued = { issueApiToken: { token: string; apiToken: { id: string; prefix: string } } };
  type Tokens = { apiTokens: { id: string; prefix: string }[] };
  const idsOf = (result: ExecuteResult<List>) => result.data!.clients.nodes.map((n) => n.id).sort();

  /** A region-b client that is neither a shared person, nor non-disclosure, nor `open` or `placed`. */
  const REGION_B_CLIENT = DEMO.regionB.clients[8]!;

  async function issue(as: string, scopes: string[]) {
    const result = await t.execute<Issued>({
      as,
      query: ISSUE,
      variables: { input: { organisationId: MAJAKKA, name: `review ${as}`, scopes, expiresInDays: 30 } },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.issueApiToken;
  }

  beforeAll(async () => {
    // A registrar of region-b: dev tokens name the login, which the gateway looks up in access.users.
    const [user] = await db().insert(users).values({ login: ADMIN_B, displayName: 'Rekisteri B', organisationId: REGION_B }).returning();
    await db()
      .insert(grants)
      .values({ userId: user!.id, role: 'REGISTRAR', organisationId: REGION_B, unitId: null, validFrom: new Date(Date.now() - 86_400_000) });
    // Grants take effect only after the use and confidentiality commitment (issue 11).
    await db().insert(userCommitments).values({ userId: user!.id, signedOn: '2020-01-01' });
    expect(REGION_B_CLIENT).not.toBe(DEMO.regionB.open);
    expect(DEMO.regionB.nonDisclosure).not.toContain(REGION_B_CLIENT);
    expect(DEMO.regionB.sharedPersons.map((p) => p.regionBClientId)).not.toContain(REGION_B_CLIENT);
  });

  it('admin-b\'s apiTokens does not list the region\'s demo token (whichever organisation it filters by); admin\'s does', async () => {
    for (const org of [null, MAJAKKA]) {
      const listed = await t.execute<Tokens>({ as: ADMIN_B, query: TOKENS, variables: { org } });
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.apiTokens.map((x) => x.id)).not.toContain(DEMO_PARTNER_TOKEN_ID);
      expect(JSON.stringify(listed.data)).not.toContain('vrt_pt_6d616a61');
    }
    const own = await t.execute<Tokens>({ as: 'admin', query: TOKENS, variables: { org: MAJAKKA } });
    expect(own.errors).toBeUndefined();
    expect(own.data!.apiTokens.map((x) => x.id)).toContain(DEMO_PARTNER_TOKEN_ID);
  });

  it('admin-b revoking or rotating the region\'s token answers NOT_FOUND exactly as for an unknown id; the token is untouched and keeps working', async () => {
    const [before] = await db().select().from(apiTokens).where(eq(apiTokens.id, DEMO_PARTNER_TOKEN_ID));
    const tokensBefore = await db().select({ n: count() }).from(apiTokens);

    const revoke = await t.execute({ as: ADMIN_B, query: REVOKE, variables: { id: DEMO_PARTNER_TOKEN_ID } });
    const revokeUnknown = await t.execute({ as: ADMIN_B, query: REVOKE, variables: { id: UNKNOWN_ID } });
    expect(codesOf(revoke)).toEqual(['NOT_FOUND']);
    expect(codesOf(revokeUnknown)).toEqual(['NOT_FOUND']);
    expect(errorOf(revoke)!.message.replace(DEMO_PARTNER_TOKEN_ID, '<id>')).toBe(errorOf(revokeUnknown)!.message.replace(UNKNOWN_ID, '<id>'));
    expect(revoke.data ?? null).toEqual(revokeUnknown.data ?? null);

    for (const h of [0, 24]) {
      const rotate = await t.execute({ as: ADMIN_B, query: ROTATE, variables: { id: DEMO_PARTNER_TOKEN_ID, h } });
      const rotateUnknown = await t.execute({ as: ADMIN_B, query: ROTATE, variables: { id: UNKNOWN_ID, h } });
      expect(codesOf(rotate)).toEqual(['NOT_FOUND']);
      expect(codesOf(rotateUnknown)).toEqual(['NOT_FOUND']);
      expect(errorOf(rotate)!.message.replace(DEMO_PARTNER_TOKEN_ID, '<id>')).toBe(errorOf(rotateUnknown)!.message.replace(UNKNOWN_ID, '<id>'));
    }

    const [after] = await db().select().from(apiTokens).where(eq(apiTokens.id, DEMO_PARTNER_TOKEN_ID));
    expect({ ...after, lastUsedAt: null }).toEqual({ ...before, lastUsedAt: null });
    expect(after!.revokedAt).toBeNull();
    expect(await db().select({ n: count() }).from(apiTokens)).toEqual(tokensBefore);
    expect(await db().select().from(apiTokens).where(eq(apiTokens.rotatedFromId, DEMO_PARTNER_TOKEN_ID))).toEqual([]);

    const still = await t.execute<List>({ token: DEMO_PARTNER_TOKEN, query: LIST });
    expect(still.status).toBe(200);
    expect(still.errors).toBeUndefined();
    expect(idsOf(still)).toEqual(expect.arrayContaining([...DEMO.clients.majakkaActive]));
  });

  it('a token admin-b issues to majakka reaches no region client, only region-b\'s commissions', async () => {
    const issued = await issue(ADMIN_B, ['clients:read', 'services:read', 'documents:read', 'documents:write']);
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, issued.apiToken.id));
    expect(row).toMatchObject({ organisationId: MAJAKKA, issuerOrganisationId: REGION_B });

    // Majakka has active commissions from the region: none of them is reachable with region-b's token.
    const none = await t.execute<List>({ token: issued.token, query: LIST });
    expect(none.errors).toBeUndefined();
    expect(none.data!.clients).toEqual({ totalCount: 0, nodes: [] });
    for (const id of [...DEMO.clients.majakkaActive]) {
      const one = await t.execute<{ client: unknown }>({ token: issued.token, query: BY_ID, variables: { id } });
      expect(one.data).toEqual({ client: null });
    }
    const report = await t.execute({
      token: issued.token,
      query: RECORD_REPORT,
      variables: { input: { clientId: DEMO.clients.majakkaActive[0], unitId: UNITS.child, type: 'REPORT', title: 'Raportti', body: 'Väärän alueen token.' } },
    });
    expect(codesOf(report)).toEqual(['NOT_FOUND']);

    // A region-b commission to majakka: region-b's token reaches that client, and nothing of the region.
    const [commission] = await db()
      .insert(commissions)
      .values({ clientId: REGION_B_CLIENT, commissionerUnitId: UNITS.b, partnerOrganisationId: MAJAKKA, kind: 'PLACEMENT', startsOn: daysAgo(5) })
      .returning();
    try {
      const regionB = await t.execute<List>({ token: issued.token, query: LIST });
      expect(regionB.errors).toBeUndefined();
      expect(regionB.data!.clients).toEqual({ totalCount: 1, nodes: [{ id: REGION_B_CLIENT }] });
      const one = await t.execute<{ client: unknown }>({ token: issued.token, query: BY_ID, variables: { id: REGION_B_CLIENT } });
      expect(one.data).toEqual({ client: { id: REGION_B_CLIENT } });

      // And the region's token does not reach region-b's commission.
      const regions = await t.execute<List>({ token: DEMO_PARTNER_TOKEN, query: LIST });
      expect(idsOf(regions)).not.toContain(REGION_B_CLIENT);
      expect(idsOf(regions)).toEqual(expect.arrayContaining([...DEMO.clients.majakkaActive]));
      const notRegions = await t.execute<{ client: unknown }>({ token: DEMO_PARTNER_TOKEN, query: BY_ID, variables: { id: REGION_B_CLIENT } });
      expect(notRegions.data).toEqual({ client: null });
    } finally {
      await db().delete(commissions).where(eq(commissions.id, commission!.id));
    }
  });

  it('each registrar manages its own region\'s tokens, and only those', async () => {
    // The region's admin: lists and manages its own tokens (the demo token and a new one).
    const regionToken = await issue('admin', ['clients:read']);
    const [regionRow] = await db().select().from(apiTokens).where(eq(apiTokens.id, regionToken.apiToken.id));
    expect(regionRow!.issuerOrganisationId).toBe(REGION);
    const adminList = await t.execute<Tokens>({ as: 'admin', query: TOKENS, variables: { org: null } });
    expect(adminList.data!.apiTokens.map((x) => x.id)).toEqual(expect.arrayContaining([DEMO_PARTNER_TOKEN_ID, regionToken.apiToken.id]));
    const rotated = await t.execute<{ rotateApiToken: { token: string; apiToken: { id: string } } }>({
      as: 'admin',
      query: ROTATE,
      variables: { id: regionToken.apiToken.id, h: 0 },
    });
    expect(rotated.errors).toBeUndefined();
    const successor = rotated.data!.rotateApiToken;
    expect((await t.execute({ token: successor.token, query: LIST })).status).toBe(200);
    const revoked = await t.execute({ as: 'admin', query: REVOKE, variables: { id: successor.apiToken.id } });
    expect(revoked.errors).toBeUndefined();
    expect((await t.execute({ token: successor.token, query: LIST })).status).toBe(401);

    // Region-b's token: its own registrar manages it; the region's admin gets NOT_FOUND and does not list it.
    const bToken = await issue(ADMIN_B, ['clients:read']);
    const bList = await t.execute<Tokens>({ as: ADMIN_B, query: TOKENS, variables: { org: null } });
    expect(bList.data!.apiTokens.map((x) => x.id)).toContain(bToken.apiToken.id);
    expect(bList.data!.apiTokens.map((x) => x.id)).not.toContain(regionToken.apiToken.id);
    const adminListAgain = await t.execute<Tokens>({ as: 'admin', query: TOKENS, variables: { org: null } });
    expect(adminListAgain.data!.apiTokens.map((x) => x.id)).not.toContain(bToken.apiToken.id);
    expect(codesOf(await t.execute({ as: 'admin', query: REVOKE, variables: { id: bToken.apiToken.id } }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await t.execute({ as: 'admin', query: ROTATE, variables: { id: bToken.apiToken.id, h: 0 } }))).toEqual(['NOT_FOUND']);
    expect((await t.execute({ token: bToken.token, query: LIST })).status).toBe(200);
    const ownRevoke = await t.execute({ as: ADMIN_B, query: REVOKE, variables: { id: bToken.apiToken.id } });
    expect(ownRevoke.errors).toBeUndefined();
    expect((await t.execute({ token: bToken.token, query: LIST })).status).toBe(401);
  });

  it('a token without an issuing region (issuer_organisation_id NULL) reaches nothing', async () => {
    const { token, lookup, secretHash } = generateApiToken();
    await db()
      .insert(apiTokens)
      .values({
        organisationId: MAJAKKA,
        issuerOrganisationId: null,
        name: 'legacy token without issuer',
        tokenPrefix: lookup,
        secretHash,
        scopes: ['clients:read', 'services:read', 'documents:read', 'documents:write'],
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      });
    // The token reads nothing at all, so the list (sorted by name) is refused outright: no client either way.
    const list = await t.execute<List>({ token, query: LIST });
    expect(list.status).toBe(200);
    expect(list.data?.clients ?? { totalCount: 0, nodes: [] }).toEqual({ totalCount: 0, nodes: [] });
    expect(codesOf(list).filter((c) => c !== 'FORBIDDEN')).toEqual([]);
    const ids = await t.execute<{ clients: { nodes: { id: string }[] } | null }>({ token, query: `{ clients(first: 100) { nodes { id } } }` });
    expect(ids.data?.clients?.nodes ?? []).toEqual([]);
    for (const id of [...DEMO.clients.majakkaActive]) {
      const one = await t.execute<{ client: unknown }>({ token, query: BY_ID, variables: { id } });
      expect(one.data).toEqual({ client: null });
    }
    const report = await t.execute({
      token,
      query: RECORD_REPORT,
      variables: { input: { clientId: DEMO.clients.majakkaActive[0], unitId: UNITS.child, type: 'REPORT', title: 'Raportti', body: 'Token ilman myöntäjää.' } },
    });
    expect(codesOf(report)).toEqual(['NOT_FOUND']);
  });
});

// ------------------------------------------------------------------------------------------------
// 2. openRelationship for a client seen only through another grant
// ------------------------------------------------------------------------------------------------

describe('2. openRelationship for a client seen only through another grant', () => {
  it('sw-adult-student cannot open an adult-services relationship for a client she sees only as a child-welfare trainee', async () => {
    const client = DEMO.clients.childWelfareOpen;
    const CODE = `query ($id: ID!) { client(id: $id) { id personalIdentityCode } }`;
    // She sees the client, but only as a trainee: no identity code.
    const before = await t.execute<{ client: { id: string; personalIdentityCode: string | null } | null }>({ as: 'sw-adult-student', query: CODE, variables: { id: client } });
    expect(before.data?.client).toEqual({ id: client, personalIdentityCode: null });
    expect(codesOf(before)).toEqual(['FORBIDDEN']);

    const relationshipsBefore = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client));
    const writesBefore = await allowedWriteEntries();
    const result = await t.execute({
      as: 'sw-adult-student',
      query: OPEN_RELATIONSHIP,
      variables: { input: { clientId: client, unitId: UNITS.adult, startedOn: today() } },
    });
    // README: "a client … you see only through another grant … answers NOT_FOUND"; this build answers
    // FORBIDDEN (she does see the client, as a trainee). Either way: exactly one refusal, no data.
    expect(codesOf(result)).toHaveLength(1);
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain(codesOf(result)[0]);
    expect(result.data ?? null).toBeNull();

    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client))).toEqual(relationshipsBefore);
    expect(await allowedWriteEntries()).toBe(writesBefore);
    const log = await logOf(result);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ')).toEqual([]);
    expect(log.filter((e) => e.outcome === 'DENIED').map((e) => e.clientId)).toContain(client);

    // Still a trainee's view afterwards: the identity code stays unreadable.
    const after = await t.execute<{ client: { id: string; personalIdentityCode: string | null } | null }>({ as: 'sw-adult-student', query: CODE, variables: { id: client } });
    expect(after.data?.client).toEqual({ id: client, personalIdentityCode: null });
    expect(codesOf(after)).toEqual(['FORBIDDEN']);
  });
});

// ------------------------------------------------------------------------------------------------
// 3. endRelationship date bounds
// ------------------------------------------------------------------------------------------------

describe('3. endRelationship takes today or a date at most 31 days back', () => {
  type Ended = { endRelationship: { id: string; endedOn: string } | null };
  const end = (id: string, endedOn: string) => t.execute<Ended>({ as: 'sw-child', query: END_RELATIONSHIP, variables: { id, endedOn } });

  it('refuses a future end date and one more than 31 days back with BAD_USER_INPUT (endedOn); today works and the client stays visible', async () => {
    // Started long ago, so that an old end date is past the start (only the backdating rule can refuse it).
    const { clientId, relationshipId } = await newChildWelfareClient(daysAgo(800));
    const writesBefore = await allowedWriteEntries();

    for (const endedOn of [finnishDaysAgo(-1), finnishDaysAgo(-400), finnishDaysAgo(32), finnishDaysAgo(400)]) {
      const refused = await end(relationshipId, endedOn);
      expect({ endedOn, codes: codesOf(refused) }).toEqual({ endedOn, codes: ['BAD_USER_INPUT'] });
      expect(errorOf(refused)?.extensions?.['field']).toBe('endedOn');
      const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, relationshipId));
      expect(row!.endedOn).toBeNull();
    }
    expect(await allowedWriteEntries()).toBe(writesBefore);

    const ended = await end(relationshipId, todayInFinland());
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endRelationship).toEqual({ id: relationshipId, endedOn: todayInFinland() });
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, relationshipId));
    expect(row!.endedOn).toBe(todayInFinland());

    const visible = await t.execute<{ client: { id: string } | null }>({ as: 'sw-child', query: BY_ID, variables: { id: clientId } });
    expect(visible.data?.client).toEqual({ id: clientId });
  });

  it('accepts an end date exactly 31 days back', async () => {
    const { relationshipId } = await newChildWelfareClient(daysAgo(100));
    const ended = await end(relationshipId, finnishDaysAgo(31));
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endRelationship?.endedOn).toBe(finnishDaysAgo(31));
  });
});

// ------------------------------------------------------------------------------------------------
// 4. Intake of an archived person
// ------------------------------------------------------------------------------------------------

describe('4. intake of a person whose records are in the archive', () => {
  it('sw-child\'s createClient with an archived person\'s code: CONFLICT (ARCHIVED), nothing written, DENIED with the client, archive stays hidden', async () => {
    const archived = DEMO.clients.childWelfareArchived;
    const [clientBefore] = await db().select().from(clients).where(eq(clients.id, archived));
    const relationshipsBefore = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, archived));
    const writesBefore = await allowedWriteEntries();

    const result = await createClient('sw-child', {
      firstName: 'Arkistoitu',
      lastName: 'Henkilö',
      personalIdentityCode: clientBefore!.personalIdentityCode!.toLowerCase(),
      unitId: UNITS.child,
    });
    expect(codesOf(result)).toEqual(['CONFLICT']);
    expect(errorOf(result)?.extensions?.['reason']).toBe('ARCHIVED');
    expect(result.data ?? null).toBeNull();
    // Nothing of the archived person in the answer.
    expect(JSON.stringify(result)).not.toContain(archived);

    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, archived))).toEqual(relationshipsBefore);
    expect((await db().select().from(clients).where(eq(clients.id, archived)))[0]).toEqual(clientBefore);
    expect(await db().select().from(clients).where(eq(clients.lastName, 'Henkilö'))).toEqual([]);
    expect(await allowedWriteEntries()).toBe(writesBefore);

    const log = await logOf(result);
    expect(log.filter((e) => e.outcome === 'DENIED')).toEqual([
      expect.objectContaining({ clientId: archived, entityId: archived, entityType: 'Client', action: 'CREATE', actorId: DEMO.users['sw-child'].id }),
    ]);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ')).toEqual([]);

    // The archive stays the registrar's: sw-child still sees nothing of the person or their documents.
    const page = await t.execute<{ client: unknown }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { id documents { id } } }`,
      variables: { id: archived },
    });
    expect(page.data).toEqual({ client: null });
    const byCode = await t.execute<{ clientByPersonalIdentityCode: unknown }>({
      as: 'sw-child',
      query: `query ($code: String!) { clientByPersonalIdentityCode(code: $code) { id } }`,
      variables: { code: clientBefore!.personalIdentityCode },
    });
    expect(byCode.data).toEqual({ clientByPersonalIdentityCode: null });
  });
});

// ------------------------------------------------------------------------------------------------
// 5. A rolled-back write leaves no CREATE/UPDATE entry; dates before 1800
// ------------------------------------------------------------------------------------------------

describe("4b. intake does not reopen a unit's own archived records (attack review, session 10)", () => {
  const OPEN_RELATIONSHIP = `mutation ($input: OpenRelationshipInput!) { openRelationship(input: $input) { id startedOn } }`;

  it("mgr-family-sw-child takes on, in child welfare, a family client whose child-welfare relationship is archived: CONFLICT (ARCHIVED), DENIED, nothing opened", async () => {
    const code = makePersonalIdentityCode(new Date('2012-05-05'), 971);
    const [client] = await db().insert(clients).values({ organisationId: REGION, firstName: 'Arkistossa', lastName: 'Yksikössä', personalIdentityCode: code }).returning();
    await db().insert(clientRelationships).values([
      { clientId: client!.id, unitId: UNITS.child, serviceTask: 'CHILD_WELFARE', startedOn: '2020-01-01', endedOn: daysAgo(800) },
      { clientId: client!.id, unitId: UNITS.family, serviceTask: 'FAMILY_SERVICES', startedOn: '2023-01-01' },
    ]);
    const before = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client!.id));
    for (const as of ['mgr-family-sw-child', 'sw-child']) {
      const result = await createClient(as, { firstName: 'Arkistossa', lastName: 'Yksikössä', personalIdentityCode: code, unitId: UNITS.child });
      expect({ as, codes: codesOf(result), reason: errorOf(result)?.extensions?.['reason'] }).toEqual({ as, codes: ['CONFLICT'], reason: 'ARCHIVED' });
      expect((await logOf(result)).filter((e) => e.outcome === 'DENIED').map((e) => [e.entityType, e.clientId, e.action])).toEqual([['Client', client!.id, 'CREATE']]);
    }
    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client!.id))).toEqual(before);
    // Intake into a unit the person never had stays open: adult services has no archive of them.
    const adult = await createClient('sw-adult', { firstName: 'Arkistossa', lastName: 'Yksikössä', personalIdentityCode: code, unitId: UNITS.adult });
    expect(adult.errors).toBeUndefined();
  });

  it('two openings of the same unit at once: one opens, the other is CONFLICT (ALREADY_OPEN) — they take turns on the client', async () => {
    const [client] = await db().insert(clients).values({ organisationId: REGION, firstName: 'Kilpa', lastName: 'Avaus' }).returning();
    await db().insert(clientRelationships).values({ clientId: client!.id, unitId: UNITS.child, serviceTask: 'CHILD_WELFARE', startedOn: '2024-01-01', endedOn: daysAgo(20) });
    const open = () => t.execute({ as: 'sw-child', query: OPEN_RELATIONSHIP, variables: { input: { clientId: client!.id, unitId: UNITS.child } } });
    const results = await Promise.all([open(), open(), open()]);
    expect(results.map((r) => codesOf(r).join() || 'OK').sort()).toEqual(['CONFLICT', 'CONFLICT', 'OK']);
    const rows = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client!.id));
    expect(rows.filter((r) => r.endedOn === null)).toHaveLength(1);
  });

  it('openRelationship: a start in the future is BAD_USER_INPUT, a second open relationship of the unit CONFLICT; nothing written', async () => {
    const client = DEMO.clients.childWelfareRecentlyEnded;
    const before = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client));
    const future = await t.execute({ as: 'sw-child', query: OPEN_RELATIONSHIP, variables: { input: { clientId: client, unitId: UNITS.child, startedOn: '2999-12-31' } } });
    expect(codesOf(future)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(future)?.extensions?.['field']).toBe('input.startedOn');
    const intake = await createClient('sw-child', { firstName: 'X', lastName: 'Y', unitId: UNITS.child, startedOn: '2999-12-31' });
    expect(codesOf(intake)).toEqual(['BAD_USER_INPUT']);
    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client))).toEqual(before);

    const open = DEMO.clients.childWelfareOpen;
    const openBefore = await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, open));
    const second = await t.execute({ as: 'sw-child', query: OPEN_RELATIONSHIP, variables: { input: { clientId: open, unitId: UNITS.child } } });
    expect({ codes: codesOf(second), reason: errorOf(second)?.extensions?.['reason'] }).toEqual({ codes: ['CONFLICT'], reason: 'ALREADY_OPEN' });
    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, open))).toEqual(openBefore);
  });
});

describe('5. a rolled-back write leaves no change entry', () => {
  it('kit: audited() drops a staged change when the work throws, but keeps a refusal recorded with w.deny', async () => {
    const batches: AuditEntryInput[][] = [];
    const sink: AuditSink = {
      async write(batch) {
        batches.push(batch);
      },
    };
    const actor: Actor = {
      kind: 'USER',
      id: DEMO.users['sw-child'].id,
      login: 'sw-child',
      organisationId: REGION,
      grants: [],
      scopes: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      intent: 'VIEW',
      requestId: 'review-regression-5',
      operationName: 'RolledBack',
      callerAddress: null,
    };
    const recorder = new AuditRecorder(actor, 'clients', sink);
    const ctx = { actor, audit: recorder, db: db(), ability: null, grants: null, loaders: {} } as unknown as RequestContext<unknown>;
    const changed: AuditTarget = { entityType: 'Client', entityId: UNKNOWN_ID, clientId: UNKNOWN_ID, unitId: UNITS.child, role: 'SOCIAL_WORKER' };
    const refused: AuditTarget = { entityType: 'Client', entityId: DEMO.clients.adultOnly, clientId: DEMO.clients.adultOnly, unitId: UNITS.child };

    await expect(
      audited(ctx, async (w) => {
        w.change(changed, ['firstName', 'lastName'], 'CREATE');
        w.deny('create', refused, 'refused in the test');
        throw new Error('the insert failed after the change was staged');
      }),
    ).rejects.toThrow('the insert failed after the change was staged');
    // What the audit plugin does before the response leaves: flush what is still pending.
    await recorder.flush();
    const written = batches.flat();
    expect(written.filter((e) => e.outcome === 'ALLOWED')).toEqual([]);
    expect(written.filter((e) => e.action === 'CREATE' && e.entityId === UNKNOWN_ID)).toEqual([]);
    expect(written).toEqual([expect.objectContaining({ outcome: 'DENIED', action: 'CREATE', clientId: DEMO.clients.adultOnly, reason: 'refused in the test' })]);

    // Control: the same change in work that succeeds is written (in the transaction).
    batches.length = 0;
    await audited(ctx, async (w) => {
      w.change(changed, ['firstName'], 'CREATE');
      return null;
    });
    expect(batches.flat()).toEqual([expect.objectContaining({ outcome: 'ALLOWED', action: 'CREATE', entityId: UNKNOWN_ID, fields: ['firstName'] })]);
  });

  it('gateway: createClient whose relationship insert the database refuses after the client row was written leaves no client and no CREATE entry', async () => {
    // A test-only constraint makes the second insert of createClient fail inside the transaction, after
    // the client's CREATE has been staged (valid input by every rule of the API).
    const refusedDay = '1801-02-03';
    await db().execute(sql.raw(`ALTER TABLE clients.client_relationships ADD CONSTRAINT review_regression_refuse CHECK (started_on <> DATE '${refusedDay}')`));
    let result: ExecuteResult<Created>;
    const hetu = await freshHetu();
    const writesBefore = await allowedWriteEntries();
    const clientsBefore = await db().select({ n: count() }).from(clients);
    // The subgraph logs the refused insert as an unexpected error: expected here.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      result = await createClient('sw-child', { firstName: 'Peruttu', lastName: 'Kirjoitus', personalIdentityCode: hetu, unitId: UNITS.child, startedOn: refusedDay });
    } finally {
      quiet.mockRestore();
      await db().execute(sql.raw(`ALTER TABLE clients.client_relationships DROP CONSTRAINT review_regression_refuse`));
    }
    expect(codesOf(result)).toHaveLength(1);
    expect(result.data ?? null).toBeNull();
    expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toEqual([]);
    expect(await db().select({ n: count() }).from(clients)).toEqual(clientsBefore);
    const log = await logOf(result);
    expect(log.filter((e) => e.action === 'CREATE' || e.action === 'UPDATE').filter((e) => e.outcome === 'ALLOWED')).toEqual([]);
    expect(await allowedWriteEntries()).toBe(writesBefore);
    // No entry names a client id that does not exist.
    const named = log.map((e) => e.clientId).filter((id): id is string => id !== null);
    if (named.length > 0) expect(await db().select({ id: clients.id }).from(clients).where(inArray(clients.id, named))).toHaveLength(new Set(named).size);

    // The same intake on an ordinary day goes through: the constraint, not the input, refused it.
    const retry = await createClient('sw-child', { firstName: 'Peruttu', lastName: 'Kirjoitus', personalIdentityCode: hetu, unitId: UNITS.child, startedOn: '1802-02-03' });
    expect(retry.errors).toBeUndefined();
  });
});

describe('5. dates before 1800 are input errors naming the field, not internal errors', () => {
  it('createClient(startedOn, dateOfBirth), endRelationship(endedOn) and auditEntries(filter.from / to)', async () => {
    const writesBefore = await allowedWriteEntries();
    for (const [field, value] of [
      ['startedOn', '0000-01-01'],
      ['startedOn', '1799-12-31'],
      ['dateOfBirth', '0000-01-01'],
    ] as const) {
      const hetu = await freshHetu();
      const result = await createClient('sw-child', { firstName: 'Muinainen', lastName: 'Päivä', personalIdentityCode: hetu, unitId: UNITS.child, [field]: value });
      expect({ value, codes: codesOf(result) }).toEqual({ value, codes: ['BAD_USER_INPUT'] });
      expect(errorOf(result)?.extensions?.['field']).toBe(`input.${field}`);
      expect(await db().select().from(clients).where(eq(clients.personalIdentityCode, hetu))).toEqual([]);
    }

    const { relationshipId } = await newChildWelfareClient(daysAgo(10));
    const writesAfterCreate = await allowedWriteEntries();
    expect(writesAfterCreate).toBeGreaterThan(writesBefore);
    const end = await t.execute({ as: 'sw-child', query: END_RELATIONSHIP, variables: { id: relationshipId, endedOn: '0000-01-01' } });
    expect(codesOf(end)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(end)?.extensions?.['field']).toBe('endedOn');

    const open = await t.execute({ as: 'sw-child', query: OPEN_RELATIONSHIP, variables: { input: { clientId: DEMO.clients.childWelfareOpen, unitId: UNITS.child, startedOn: '0000-01-01' } } });
    expect(codesOf(open)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(open)?.extensions?.['field']).toBe('input.startedOn');
    expect(await allowedWriteEntries()).toBe(writesAfterCreate);

    const AUDIT = `query ($f: AuditFilter) { auditEntries(filter: $f, first: 5) { totalCount } }`;
    for (const [key, value] of [
      ['from', '0000-01-01T00:00:00Z'],
      ['to', '0000-01-01T00:00:00Z'],
      ['from', '1799-12-31T23:59:59Z'],
    ] as const) {
      const result = await t.execute({ as: 'dpo', query: AUDIT, variables: { f: { [key]: value } } });
      expect({ value, codes: codesOf(result) }).toEqual({ value, codes: ['BAD_USER_INPUT'] });
      expect(errorOf(result)?.extensions?.['field']).toBe(`filter.${key}`);
    }
    // 1800 itself is a date the register takes.
    const ok = await t.execute<{ auditEntries: { totalCount: number } }>({ as: 'dpo', query: AUDIT, variables: { f: { from: '1800-01-01T00:00:00Z' } } });
    expect(ok.errors).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------
// 6. Cross-organisation writes
// ------------------------------------------------------------------------------------------------

describe('6. sw-b writing to a region client', () => {
  it('updateClient answers NOT_FOUND with exactly the unknown-id message, and no access-log entry of any organisation names the client', async () => {
    const target = DEMO.clients.adultOnly;
    const [before] = await db().select().from(clients).where(eq(clients.id, target));
    const namingBefore = await entriesNaming(target);

    const hidden = await t.execute({ as: 'sw-b', query: UPDATE_CLIENT, variables: { id: target, version: before!.version, input: { municipality: 'Nokia' } } });
    const unknown = await t.execute({ as: 'sw-b', query: UPDATE_CLIENT, variables: { id: UNKNOWN_ID, version: before!.version, input: { municipality: 'Nokia' } } });
    expect(codesOf(hidden)).toEqual(['NOT_FOUND']);
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    expect(errorOf(hidden)!.message.replace(target, '<id>')).toBe(errorOf(unknown)!.message.replace(UNKNOWN_ID, '<id>'));
    expect(hidden.data ?? null).toEqual(unknown.data ?? null);

    const log = await logOf(hidden);
    expect(JSON.stringify(log)).not.toContain(target);
    expect(await entriesNaming(target)).toBe(namingBefore);
    expect((await db().select().from(clients).where(eq(clients.id, target)))[0]).toEqual(before);
  });

  it('nor do endRelationship and openRelationship of a region client name it in any log', async () => {
    const target = DEMO.clients.childAndFamily;
    const namingBefore = await entriesNaming(target);
    const end = await t.execute({ as: 'sw-b', query: END_RELATIONSHIP, variables: { id: DEMO.relationships.childAndFamilyChildWelfare, endedOn: today() } });
    const endUnknown = await t.execute({ as: 'sw-b', query: END_RELATIONSHIP, variables: { id: UNKNOWN_ID, endedOn: today() } });
    expect(codesOf(end)).toEqual(['NOT_FOUND']);
    expect(errorOf(end)!.message.replace(DEMO.relationships.childAndFamilyChildWelfare, '<id>')).toBe(errorOf(endUnknown)!.message.replace(UNKNOWN_ID, '<id>'));
    const open = await t.execute({ as: 'sw-b', query: OPEN_RELATIONSHIP, variables: { input: { clientId: target, unitId: UNITS.b } } });
    expect(codesOf(open)).toEqual(['NOT_FOUND']);
    for (const result of [end, open]) {
      const log = await logOf(result);
      expect(JSON.stringify(log)).not.toContain(target);
      expect(JSON.stringify(log)).not.toContain(DEMO.relationships.childAndFamilyChildWelfare);
    }
    expect(await entriesNaming(target)).toBe(namingBefore);
    const [row] = await db().select().from(clientRelationships).where(eq(clientRelationships.id, DEMO.relationships.childAndFamilyChildWelfare));
    expect(row!.endedOn).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------
// 7. A refused identity-code filter
// ------------------------------------------------------------------------------------------------

describe('7. a refused identity-code filter is logged with the client, in its own organisation only', () => {
  const COUNTED = `query ($filter: ClientFilter) { clients(filter: $filter, first: 10) { totalCount nodes { id } } }`;
  type Counted = { clients: { totalCount: number; nodes: { id: string }[] } };

  it('sw-adult filtering by a child-welfare client\'s code: empty, with a DENIED entry naming that client', async () => {
    const result = await t.execute<Counted>({ as: 'sw-adult', query: COUNTED, variables: { filter: { personalIdentityCode: await codeOf(DEMO.clients.childWelfareOpen) } } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.clients).toEqual({ totalCount: 0, nodes: [] });
    const denied = (await logOf(result)).filter((e) => e.outcome === 'DENIED');
    expect(denied).toEqual([
      expect.objectContaining({ clientId: DEMO.clients.childWelfareOpen, actorId: DEMO.users['sw-adult'].id, organisationId: REGION, fields: ['personalIdentityCode'] }),
    ]);
  });

  it('sw-adult filtering by a region-b client\'s code: empty, and no entry names that client', async () => {
    const target = DEMO.regionB.open;
    const code = await codeOf(target);
    // Only region-b has this code: the filter must answer as for an unknown code.
    expect(await db().select({ id: clients.id }).from(clients).where(eq(clients.personalIdentityCode, code))).toEqual([{ id: target }]);
    const namingBefore = await entriesNaming(target);
    const result = await t.execute<Counted>({ as: 'sw-adult', query: COUNTED, variables: { filter: { personalIdentityCode: code } } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.clients).toEqual({ totalCount: 0, nodes: [] });
    const log = await logOf(result);
    expect(JSON.stringify(log)).not.toContain(target);
    expect(log.filter((e) => e.clientId !== null)).toEqual([]);
    expect(await entriesNaming(target)).toBe(namingBefore);
  });
});

// ------------------------------------------------------------------------------------------------
// 8. The role of a DENIED entry
// ------------------------------------------------------------------------------------------------

describe('8. a refusal in a unit where the actor holds no grant names no role', () => {
  it('sw-adult\'s refused endPlacement of a child-welfare placement: NOT_FOUND, DENIED with actorRole NULL', async () => {
    const placementId = DEMO.placements.childWelfareOpen;
    const [before] = await db().select().from(placements).where(eq(placements.id, placementId));
    expect(before).toMatchObject({ unitId: UNITS.child, clientId: DEMO.clients.childWelfareOpen });
    expect(DEMO.users['sw-adult'].grants).toHaveLength(1);

    const result = await t.execute({
      as: 'sw-adult',
      query: `mutation ($id: ID!, $endsOn: Date!) { endPlacement(id: $id, endsOn: $endsOn) { id endsOn } }`,
      variables: { id: placementId, endsOn: today() },
    });
    expect(codesOf(result)).toEqual(['NOT_FOUND']);
    const denied = (await logOf(result)).filter((e) => e.outcome === 'DENIED');
    expect(denied).toEqual([
      expect.objectContaining({
        entityType: 'Placement',
        entityId: placementId,
        clientId: DEMO.clients.childWelfareOpen,
        unitId: UNITS.child,
        actorId: DEMO.users['sw-adult'].id,
        actorRole: null,
      }),
    ]);
    expect((await db().select().from(placements).where(eq(placements.id, placementId)))[0]).toEqual(before);
  });
});
