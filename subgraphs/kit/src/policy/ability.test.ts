import { subject as asSubject } from '@casl/ability';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { type Actor, type Grant, registerOrganisationOf, type Role } from '../actor';
import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import { type AppAbility, cachedAbilityFor, defineAbilityFor, policyGrantsOf, type PolicyGrant, type Subject } from './ability';
import { PgDialect } from 'drizzle-orm/pg-core';
import { readableScope } from './field-scope';
import { RowGrants } from './row-grants';
import { rowScope } from './row-scope';

/** A subject row as the ability sees it (CASL's own helper types rows without an index signature). */
const subject = (type: Subject, row: object) => asSubject(type, { ...row }) as unknown as Record<PropertyKey, unknown>;

/**
 * Policy v2 (DESIGN.md §4, "every channel, every grant"): every rule about client data is bound to the grant
 * that adds it, so that a user with several grants reads a row only under the grants that see it. These
 * tests read the rules themselves, for actors with every role alone and in combination: a rule that is not
 * bound (a read without `via`, an access without the grant's unit, a write without a scope) fails here.
 */

const ORGANISATION = '7d2b8a4e-0c1f-4f5e-9a3b-1e2d3c4b5a60';
const UNIT_A = '1a1a1a1a-0000-4000-8000-00000000000a';
const UNIT_B = '2b2b2b2b-0000-4000-8000-00000000000b';
const CLOCK = { today: '2026-03-01' };

/** The types that hold client data: every type with a sensitive field. */
const CLIENT_DATA = new Set(SENSITIVE_FIELDS.map((f) => f.type));
const UNIT_ROLES: readonly Role[] = ['SOCIAL_WORKER', 'MANAGER', 'STUDENT'];

const grant = (role: Role, unitId: string | null): Grant => ({
  id: `grant:${role}:${unitId ?? 'organisation'}`,
  role,
  organisationId: ORGANISATION,
  unitId,
  validFrom: '2025-01-01',
  validUntil: null,
  visibilityWindowMonths: unitId ? 12 : null,
});

const user = (...grants: Grant[]): Actor => ({
  kind: 'USER',
  id: '5e5e5e5e-0000-4000-8000-000000000001',
  login: 'test',
  organisationId: ORGANISATION,
  grants,
  scopes: [],
  purpose: 'CLIENT_WORK',
  emergency: false,
  intent: 'VIEW',
  requestId: 'request-1',
  operationName: null,
  callerAddress: null,
});

const partnerToken: Actor = {
  ...user(),
  kind: 'PARTNER',
  id: '6f6f6f6f-0000-4000-8000-000000000002',
  login: null,
  // The region that issued the token: a token reaches that region's commissions only.
  issuerOrganisationId: '6f6f6f6f-0000-4000-8000-0000000000aa',
  scopes: ['clients:read', 'services:read', 'documents:read', 'documents:write'],
};

describe('a partner token without an issuing region', () => {
  it('has no rules at all (fail closed)', () => {
    expect(defineAbilityFor({ ...partnerToken, issuerOrganisationId: null }).rules).toEqual([]);
  });
});

const unitGrant = (role: Role, unit = UNIT_A) => grant(role, UNIT_ROLES.includes(role) ? unit : null);
const ACTORS: readonly [string, Actor][] = [
  ...(['SOCIAL_WORKER', 'MANAGER', 'STUDENT', 'BILLING', 'AUDITOR', 'REGISTRAR'] as const).map((role): [string, Actor] => [role, user(unitGrant(role))]),
  ['SOCIAL_WORKER A + STUDENT B', user(grant('SOCIAL_WORKER', UNIT_A), grant('STUDENT', UNIT_B))],
  ['MANAGER A + SOCIAL_WORKER B', user(grant('MANAGER', UNIT_A), grant('SOCIAL_WORKER', UNIT_B))],
  ['BILLING + STUDENT B', user(grant('BILLING', null), grant('STUDENT', UNIT_B))],
  ['AUDITOR + STUDENT B', user(grant('AUDITOR', null), grant('STUDENT', UNIT_B))],
  ['SOCIAL_WORKER A + SOCIAL_WORKER B', user(grant('SOCIAL_WORKER', UNIT_A), grant('SOCIAL_WORKER', UNIT_B))],
  [
    'every role at once',
    user(grant('SOCIAL_WORKER', UNIT_A), grant('MANAGER', UNIT_B), grant('STUDENT', UNIT_B), grant('BILLING', null), grant('AUDITOR', null), grant('REGISTRAR', null)),
  ],
  ['PARTNER token (every scope)', partnerToken],
];

interface RawRule {
  action: string | string[];
  subject: string | string[];
  fields?: string | string[];
  conditions?: Record<string, unknown>;
  inverted?: boolean;
  reason?: string;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const describeRule = (r: RawRule) => `${list(r.action).join('/')} ${list(r.subject).join('/')} ${JSON.stringify(r.conditions ?? null)} (reason ${r.reason ?? 'none'})`;

/** Whether a condition names `value` under a key `key` matches, at any depth (inside $elemMatch, …). */
function names(conditions: unknown, key: (k: string) => boolean, value: unknown): boolean {
  if (Array.isArray(conditions)) return conditions.some((c) => names(c, key, value));
  if (!conditions || typeof conditions !== 'object') return false;
  return Object.entries(conditions).some(([k, v]) => (key(k) && (v === value || (Array.isArray(v) && v.includes(value)))) || names(v, key, value));
}
const isUnitKey = (k: string) => /unitIds?$/i.test(k);

function rulesOf(actor: Actor): { rules: RawRule[]; grants: Map<string, PolicyGrant> } {
  const ability: AppAbility = defineAbilityFor(actor, CLOCK);
  return { rules: ability.rules as unknown as RawRule[], grants: new Map(policyGrantsOf(actor).map((g) => [g.key, g])) };
}

describe.each(ACTORS)('policy rules are bound to grants: %s', (_name, actor) => {
  const { rules, grants } = rulesOf(actor);
  const aboutClientData = (r: RawRule) => list(r.subject).some((s) => CLIENT_DATA.has(s));

  it('has rules, and every rule names one of the actor’s grants as its reason', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => !r.reason || !grants.has(r.reason)).map(describeRule)).toEqual([]);
    expect(rules.filter((r) => r.inverted).map(describeRule)).toEqual([]);
  });

  it('binds every read of client data to the grant (conditions.via), naming the fields', () => {
    const unbound = rules
      .filter((r) => list(r.action).includes('read') && aboutClientData(r))
      .filter((r) => r.conditions?.['via'] !== r.reason || !grants.has(String(r.conditions?.['via'])) || list(r.fields).length === 0);
    expect(unbound.map(describeRule)).toEqual([]);
  });

  it('binds every access rule on client data to the grant’s unit, or to the actor’s organisation', () => {
    const unbound = rules
      .filter((r) => list(r.action).includes('access') && aboutClientData(r))
      .filter((r) => {
        const g = grants.get(r.reason ?? '');
        if (!g) return true;
        if (g.unitId) return !names(r.conditions, isUnitKey, g.unitId);
        // Organisation-wide roles: the actor's organisation; a partner: its own organisation's commissions, invoices, documents.
        return !names(r.conditions, (k) => /organisationId$/i.test(k), actor.organisationId);
      });
    expect(unbound.map(describeRule)).toEqual([]);
  });

  it('reaches the records of a unit only through clients the same grant sees (a relationship with its unit)', () => {
    // Service-task separation per grant: for a user with several grants, records kept in unit A of a client seen
    // only through the grant in unit B (e.g. from an archived relationship with A) must not become visible through A.
    const unbound = rules
      .filter((r) => list(r.action).includes('access') && aboutClientData(r) && !list(r.subject).includes('ClientRelationship'))
      .filter((r) => {
        const g = grants.get(r.reason ?? '');
        if (!g?.unitId) return false;
        return !hasRelationshipWith(r.conditions, g.unitId);
      });
    expect(unbound.map(describeRule)).toEqual([]);
  });

  it('binds every write on client data: to the grant (via), its unit, the units serving the client, or the organisation', () => {
    const unbound = rules
      .filter((r) => list(r.action).some((a) => a === 'create' || a === 'update' || a === 'correct') && aboutClientData(r))
      .filter((r) => {
        const g = grants.get(r.reason ?? '');
        if (!g || !r.conditions) return true;
        const c = r.conditions;
        return !(
          c['via'] === g.key ||
          (g.unitId !== null && (c['unitId'] === g.unitId || c['servingUnitIds'] === g.unitId)) ||
          c['organisationId'] === actor.organisationId ||
          c['authorOrganisationId'] === actor.organisationId
        );
      });
    expect(unbound.map(describeRule)).toEqual([]);
  });
});

/** Whether a condition requires, at any depth, a relationship (`relationships: { $elemMatch: … }`) with the unit. */
function hasRelationshipWith(conditions: unknown, unitId: string): boolean {
  if (Array.isArray(conditions)) return conditions.some((c) => hasRelationshipWith(c, unitId));
  if (!conditions || typeof conditions !== 'object') return false;
  return Object.entries(conditions).some(
    ([k, v]) => (k === 'relationships' && names(v, (key) => key === 'unitId', unitId)) || hasRelationshipWith(v, unitId),
  );
}

describe('policy v2: a field is read under the grants that see the row', () => {
  const sw = grant('SOCIAL_WORKER', UNIT_A);
  const student = grant('STUDENT', UNIT_B);
  const ability = defineAbilityFor(user(sw, student), CLOCK);
  const client = (via: string[], extra: Record<string, unknown> = {}) =>
    subject('Client', { id: 'c', via, addressNonDisclosure: false, responsibleWorkerIds: [], ...extra }) as unknown as Record<PropertyKey, unknown>;

  it('reads a row seen only through the student grant as the student', () => {
    expect(ability.can('read', client([student.id]), 'displayName')).toBe(true);
    expect(ability.can('read', client([student.id]), 'personalIdentityCode')).toBe(false);
    expect(ability.can('read', client([student.id]), 'phone')).toBe(false);
    expect(ability.relevantRuleFor('read', client([student.id]), 'displayName')?.reason).toBe(student.id);
  });

  it('reads a row seen through the social-worker grant as the social worker, and names that grant', () => {
    expect(ability.can('read', client([sw.id]), 'personalIdentityCode')).toBe(true);
    expect(ability.relevantRuleFor('read', client([sw.id]), 'personalIdentityCode')?.reason).toBe(sw.id);
    expect(ability.relevantRuleFor('read', client([sw.id, student.id]), 'personalIdentityCode')?.reason).toBe(sw.id);
  });

  it('keeps non-disclosure contact data from a social worker who is not responsible, whatever else the user is', () => {
    const protectedClient = client([sw.id, student.id], { addressNonDisclosure: true, responsibleWorkerIds: ['someone-else'] });
    expect(ability.can('read', protectedClient, 'phone')).toBe(false);
    expect(ability.can('read', protectedClient, 'personalIdentityCode')).toBe(true);
  });

  it('decides each field of each row by the same rule through the field guard (readRuleFor) as CASL does', () => {
    const actor = user(sw, student);
    const grants = new RowGrants(undefined as never, actor, { clock: CLOCK, shared: ability });
    const rows = [
      { id: 'c1', via: [sw.id], addressNonDisclosure: false, responsibleWorkerIds: [] },
      { id: 'c2', via: [student.id], addressNonDisclosure: false, responsibleWorkerIds: [] },
      { id: 'c3', via: [sw.id, student.id], addressNonDisclosure: true, responsibleWorkerIds: ['someone-else'] },
      { id: 'c4', via: [sw.id], addressNonDisclosure: true, responsibleWorkerIds: [actor.id] },
      { id: 'c5', via: [], addressNonDisclosure: false, responsibleWorkerIds: [] },
    ];
    const fields = SENSITIVE_FIELDS.filter((f) => f.type === 'Client').map((f) => f.field);
    const decided = new Set<string | null>();
    // Twice over, so that the second pass answers from the verdicts kept for each row.
    for (let pass = 0; pass < 2; pass++) {
      for (const row of rows) {
        for (const field of fields) {
          const expected = ability.relevantRuleFor('read', subject('Client', { ...row }) as unknown as Record<PropertyKey, unknown>, field);
          const actual = grants.readRuleFor(ability, 'Client', row, field);
          expect([row.id, field, actual === expected]).toEqual([row.id, field, true]);
          decided.add(actual?.inverted ? 'inverted' : (actual?.reason ?? null));
        }
      }
    }
    // The table had allowed fields under each grant and fields no rule allowed.
    expect([...decided].sort()).toEqual(expect.arrayContaining([sw.id, student.id, null]));
  });

  it('reads nothing of a row seen through no grant (fail closed)', () => {
    for (const f of SENSITIVE_FIELDS.filter((x) => x.type === 'Client')) expect([f.field, ability.can('read', client([]), f.field)]).toEqual([f.field, false]);
  });
});

describe('issue 11: a partner sees under a commission only what its token and the commission both allow', () => {
  const ISSUER = partnerToken.issuerOrganisationId!;
  const commission = (partnerScopes: string[]) => ({
    partnerOrganisationId: partnerToken.organisationId,
    startsOn: '2026-01-01',
    endsOn: null,
    partnerScopes,
    client: [{ organisationId: ISSUER }],
  });
  const ability = defineAbilityFor(partnerToken, CLOCK);

  it('reaches a client through a commission sharing a scope with the token, not through one sharing none', () => {
    const client = (commissions: object[], organisationId = ISSUER) => subject('Client', { organisationId, partnerCommissions: commissions });
    expect(ability.can('access', client([commission(['services:read'])]))).toBe(true);
    expect(ability.can('access', client([commission([])]))).toBe(false);
    // Another organisation's client: not through a commission to the partner either.
    expect(ability.can('access', client([commission(['services:read'])], ORGANISATION))).toBe(false);
    expect(ability.can('access', client([{ ...commission(['services:read']), startsOn: '2026-03-02' }]))).toBe(false);
    expect(ability.can('access', client([{ ...commission(['services:read']), endsOn: '2026-03-01' }]))).toBe(false);
    const servicesOnly = defineAbilityFor({ ...partnerToken, scopes: ['services:read'] }, CLOCK);
    expect(servicesOnly.can('access', client([commission(['clients:read'])]))).toBe(false);
  });

  it('reaches a placement only under a commission with services:read, a document only with documents:read', () => {
    expect(ability.can('access', subject('Placement', { commission: [commission(['services:read'])] }))).toBe(true);
    expect(ability.can('access', subject('Placement', { commission: [commission(['clients:read', 'documents:read'])] }))).toBe(false);
    const own = { authorOrganisationId: partnerToken.organisationId };
    expect(ability.can('access', subject('Document', { ...own, commission: [commission(['documents:read'])] }))).toBe(true);
    expect(ability.can('access', subject('Document', { ...own, commission: [commission(['services:read'])] }))).toBe(false);
  });

  it('reaches medications only with an unwithdrawn consent to HEALTH data for the partner', () => {
    const consent = (scope: string[], withdrawnOn: string | null = null) => ({ recipientOrganisationId: partnerToken.organisationId, withdrawnOn, scope });
    const medication = (...consents: object[]) =>
      subject('Medication', { client: [{ consents }], placement: [{ commission: [commission(['services:read'])] }] });
    expect(ability.can('access', medication(consent(['HEALTH'])))).toBe(true);
    expect(ability.can('access', medication(consent(['WELFARE'])))).toBe(false);
    expect(ability.can('access', medication(consent(['HEALTH'], '2026-02-01')))).toBe(false);
  });

  it('puts the array conditions into SQL as "value = ANY(column)"', () => {
    const dialect = new PgDialect();
    const client = dialect.sqlToQuery(rowScope(ability, 'Client'));
    expect(client.sql).toMatch(/= ANY\("scope_\d+"\."partner_scopes"\)/);
    expect(client.params).toEqual(expect.arrayContaining(['clients:read', 'services:read', 'documents:read', 'documents:write']));
    const medication = dialect.sqlToQuery(rowScope(ability, 'Medication'));
    expect(medication.sql).toMatch(/= ANY\("scope_\d+"\."scope"\)/);
    expect(medication.params).toContain('HEALTH');
  });

  // Rows a partner loads carry its commissions of the client (`partnerCommissions`, clients/src/client-store.ts).
  const TOKEN = `partner:${partnerToken.id}`;
  const named = (partnerCommissions: object[], extra: Record<string, unknown> = {}) =>
    subject('Client', { via: [TOKEN], organisationId: ISSUER, partnerCommissions, ...extra } as Record<string, unknown>);
  const guardianOf = (partnerCommissions: object[], extra: Record<string, unknown> = {}) =>
    subject('Guardian', { via: [TOKEN], clientAddressNonDisclosure: false, partnerCommissions, ...extra } as Record<string, unknown>);

  it("reads the client's names and guardians only under an active commission whose partnerScopes include clients:read", () => {
    const servicesOnly = commission(['services:read']);
    const withNames = commission(['clients:read', 'services:read']);
    expect(ability.can('read', named([servicesOnly]), 'displayName')).toBe(false);
    expect(ability.can('read', named([servicesOnly]), 'lastName')).toBe(false);
    expect(ability.can('read', named([servicesOnly]), 'guardians')).toBe(false);
    expect(ability.can('read', guardianOf([servicesOnly]), 'firstName')).toBe(false);
    expect(ability.can('read', guardianOf([servicesOnly]), 'phone')).toBe(false);
    // …while the commission's decisions stay readable under services:read.
    expect(ability.can('read', named([servicesOnly]), 'decisions')).toBe(true);
    expect(ability.can('read', named([servicesOnly, withNames]), 'displayName')).toBe(true);
    expect(ability.can('read', named([withNames]), 'lastName')).toBe(true);
    expect(ability.can('read', guardianOf([withNames]), 'firstName')).toBe(true);
    expect(ability.can('read', guardianOf([withNames]), 'phone')).toBe(true);
    expect(ability.can('read', guardianOf([withNames], { clientAddressNonDisclosure: true }), 'phone')).toBe(false);
    // Fail closed: a row loaded without the commissions, or a client of another region.
    expect(ability.can('read', subject('Client', { via: [TOKEN], organisationId: ISSUER } as Record<string, unknown>), 'displayName')).toBe(false);
    expect(ability.can('read', named([withNames], { organisationId: ORGANISATION }), 'displayName')).toBe(false);
    // The token must have the scope too.
    const servicesToken = defineAbilityFor({ ...partnerToken, scopes: ['services:read'] }, CLOCK);
    expect(servicesToken.can('read', named([withNames]), 'displayName')).toBe(false);
  });

  it('counts a commission as active from its first day until the day before endsOn (ended today: no access today)', () => {
    const during = (startsOn: string, endsOn: string | null) => named([{ ...commission(['clients:read']), startsOn, endsOn }]);
    expect(ability.can('read', during('2026-03-01', null), 'displayName')).toBe(true);
    expect(ability.can('read', during('2026-03-02', null), 'displayName')).toBe(false);
    expect(ability.can('read', during('2026-01-01', '2026-03-02'), 'displayName')).toBe(true);
    expect(ability.can('read', during('2026-01-01', '2026-03-01'), 'displayName')).toBe(false);
    expect(ability.can('read', named([{ ...commission(['clients:read']), partnerOrganisationId: UNIT_B }]), 'displayName')).toBe(false);
  });

  it('writes a REPORT only under a commission whose partnerScopes include documents:write', () => {
    const report = (commissionScopes: string[]) =>
      subject('Document', { via: [TOKEN], type: 'REPORT', authorOrganisationId: partnerToken.organisationId, commissionId: 'c1', commissionScopes } as Record<string, unknown>);
    expect(ability.can('create', report(['documents:read', 'documents:write']))).toBe(true);
    expect(ability.can('create', report(['clients:read', 'documents:read']))).toBe(false);
    expect(ability.can('create', report([]))).toBe(false);
  });

  it('puts the names rule into SQL through the client\'s commissions (filters and sorts by name)', () => {
    const dialect = new PgDialect();
    const grants = new RowGrants(undefined as never, partnerToken);
    const names = readableScope(ability, grants, 'Client', ['displayName']);
    if (names === null || names === 'never') throw new Error('expected a names condition');
    const query = dialect.sqlToQuery(names.condition);
    expect(query.sql).toMatch(/"scope_\d+"\."client_id" = "clients"\."clients"\."id"/);
    expect(query.params).toEqual(expect.arrayContaining(['clients:read', partnerToken.organisationId, ISSUER]));
    // The names rule names the issuer's client and its commission as an access rule does: it stands alone
    // for "row scope and names", one semi-join over the commissions (the partner's sorted page and count).
    expect(names.withinRowScope).toBe(true);
    expect(query.sql.match(/EXISTS/g)).toHaveLength(1);
  });
});

describe('issue 11: client-record writes', () => {
  const sw = user(grant('SOCIAL_WORKER', UNIT_A));
  const ability = defineAbilityFor(sw, CLOCK);
  const key = `grant:SOCIAL_WORKER:${UNIT_A}`;

  it('lets unit staff add guardians of a client their unit serves; contact of a non-disclosure client only when responsible', () => {
    const base = { via: [key], servingUnitIds: [UNIT_A], clientAddressNonDisclosure: false, clientResponsibleWorkerIds: [] as string[] };
    expect(ability.can('create', subject('Guardian', base), 'phone')).toBe(true);
    expect(ability.can('create', subject('Guardian', { ...base, servingUnitIds: [UNIT_B] }), 'firstName')).toBe(false);
    expect(ability.can('create', subject('Guardian', { ...base, clientAddressNonDisclosure: true }), 'phone')).toBe(false);
    expect(ability.can('create', subject('Guardian', { ...base, clientAddressNonDisclosure: true }), 'firstName')).toBe(true);
    expect(ability.can('update', subject('Guardian', { ...base, clientAddressNonDisclosure: true, clientResponsibleWorkerIds: [sw.id] }), 'phone')).toBe(true);
  });

  it('records consents and commissions in its own unit serving the client, and withdraws / ends them in its unit', () => {
    expect(ability.can('create', subject('Consent', { unitId: UNIT_A, servingUnitIds: [UNIT_A], via: [key] }))).toBe(true);
    expect(ability.can('create', subject('Consent', { unitId: UNIT_A, servingUnitIds: [UNIT_B], via: [key] }))).toBe(false);
    expect(ability.can('update', subject('Consent', { unitId: UNIT_A, via: [key] }), 'withdrawnOn')).toBe(true);
    expect(ability.can('update', subject('Consent', { unitId: UNIT_B, via: [key] }), 'withdrawnOn')).toBe(false);
    expect(ability.can('create', subject('Commission', { commissionerUnitId: UNIT_A, servingUnitIds: [UNIT_A] }))).toBe(true);
    expect(ability.can('update', subject('Commission', { commissionerUnitId: UNIT_A, via: [] }), 'endsOn')).toBe(false);
    expect(defineAbilityFor(user(grant('STUDENT', UNIT_A)), CLOCK).can('create', 'Guardian')).toBe(false);
  });
});

describe('scopes are built once per ability, and an ability is never shared by actors with different grants', () => {
  const dialect = new PgDialect();
  const twoUnits = user(grant('SOCIAL_WORKER', UNIT_A), grant('MANAGER', UNIT_B));
  const oneUnit = user(grant('SOCIAL_WORKER', UNIT_A));

  it('gives the same readable scope object for the same ability, subject and fields, and another for another actor', () => {
    const ability = cachedAbilityFor(twoUnits, CLOCK);
    const grants = new RowGrants(undefined as never, twoUnits, { clock: CLOCK, shared: ability });
    const first = readableScope(ability, grants, 'Client', ['address']);
    expect(first).not.toBeNull();
    expect(readableScope(ability, new RowGrants(undefined as never, twoUnits, { clock: CLOCK, shared: ability }), 'Client', ['address'])).toBe(first);
    expect(readableScope(ability, grants, 'Client', ['address', 'personalIdentityCode'])).not.toBe(first);
    // The same person with one grant fewer (a revoked grant) has another ability, so another scope.
    const fewer = cachedAbilityFor(oneUnit, CLOCK);
    expect(fewer).not.toBe(ability);
    const theirs = readableScope(fewer, new RowGrants(undefined as never, oneUnit, { clock: CLOCK, shared: fewer }), 'Client', ['address']);
    const params = (scope: ReturnType<typeof readableScope>) => (scope === null || scope === 'never' ? [] : dialect.sqlToQuery(scope.condition).params);
    expect(params(theirs)).not.toContain(UNIT_B);
    expect(params(first)).toContain(UNIT_B);
  });

  it('keeps nothing per actor under an ability it was not told stands for the actor (a testing seam serving everyone)', () => {
    const ability = cachedAbilityFor(twoUnits, CLOCK);
    const mine = readableScope(ability, new RowGrants(undefined as never, twoUnits, { clock: CLOCK }), 'Client', ['address']);
    const theirs = readableScope(ability, new RowGrants(undefined as never, oneUnit, { clock: CLOCK }), 'Client', ['address']);
    expect(theirs).not.toBe(mine);
  });

  it("counts each grant's visibility window from the request's day, not the machine's", () => {
    const ability = cachedAbilityFor(twoUnits, CLOCK);
    const key = twoUnits.grants[0]!.id;
    const rules = new RowGrants(undefined as never, twoUnits, { clock: CLOCK, shared: ability }).accessRules(key, 'Client');
    expect(JSON.stringify(rules)).toContain('"$gte":"2025-03-01"');
    const later = new RowGrants(undefined as never, twoUnits, { clock: { today: '2026-09-01' } }).accessRules(key, 'Client');
    expect(JSON.stringify(later)).toContain('"$gte":"2025-09-01"');
  });

  it('decides a row again when its grants are set again (a verdict is kept only for the grants it was made under)', () => {
    const ability = cachedAbilityFor(twoUnits, CLOCK);
    const grants = new RowGrants(undefined as never, twoUnits, { clock: CLOCK, shared: ability });
    const [sw, manager] = twoUnits.grants.map((g) => g.id);
    const row: Record<string, unknown> = { id: 'c', via: [sw], addressNonDisclosure: false, responsibleWorkerIds: [] };
    expect(grants.readRuleFor(ability, 'Client', row, 'personalIdentityCode')?.reason).toBe(sw);
    row['via'] = [manager];
    expect(grants.readRuleFor(ability, 'Client', row, 'personalIdentityCode')?.reason).toBe(manager);
    row['via'] = [];
    expect(grants.readRuleFor(ability, 'Client', row, 'personalIdentityCode')).toBeNull();
  });

  it('gives the same ability again for the same actor and day, and a new one the next day', () => {
    const ability = cachedAbilityFor(twoUnits, CLOCK);
    expect(cachedAbilityFor({ ...twoUnits, requestId: 'another request' }, CLOCK)).toBe(ability);
    expect(cachedAbilityFor(twoUnits, { today: '2026-03-02' })).not.toBe(ability);
  });
});

describe('issue 13: a handover’s manifest is the receiving unit’s, a field the packaging partner does not read', () => {
  const handover = (organisationId: string, via: string[]) =>
    subject('Handover', {
      organisationId,
      commissionerUnitId: UNIT_A,
      partnerOrganisationId: partnerToken.organisationId,
      commissionActive: true,
      commissionScopes: ['documents:write'],
      via,
    });

  it('lets the partner read its package under an active commission, all but the items', () => {
    const ability = defineAbilityFor(partnerToken, CLOCK);
    const own = handover(partnerToken.issuerOrganisationId!, []);
    expect(ability.can('read', own)).toBe(true);
    for (const field of ['id', 'status', 'packagedAt', 'clientId']) expect(ability.can('read', own, field)).toBe(true);
    expect(ability.can('read', own, 'items')).toBe(false);
    expect(ability.can('read', { ...own, commissionActive: false } as typeof own)).toBe(false);
  });

  it('keeps the partner’s field list in step with the public Handover type: every field but items, so a new field is a decision, not a silent leak', () => {
    const api = parse(readFileSync(path.join(__dirname, '../../../../gateway/api-schema.graphql'), 'utf8'));
    const type = api.definitions.find((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Handover');
    const fields = type && 'fields' in type ? (type.fields ?? []).map((f) => f.name.value) : [];
    expect(fields).toContain('items');
    const ability = defineAbilityFor(partnerToken, CLOCK);
    const own = handover(partnerToken.issuerOrganisationId!, []);
    expect(fields.filter((f) => !ability.can('read', own, f))).toEqual(['items']);
  });

  it('lets the commissioning unit’s staff read the items', () => {
    const worker = user(grant('SOCIAL_WORKER', UNIT_A));
    const ability = defineAbilityFor(worker, CLOCK);
    const ofUnit = handover(ORGANISATION, [`grant:SOCIAL_WORKER:${UNIT_A}`]);
    expect(ability.can('read', ofUnit, 'items')).toBe(true);
  });
});

describe("an organisation's part of the log: its staff's entries and its issued tokens', not its own tokens'", () => {
  const OTHER = '9c9c9c9c-0000-4000-8000-0000000000c9';
  /** An entry of a partner token the organisation holds (issued by OTHER), unless overridden. */
  const entry = (over: object) =>
    subject('AuditEntry', { organisationId: ORGANISATION, actorKind: 'PARTNER', outcome: 'DENIED', clientId: null, client: [], issuedToken: [{ issuerOrganisationId: OTHER }], ...over });
  const auditor = defineAbilityFor(user(grant('AUDITOR', null)));
  const registrar = defineAbilityFor(user(grant('REGISTRAR', null)));
  const clientOfOther = [{ organisationId: OTHER }];
  const staff = { actorKind: 'USER', issuedToken: [] };
  const issuedHere = { organisationId: OTHER, issuedToken: [{ issuerOrganisationId: ORGANISATION }] };

  it.each([
    ['its own token’s refusal naming a client of the issuer', { clientId: 'c-1', client: clientOfOther }, false, false],
    ['its own token’s refusal naming no client', {}, false, false],
    ['its own token’s allowed read', { outcome: 'ALLOWED', clientId: 'c-1', client: clientOfOther }, false, false],
    ['its staff’s refusal naming a client', { ...staff, clientId: 'c-1', client: clientOfOther }, true, true],
    ['its staff’s read', { ...staff, outcome: 'ALLOWED', clientId: 'c-1', client: clientOfOther }, true, false],
    ['a token it issued: a refusal naming no client', issuedHere, true, true],
    ['a token it issued: a read of a client', { ...issuedHere, outcome: 'ALLOWED', clientId: 'c-2', client: [{ organisationId: ORGANISATION }] }, true, false],
    ['another organisation’s staff refusal about its client', { ...staff, organisationId: OTHER, clientId: 'c-3', client: [{ organisationId: ORGANISATION }] }, true, false],
  ])('%s: the auditor and the registrar of the organisation', (_name, over, auditorSees, registrarSees) => {
    expect(auditor.can('access', entry(over) as never)).toBe(auditorSees);
    expect(registrar.can('access', entry(over) as never)).toBe(registrarSees);
  });

  it('says the same in SQL: the staff by organisation, the tokens through the issuer', () => {
    const dialect = new PgDialect();
    for (const ability of [auditor, registrar]) {
      const text = dialect.sqlToQuery(rowScope(ability, 'AuditEntry')).sql;
      expect(text).toMatch(/"actor_kind" <> \$\d+/);
      expect(text).toMatch(/EXISTS \(SELECT 1 FROM "access"\."api_tokens" .*::text = "audit"\."entries"\."actor_id"/);
    }
  });
});

describe('registerOrganisationOf: the register the actor works in', () => {
  it("is the staff's own organisation, and a partner token's issuing region", () => {
    expect(registerOrganisationOf(user())).toBe(ORGANISATION);
    expect(registerOrganisationOf({ ...partnerToken, organisationId: 'partner-org', issuerOrganisationId: 'region' })).toBe('region');
    // A token without an issuer reaches no register but its own organisation's (which holds no clients).
    expect(registerOrganisationOf({ ...partnerToken, organisationId: 'partner-org', issuerOrganisationId: null })).toBe('partner-org');
  });
});
