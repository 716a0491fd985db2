/**
 * Access administration (issue 11, item 4): users, grants, use and confidentiality commitments and
 * units, through the gateway, as every persona; commitment gating in the gateway; revocation within
 * the grant cache time; history of corrections; and the bootstrap of an empty deployment with the
 * `npm run users` CLI and then only the API.
 *
 * The expectations are written from the rules of the brief / DESIGN.md §4 and seed 003 (supervisors
 * grant and remove rights), not derived from the policy module:
 * - REGISTRAR: everything in its own organisation;
 * - a unit's MANAGER: grants and revokes SOCIAL_WORKER and STUDENT grants in its own unit, records the
 *   commitment of users holding a grant there, lists those users; nothing else;
 * - nobody administers another organisation (its rows are unknown ids: NOT_FOUND), nobody grants
 *   themselves anything (FORBIDDEN, logged);
 * - everyone else (SOCIAL_WORKER, STUDENT, BILLING, AUDITOR, PARTNER): FORBIDDEN, logged DENIED.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Database, DEMO_PARTNER_TOKEN, entries, grants, revisions, units, userCommitments, users } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, generateDevKeys } from '@vartija/gateway';
import { signDevToken, startStack } from '@vartija/tools';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import request from 'supertest';
import { runUsersCommand } from '../../tools/src/cli/users-cli';
import { createTestDatabase } from '../testkit/database';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

const GRANT_CACHE_MS = 300;
const afterCache = () => new Promise((resolve) => setTimeout(resolve, GRANT_CACHE_MS + 150));

let t: TestStack;
/** The real chained sink, with a switch to make the log write fail on demand. */
const auditLog = new SwitchableAuditSink(() => t.database);

beforeAll(async () => {
  t = await startTestStack({
    grantCacheMs: GRANT_CACHE_MS,
    auditSink: auditLog,
  });
}, 120_000);
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Personas and the rules, written out
// ---------------------------------------------------------------------------------------------

type Org = 'region' | 'region-b' | 'majakka';
type UnitCode = 'child-welfare' | 'family-services' | 'b-child-welfare';
const ORG_OF_UNIT: Record<UnitCode, Org> = { 'child-welfare': 'region', 'family-services': 'region', 'b-child-welfare': 'region-b' };
const orgId = (org: Org) => DEMO.organisations[org].id;
const unitId = (code: UnitCode) => DEMO.units[code].id;

interface PersonaInfo {
  login: ActiveLogin;
  org: Org;
  actorId: string;
  /** Valid grants now: role and unit code (null = organisation-wide). */
  grants: { role: string; unit: string | null }[];
}

const PERSONA: Record<ActiveLogin, PersonaInfo> = Object.fromEntries(
  ACTIVE_LOGINS.map((login): [ActiveLogin, PersonaInfo] => {
    if (login === 'majakka') return [login, { login, org: 'majakka', actorId: '', grants: [] }];
    const user = DEMO.users[login];
    const valid = user.grants.filter((g) => g.validFromDays <= 0 && (g.validUntilDays === null || g.validUntilDays > 0));
    return [login, { login, org: user.organisation, actorId: user.id, grants: valid.map((g) => ({ role: g.role, unit: g.unit })) }];
  }),
) as Record<ActiveLogin, PersonaInfo>;

const isRegistrarOf = (p: PersonaInfo, org: Org) => p.org === org && p.grants.some((g) => g.role === 'REGISTRAR');
const isManagerOf = (p: PersonaInfo, unit: UnitCode) => p.grants.some((g) => g.role === 'MANAGER' && g.unit === unit);

type Expected = { code: 'OK'; role: string } | { code: 'FORBIDDEN' | 'NOT_FOUND' };

/** Grant / revoke a SOCIAL_WORKER grant, record a commitment: REGISTRAR of the organisation or MANAGER of the unit. */
function expectUnitAdministration(p: PersonaInfo, unit: UnitCode): Expected {
  if (p.org !== ORG_OF_UNIT[unit]) return { code: 'NOT_FOUND' };
  if (isManagerOf(p, unit)) return { code: 'OK', role: 'MANAGER' };
  if (isRegistrarOf(p, ORG_OF_UNIT[unit])) return { code: 'OK', role: 'REGISTRAR' };
  return { code: 'FORBIDDEN' };
}

/** Users' data and units: REGISTRAR of the organisation only. */
function expectRegistrarOnly(p: PersonaInfo, org: Org): Expected {
  if (p.org !== org) return { code: 'NOT_FOUND' };
  return isRegistrarOf(p, org) ? { code: 'OK', role: 'REGISTRAR' } : { code: 'FORBIDDEN' };
}

// ---------------------------------------------------------------------------------------------
// Fixtures (rows made directly: they are the targets, not what is tested)
// ---------------------------------------------------------------------------------------------

let serial = 0;
async function fixtureUser(org: Org, options: { grantIn?: UnitCode; commitment?: boolean } = {}) {
  serial += 1;
  const db = t.database.db;
  const [user] = await db
    .insert(users)
    .values({ login: `fx-${serial}-${randomUUID().slice(0, 6)}`, displayName: `Fixture ${serial}`, organisationId: orgId(org) })
    .returning();
  let grantId: string | null = null;
  if (options.grantIn) {
    const [grant] = await db
      .insert(grants)
      .values({ userId: user!.id, role: 'SOCIAL_WORKER', organisationId: orgId(org), unitId: unitId(options.grantIn), validFrom: new Date(Date.now() - 86_400_000) })
      .returning();
    grantId = grant!.id;
  }
  if (options.commitment ?? true) await db.insert(userCommitments).values({ userId: user!.id, signedOn: '2020-01-01' });
  return { ...user!, grantId };
}

async function lastSeq(): Promise<number> {
  const [row] = await t.database.db.select({ seq: sql<number>`coalesce(max(${entries.seq}), 0)::int` }).from(entries);
  return Number(row?.seq ?? 0);
}

async function entriesSince(seq: number) {
  return t.database.db.select().from(entries).where(gt(entries.seq, seq));
}

const tokenOf = (login: ActiveLogin) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });

async function run(login: ActiveLogin, query: string, variables: Record<string, unknown>) {
  return t.execute({ query, variables, ...tokenOf(login) });
}

/** Checks the answer, the log (one CREATE/UPDATE under the allowing role, or a DENIED) and returns whether it was allowed. */
async function expectOutcome(
  login: ActiveLogin,
  expected: Expected,
  entityType: string,
  action: 'CREATE' | 'UPDATE',
  call: () => Promise<{ errors?: readonly GraphQLFormattedError[] | undefined }>,
) {
  const before = await lastSeq();
  const result = await call();
  const logged = (await entriesSince(before)).filter((e) => e.entityType === entityType);
  if (expected.code === 'OK') {
    expect({ login, codes: codesOf(result) }).toEqual({ login, codes: [] });
    const changes = logged.filter((e) => e.action === action && e.outcome === 'ALLOWED');
    expect(changes).toHaveLength(1);
    expect({ login, role: changes[0]!.actorRole, kind: changes[0]!.actorKind, actor: changes[0]!.actorId, clientId: changes[0]!.clientId }).toEqual({
      login,
      role: expected.role,
      kind: 'USER',
      actor: PERSONA[login].actorId,
      clientId: null,
    });
  } else {
    expect({ login, codes: codesOf(result) }).toEqual({ login, codes: [expected.code] });
    expect(logged.filter((e) => e.outcome === 'ALLOWED' && e.action === action)).toHaveLength(0);
    if (expected.code === 'FORBIDDEN') expect(logged.filter((e) => e.outcome === 'DENIED').length).toBeGreaterThan(0);
  }
  return expected.code === 'OK';
}

const GRANT_ROLE = `mutation G($userId: ID!, $role: Role!, $unitId: ID, $validUntil: DateTime) {
  grantRole(userId: $userId, role: $role, unitId: $unitId, validUntil: $validUntil) { id role userId unit { id } revokedAt }
}`;
const REVOKE = `mutation R($id: ID!) { revokeGrant(id: $id) { id revokedAt } }`;
const COMMIT = `mutation C($userId: ID!, $signedOn: Date!, $ref: String) { recordUserCommitment(userId: $userId, signedOn: $signedOn, documentReference: $ref) { id signedOn documentReference } }`;
const UPDATE_USER = `mutation U($id: ID!, $version: Int!, $input: UpdateUserInput!, $reason: String!) {
  updateUser(id: $id, version: $version, input: $input, reason: $reason) { id displayName externalSubject active version }
}`;
const CREATE_USER = `mutation CU($input: CreateUserInput!) { createUser(input: $input) { id login displayName organisation { id } hasCommitment grants { id } } }`;
const CREATE_UNIT = `mutation CN($input: CreateUnitInput!) { createUnit(input: $input) { id code name serviceTask visibilityWindowMonths organisation { id } } }`;
const UPDATE_UNIT = `mutation UN($id: ID!, $input: UpdateUnitInput!, $reason: String!) { updateUnit(id: $id, input: $input, reason: $reason) { id name } }`;
const ME = `{ me { id grants { id role unit { code } } } }`;
const CLIENTS = `{ clients(first: 5) { totalCount nodes { id } } }`;

const TODAY = () => new Date().toISOString().slice(0, 10);
const UNIT_TARGETS: UnitCode[] = ['child-welfare', 'family-services', 'b-child-welfare'];

// ---------------------------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------------------------

// A partner token has no user account of its own: the row is for the staff.
describe.each(ACTIVE_LOGINS.filter((l) => l !== 'majakka').map((login) => [login] as const))('own account as %s', (login) => {
  it("updateUser of its own account is refused, registrars' too (no rebinding of one's own login)", async () => {
    const self = PERSONA[login].actorId;
    const [before] = await t.database.db.select().from(users).where(eq(users.id, self));
    await expectOutcome(login, { code: 'FORBIDDEN' }, 'User', 'UPDATE', () =>
      run(login, UPDATE_USER, { id: self, version: before!.version, input: { externalSubject: `idp|${randomUUID()}` }, reason: 'IdP migration' }),
    );
    const [after] = await t.database.db.select().from(users).where(eq(users.id, self));
    expect(after).toEqual(before);
  });
});

describe.each(ACTIVE_LOGINS.map((login) => [login] as const))('access administration as %s', (login) => {
  const p = () => PERSONA[login];

  it.each(UNIT_TARGETS)('grantRole SOCIAL_WORKER in %s', async (unit) => {
    const target = await fixtureUser(ORG_OF_UNIT[unit]);
    const expected = expectUnitAdministration(p(), unit);
    const allowed = await expectOutcome(login, expected, 'Grant', 'CREATE', () =>
      run(login, GRANT_ROLE, { userId: target.id, role: 'SOCIAL_WORKER', unitId: unitId(unit) }),
    );
    const rows = await t.database.db.select().from(grants).where(eq(grants.userId, target.id));
    expect(rows).toHaveLength(allowed ? 1 : 0);
    if (allowed) expect(rows[0]).toMatchObject({ role: 'SOCIAL_WORKER', unitId: unitId(unit), grantedBy: p().actorId, revokedAt: null });
  });

  it.each(UNIT_TARGETS)('revokeGrant of a SOCIAL_WORKER grant in %s', async (unit) => {
    const target = await fixtureUser(ORG_OF_UNIT[unit], { grantIn: unit });
    const expected = expectUnitAdministration(p(), unit);
    const allowed = await expectOutcome(login, expected, 'Grant', 'UPDATE', () => run(login, REVOKE, { id: target.grantId }));
    const [row] = await t.database.db.select().from(grants).where(eq(grants.id, target.grantId!));
    if (allowed) expect(row).toMatchObject({ revokedBy: p().actorId, revokedAt: expect.any(Date) });
    else expect(row).toMatchObject({ revokedAt: null, revokedBy: null });
  });

  it.each(UNIT_TARGETS)('recordUserCommitment of a user holding a grant in %s', async (unit) => {
    const target = await fixtureUser(ORG_OF_UNIT[unit], { grantIn: unit, commitment: false });
    const expected = expectUnitAdministration(p(), unit);
    const allowed = await expectOutcome(login, expected, 'UserCommitment', 'CREATE', () =>
      run(login, COMMIT, { userId: target.id, signedOn: TODAY(), ref: 'HR-2025/17' }),
    );
    const rows = await t.database.db.select().from(userCommitments).where(eq(userCommitments.userId, target.id));
    expect(rows).toHaveLength(allowed ? 1 : 0);
  });

  it.each(UNIT_TARGETS)('updateUser of a user holding a grant in %s', async (unit) => {
    const target = await fixtureUser(ORG_OF_UNIT[unit], { grantIn: unit });
    const expected = expectRegistrarOnly(p(), ORG_OF_UNIT[unit]);
    const allowed = await expectOutcome(login, expected, 'User', 'UPDATE', () =>
      run(login, UPDATE_USER, { id: target.id, version: 1, input: { displayName: 'Renamed Person' }, reason: 'name changed on marriage' }),
    );
    const [row] = await t.database.db.select().from(users).where(eq(users.id, target.id));
    expect(row!.displayName).toBe(allowed ? 'Renamed Person' : target.displayName);
  });

  it('createUser in its own organisation', async () => {
    const login2 = `new-${randomUUID().slice(0, 8)}`;
    const own = p().org;
    const expected = own === 'majakka' ? ({ code: 'FORBIDDEN' } as const) : expectRegistrarOnly(p(), own);
    const allowed = await expectOutcome(login, expected, 'User', 'CREATE', () => run(login, CREATE_USER, { input: { login: login2, displayName: 'Uusi Käyttäjä' } }));
    const rows = await t.database.db.select().from(users).where(eq(users.login, login2));
    expect(rows).toHaveLength(allowed ? 1 : 0);
    if (allowed) expect(rows[0]!.organisationId).toBe(orgId(own));
  });

  it('createUnit in its own organisation', async () => {
    const code = `unit-${randomUUID().slice(0, 8)}`;
    const own = p().org;
    const expected = own === 'majakka' ? ({ code: 'FORBIDDEN' } as const) : expectRegistrarOnly(p(), own);
    const allowed = await expectOutcome(login, expected, 'Unit', 'CREATE', () =>
      run(login, CREATE_UNIT, { input: { code, name: 'Päihdepalvelut', serviceTask: 'SUBSTANCE_ABUSE', visibilityWindowMonths: 6 } }),
    );
    const rows = await t.database.db.select().from(units).where(eq(units.code, code));
    expect(rows).toHaveLength(allowed ? 1 : 0);
  });

  it.each(['region', 'region-b'] as const)('updateUnit of a unit of %s', async (org) => {
    const db = t.database.db;
    const [unit] = await db
      .insert(units)
      .values({ organisationId: orgId(org), code: `fx-unit-${randomUUID().slice(0, 8)}`, name: 'Before', serviceTask: 'OLDER_PEOPLE' })
      .returning();
    const expected = expectRegistrarOnly(p(), org);
    const allowed = await expectOutcome(login, expected, 'Unit', 'UPDATE', () =>
      run(login, UPDATE_UNIT, { id: unit!.id, input: { name: 'After', visibilityWindowMonths: 24 }, reason: 'unit renamed in the reorganisation' }),
    );
    const [row] = await db.select().from(units).where(eq(units.id, unit!.id));
    expect(row).toMatchObject(allowed ? { name: 'After', visibilityWindowMonths: 24 } : { name: 'Before', visibilityWindowMonths: 12 });
  });
});

// ---------------------------------------------------------------------------------------------
// Rules beyond the table
// ---------------------------------------------------------------------------------------------

describe('grant rules', () => {
  it('refuses a self-grant (FORBIDDEN, logged DENIED) to the registrar and to a manager', async () => {
    for (const [login, role, unit] of [
      ['admin', 'AUDITOR', null],
      ['mgr-child', 'SOCIAL_WORKER', 'child-welfare'],
    ] as const) {
      const before = await lastSeq();
      const result = await run(login, GRANT_ROLE, { userId: DEMO.users[login].id, role, unitId: unit ? unitId(unit) : null });
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(result.errors![0]!.message).toMatch(/themselves/);
      const denied = (await entriesSince(before)).filter((e) => e.entityType === 'Grant' && e.outcome === 'DENIED');
      expect(denied).toHaveLength(1);
      expect(denied[0]!.actorId).toBe(DEMO.users[login].id);
    }
    const own = await t.database.db.select().from(grants).where(eq(grants.userId, DEMO.users.admin.id));
    expect(own).toHaveLength(1);
  });

  it('refuses a self-recorded commitment', async () => {
    const result = await run('admin', COMMIT, { userId: DEMO.users.admin.id, signedOn: TODAY() });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
  });

  it('a manager grants neither MANAGER nor organisation-wide roles, not even in its own unit', async () => {
    const target = await fixtureUser('region');
    expect(codesOf(await run('mgr-child', GRANT_ROLE, { userId: target.id, role: 'MANAGER', unitId: unitId('child-welfare') }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await run('mgr-child', GRANT_ROLE, { userId: target.id, role: 'BILLING' }))).toEqual(['FORBIDDEN']);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expect(codesOf(await run('mgr-child', GRANT_ROLE, { userId: target.id, role: 'STUDENT', unitId: unitId('child-welfare'), validUntil: until }))).toEqual([]);
  });

  it('a manager does not revoke a MANAGER grant of its unit', async () => {
    const target = await fixtureUser('region');
    const [grant] = await t.database.db
      .insert(grants)
      .values({ userId: target.id, role: 'MANAGER', organisationId: orgId('region'), unitId: unitId('child-welfare') })
      .returning();
    expect(codesOf(await run('mgr-child', REVOKE, { id: grant!.id }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await run('admin', REVOKE, { id: grant!.id }))).toEqual([]);
    expect(codesOf(await run('admin', REVOKE, { id: grant!.id }))).toEqual(['CONFLICT']);
  });

  it('a STUDENT grant requires validUntil (the internship ends); unit and organisation roles are checked', async () => {
    const target = await fixtureUser('region');
    const noEnd = await run('admin', GRANT_ROLE, { userId: target.id, role: 'STUDENT', unitId: unitId('child-welfare') });
    expect(codesOf(noEnd)).toEqual(['BAD_USER_INPUT']);
    expect(noEnd.errors![0]!.extensions).toMatchObject({ field: 'validUntil' });
    expect(codesOf(await run('admin', GRANT_ROLE, { userId: target.id, role: 'SOCIAL_WORKER' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await run('admin', GRANT_ROLE, { userId: target.id, role: 'AUDITOR', unitId: unitId('child-welfare') }))).toEqual(['BAD_USER_INPUT']);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    expect(codesOf(await run('admin', GRANT_ROLE, { userId: target.id, role: 'STUDENT', unitId: unitId('child-welfare'), validUntil: past }))).toEqual(['BAD_USER_INPUT']);
    expect(await t.database.db.select().from(grants).where(eq(grants.userId, target.id))).toHaveLength(0);
  });

  it('a commitment cannot be dated in the future', async () => {
    const target = await fixtureUser('region', { commitment: false });
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(codesOf(await run('admin', COMMIT, { userId: target.id, signedOn: tomorrow }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a failed log write rolls the grant back (AUDIT_UNAVAILABLE, nothing written)', async () => {
    const target = await fixtureUser('region');
    auditLog.failing = true;
    try {
      const result = await run('admin', GRANT_ROLE, { userId: target.id, role: 'SOCIAL_WORKER', unitId: unitId('child-welfare') });
      expect(codesOf(result)).toContain('AUDIT_UNAVAILABLE');
    } finally {
      auditLog.failing = false;
    }
    expect(await t.database.db.select().from(grants).where(eq(grants.userId, target.id))).toHaveLength(0);
  });
});

describe('commitment gating and revocation in the gateway', () => {
  it('a grant takes effect only once the commitment is recorded', async () => {
    const login = `gated-${randomUUID().slice(0, 8)}`;
    const created = await run('admin', CREATE_USER, { input: { login, displayName: 'Gated Worker' } });
    expect(codesOf(created)).toEqual([]);
    const userId = (created.data as { createUser: { id: string; hasCommitment: boolean } }).createUser.id;
    expect((created.data as { createUser: { hasCommitment: boolean } }).createUser.hasCommitment).toBe(false);
    expect(codesOf(await run('mgr-child', GRANT_ROLE, { userId, role: 'SOCIAL_WORKER', unitId: unitId('child-welfare') }))).toEqual([]);

    const before = await t.execute({ query: ME, as: login });
    expect(before.status).toBe(403);
    expect(codesOf(before)).toEqual(['FORBIDDEN']);

    expect(codesOf(await run('mgr-child', COMMIT, { userId, signedOn: TODAY(), ref: 'HR-2025/42' }))).toEqual([]);
    await afterCache();
    const me = await t.execute<{ me: { id: string; grants: { role: string; unit: { code: string } }[] } }>({ query: ME, as: login });
    expect(codesOf(me)).toEqual([]);
    expect(me.data!.me).toMatchObject({ id: userId, grants: [{ role: 'SOCIAL_WORKER', unit: { code: 'child-welfare' } }] });
    const clients = await t.execute<{ clients: { totalCount: number } }>({ query: CLIENTS, as: login });
    expect(codesOf(clients)).toEqual([]);
    expect(clients.data!.clients.totalCount).toBeGreaterThan(0);
  });

  it('revokeGrant takes effect within the grant cache time', async () => {
    const target = await fixtureUser('region', { grantIn: 'child-welfare' });
    expect(codesOf(await t.execute({ query: CLIENTS, as: target.login }))).toEqual([]);
    expect(codesOf(await run('mgr-child', REVOKE, { id: target.grantId }))).toEqual([]);
    await afterCache();
    const after = await t.execute({ query: CLIENTS, as: target.login });
    expect(after.status).toBe(403);
    expect(codesOf(after)).toEqual(['FORBIDDEN']);
  });
});

describe('history, listing and permissions', () => {
  it('updateUser keeps what it replaces in history.revisions; a stale version is a CONFLICT', async () => {
    const target = await fixtureUser('region', { grantIn: 'child-welfare' });
    const first = await run('admin', UPDATE_USER, { id: target.id, version: 1, input: { displayName: 'Second Name', externalSubject: 'oidc|abc' }, reason: 'name changed' });
    expect(codesOf(first)).toEqual([]);
    const second = await run('admin', UPDATE_USER, { id: target.id, version: 2, input: { active: false }, reason: 'left the organisation' });
    expect(codesOf(second)).toEqual([]);
    expect((second.data as { updateUser: unknown }).updateUser).toMatchObject({ displayName: 'Second Name', externalSubject: 'oidc|abc', active: false, version: 3 });
    const stale = await run('admin', UPDATE_USER, { id: target.id, version: 2, input: { active: true }, reason: 'back' });
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    const rows = await t.database.db
      .select()
      .from(revisions)
      .where(and(eq(revisions.entityType, 'User'), eq(revisions.entityId, target.id)))
      .orderBy(revisions.revision);
    expect(rows.map((r) => ({ revision: r.revision, fields: r.fields, previous: r.previous, by: r.changedBy, reason: r.reason }))).toEqual([
      { revision: 1, fields: ['displayName', 'externalSubject'], previous: { displayName: target.displayName, externalSubject: null }, by: DEMO.users.admin.id, reason: 'name changed' },
      { revision: 2, fields: ['active'], previous: { active: true }, by: DEMO.users.admin.id, reason: 'left the organisation' },
    ]);
    expect(codesOf(await run('admin', UPDATE_USER, { id: target.id, version: 3, input: {}, reason: '' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('users: the registrar lists its organisation, a manager its unit, others are refused', async () => {
    const q = `query L($filter: UserFilter, $first: Int, $after: String) {
      users(filter: $filter, first: $first, after: $after) { totalCount nodes { login organisation { id } grants { role unit { code } } } pageInfo { hasNextPage endCursor } }
    }`;
    type L = { users: { totalCount: number; nodes: { login: string; organisation: { id: string }; grants: { role: string; unit: { code: string } | null }[] }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const [regionCount] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(users).where(eq(users.organisationId, orgId('region')));
    const all = await t.execute<L>({ query: q, variables: { first: 100 }, as: 'admin' });
    expect(codesOf(all)).toEqual([]);
    expect(all.data!.users.totalCount).toBe(regionCount!.n);
    expect(all.data!.users.nodes.every((u) => u.organisation.id === orgId('region'))).toBe(true);
    expect(all.data!.users.nodes.map((u) => u.login)).not.toContain('sw-b');

    const page1 = await t.execute<L>({ query: q, variables: { first: 2 }, as: 'admin' });
    const page2 = await t.execute<L>({ query: q, variables: { first: 2, after: page1.data!.users.pageInfo.endCursor }, as: 'admin' });
    expect(page2.data!.users.nodes[0]!.login > page1.data!.users.nodes[1]!.login).toBe(true);

    const managed = await t.execute<L>({ query: q, variables: { first: 100 }, as: 'mgr-child' });
    expect(codesOf(managed)).toEqual([]);
    const logins = managed.data!.users.nodes.map((u) => u.login);
    expect(logins).toEqual(expect.arrayContaining(['sw-child', 'student-child', 'mgr-child', 'sw-adult-student']));
    expect(logins).not.toContain('sw-family');
    expect(logins).not.toContain('admin');
    // The manager sees the grants of its unit only.
    const mixed = managed.data!.users.nodes.find((u) => u.login === 'sw-adult-student')!;
    expect(mixed.grants.map((g) => g.unit?.code)).toEqual(['child-welfare']);

    for (const login of ['sw-child', 'dpo', 'billing', 'student-child', 'majakka'] as const) {
      expect({ login, codes: codesOf(await run(login, q, { first: 5 })) }).toEqual({ login, codes: ['FORBIDDEN'] });
    }
  });

  it('me.permissions lists the administration actions of each role', async () => {
    const q = `{ me { permissions { subject actions } } }`;
    const of = async (login: ActiveLogin) => {
      const r = await run(login, q, {});
      const perms = (r.data as { me: { permissions: { subject: string; actions: string[] }[] } }).me.permissions;
      return Object.fromEntries(perms.filter((x) => ['User', 'Grant', 'Unit', 'UserCommitment'].includes(x.subject)).map((x) => [x.subject, x.actions]));
    };
    expect(await of('admin')).toEqual({ Grant: ['read', 'create', 'update'], Unit: ['read', 'create', 'update'], User: ['read', 'create', 'update'], UserCommitment: ['read', 'create'] });
    expect(await of('mgr-child')).toEqual({ Grant: ['read', 'create', 'update'], Unit: [], User: ['read'], UserCommitment: ['read', 'create'] });
    expect(await of('sw-child')).toEqual({ Grant: [], Unit: [], User: [], UserCommitment: [] });
    expect(await of('majakka')).toEqual({ Grant: [], Unit: [], User: [], UserCommitment: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Bootstrap: an empty deployment, the CLI, then only the API
// ---------------------------------------------------------------------------------------------

describe('bootstrap of an empty deployment', () => {
  let database: Database;
  let dispose: () => Promise<void>;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ database, dispose } = await createTestDatabase());
  });
  afterAll(async () => {
    await stop?.();
    await dispose?.();
  });

  it('the CLI makes the first registrar, who then sets up a unit and a worker through the gateway', async () => {
    const out: string[] = [];
    const cli = (...argv: string[]) => runUsersCommand([...argv, '--operator', 'installer'], database, (line) => out.push(line));
    await cli('create-organisation', '--code', 'uusi-alue', '--name', 'Uusi hyvinvointialue');
    await cli('create-user', '--org', 'uusi-alue', '--login', 'first-registrar', '--name', 'Ensi Rekisterinpitäjä');
    await cli('record-commitment', '--login', 'first-registrar', '--signed-on', TODAY(), '--reference', 'HR-1');
    await cli('grant', '--login', 'first-registrar', '--role', 'REGISTRAR');
    await expect(cli('grant', '--login', 'first-registrar', '--role', 'STUDENT', '--unit', 'nope')).rejects.toThrow(/No unit/);
    await cli('list');
    expect(out.join('\n')).toMatch(/first-registrar.*commitment: \d{4}-\d{2}-\d{2}[\s\S]*REGISTRAR .* effective/);
    // Everything the CLI did is in the access log as SYSTEM, naming the operator.
    const logged = await database.db.select().from(entries).orderBy(entries.seq);
    expect(logged.map((e) => [e.actorKind, e.actorId, e.entityType, e.action])).toEqual([
      ['SYSTEM', 'cli:installer', 'Organisation', 'CREATE'],
      ['SYSTEM', 'cli:installer', 'User', 'CREATE'],
      ['SYSTEM', 'cli:installer', 'UserCommitment', 'CREATE'],
      ['SYSTEM', 'cli:installer', 'Grant', 'CREATE'],
    ]);

    const keys = await generateDevKeys();
    const stack = await startStack({ database, keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), gatewayPort: 0, grantCacheMs: 0 });
    stop = () => stack.stop();
    const gql = async (login: string, query: string, variables: Record<string, unknown> = {}) => {
      const res = await request(stack.gatewayUrl)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await signDevToken(keys.tokenSigning.privateJwk, login)}`)
        .send({ query, variables });
      return { status: res.status, data: res.body?.data, errors: res.body?.errors as GraphQLFormattedError[] | undefined };
    };

    const unit = await gql('first-registrar', CREATE_UNIT, { input: { code: 'uusi-lastensuojelu', name: 'Lastensuojelu', serviceTask: 'CHILD_WELFARE' } });
    expect(codesOf(unit)).toEqual([]);
    const newUnitId = unit.data.createUnit.id as string;
    const user = await gql('first-registrar', CREATE_USER, { input: { login: 'first-worker', displayName: 'Ensi Työntekijä' } });
    expect(codesOf(user)).toEqual([]);
    const workerId = user.data.createUser.id as string;
    expect(codesOf(await gql('first-registrar', COMMIT, { userId: workerId, signedOn: TODAY(), ref: 'HR-2' }))).toEqual([]);
    expect(codesOf(await gql('first-registrar', GRANT_ROLE, { userId: workerId, role: 'SOCIAL_WORKER', unitId: newUnitId }))).toEqual([]);

    const me = await gql('first-worker', ME);
    expect(codesOf(me)).toEqual([]);
    expect(me.data.me).toEqual({ id: workerId, grants: [expect.objectContaining({ role: 'SOCIAL_WORKER', unit: { code: 'uusi-lastensuojelu' } })] });
    const clients = await gql('first-worker', CLIENTS);
    expect(codesOf(clients)).toEqual([]);
    expect(clients.data.clients).toEqual({ totalCount: 0, nodes: [] });
  });
});
