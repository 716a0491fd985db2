/**
 * Client records kept through the API (issue 11, part 1–2): guardians, consents and commissions.
 *
 * THE table: every persona of ACTIVE_LOGINS × every client-record mutation × where its target is (a client of
 * child welfare, of family services — another unit of the same region —, of region-b, an archived client).
 * The expectations are written from the rules of the brief / DESIGN §4, NOT from the policy module:
 * - addGuardian / updateGuardian: a SOCIAL_WORKER or MANAGER whose grant sees the client and whose unit serves
 *   it (open relationship); contact data of a non-disclosure client's guardian only by its MANAGER or the
 *   responsible social worker. A guardian is known to those who read the client's guardians (FAMILY).
 * - giveConsent / startCommission: SOCIAL_WORKER or MANAGER of the unit named (the consent's / commissioning
 *   unit), which must serve the client.
 * - withdrawConsent / endCommission: SOCIAL_WORKER or MANAGER of the record's unit whose grant sees the client.
 *   The record is known to the unit grants (any unit role) of its unit that see the client.
 * Each cell checks the answer code, that a refusal writes nothing and leaves a DENIED entry (naming the client
 * when it is in the caller's register, or the caller is a partner), and that an allowed write leaves exactly
 * one CREATE/UPDATE entry under the allowing grant's role and unit, and on updates a history row.
 * Then: input errors, stale versions, me.permissions, and the partner take-effect tests.
 */
import {
  clientRelationships,
  clients,
  commissions,
  consents,
  DEMO,
  DEMO_PARTNER_TOKEN,
  entries,
  guardians,
  makePersonalIdentityCode,
  medications,
  organisations,
  placements,
  revisions,
} from '@vartija/db';
import { todayInFinland } from '@vartija/kit';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

jest.setTimeout(300_000);

let t: TestStack;
const db = () => t.database.db;

type UnitKey = 'child' | 'family' | 'adult' | 'bChild';
type Role = 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT' | 'BILLING' | 'AUDITOR' | 'REGISTRAR' | 'PARTNER';
type OrgKey = 'region' | 'region-b' | 'majakka';
const UNIT_CODE = { child: 'child-welfare', family: 'family-services', adult: 'adult-services', bChild: 'b-child-welfare' } as const;
const UNIT_ID = Object.fromEntries(Object.entries(UNIT_CODE).map(([k, code]) => [k, DEMO.units[code].id])) as Record<UnitKey, string>;
const UNIT_OF_CODE = new Map(Object.entries(UNIT_CODE).map(([k, code]) => [code as string, k as UnitKey]));
const UNIT_OF_ID = new Map(Object.entries(UNIT_ID).map(([k, id]) => [id, k as UnitKey]));
const ORG_ID: Record<OrgKey, string> = {
  region: DEMO.organisations.region.id,
  'region-b': DEMO.organisations['region-b'].id,
  majakka: DEMO.organisations.majakka.id,
};
const SERVICE_TASK = { child: 'CHILD_WELFARE', family: 'FAMILY_SERVICES', adult: 'ADULT_SOCIAL_WORK', bChild: 'CHILD_WELFARE' } as const;

interface PersonaGrant {
  role: Role;
  unit: UnitKey | null;
  org: OrgKey;
}
interface Persona {
  login: ActiveLogin;
  userId: string | null;
  org: OrgKey;
  grants: PersonaGrant[];
}
type UserLogin = keyof typeof DEMO.users;
function personaOf(login: ActiveLogin): Persona {
  if (login === 'majakka') return { login, userId: null, org: 'majakka', grants: [{ role: 'PARTNER', unit: null, org: 'majakka' }] };
  const user = DEMO.users[login as UserLogin];
  const grants = user.grants
    .filter((g) => g.validFromDays <= 0 && (g.validUntilDays === null || g.validUntilDays > 0))
    .map((g) => ({ role: g.role as Role, unit: g.unit ? UNIT_OF_CODE.get(g.unit)! : null, org: g.organisation as OrgKey }));
  return { login, userId: user.id, org: user.organisation as OrgKey, grants };
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

type State = 'open' | 'archived';
interface Target {
  description: string;
  org: OrgKey;
  unit: UnitKey;
  state: State;
  nd: boolean;
  responsible: UserLogin;
}
const TARGETS = {
  child: { description: 'child-welfare client', org: 'region', unit: 'child', state: 'open', nd: false, responsible: 'sw-child' },
  family: { description: 'family-services client (another unit, same region)', org: 'region', unit: 'family', state: 'open', nd: false, responsible: 'sw-family' },
  regionB: { description: 'region-b client', org: 'region-b', unit: 'bChild', state: 'open', nd: false, responsible: 'sw-b' },
  archived: { description: 'archived child-welfare client', org: 'region', unit: 'child', state: 'archived', nd: false, responsible: 'sw-child' },
  childNd: { description: 'child-welfare non-disclosure client (sw-child-2 responsible)', org: 'region', unit: 'child', state: 'open', nd: true, responsible: 'sw-child-2' },
} as const satisfies Record<string, Target>;
type TargetKey = keyof typeof TARGETS;

const UNIT_ROLES: Role[] = ['SOCIAL_WORKER', 'MANAGER', 'STUDENT'];
/** DESIGN §4 row rule and §1 archive (as in the write matrix). */
function sees(g: PersonaGrant, c: Target): boolean {
  if (UNIT_ROLES.includes(g.role)) return g.unit === c.unit && c.state !== 'archived';
  if (g.role === 'BILLING' || g.role === 'AUDITOR') return g.org === c.org && c.state !== 'archived';
  if (g.role === 'REGISTRAR') return g.org === c.org && c.state === 'archived';
  return false; // PARTNER: none of the targets is commissioned to majakka
}
const serves = (unit: UnitKey | null, c: Target) => unit === c.unit && c.state === 'open';
const isStaff = (g: PersonaGrant) => g.role === 'SOCIAL_WORKER' || g.role === 'MANAGER';
/** FAMILY is read by the unit roles (DESIGN §4): they know a client's guardians. */
const readsGuardians = (g: PersonaGrant, c: Target) => sees(g, c) && UNIT_ROLES.includes(g.role);

const VARIANTS = ['addGuardian', 'addGuardian(contact)', 'updateGuardian', 'giveConsent', 'withdrawConsent', 'startCommission', 'endCommission'] as const;
type Variant = (typeof VARIANTS)[number];
const WHERE: Record<Variant, TargetKey[]> = {
  addGuardian: ['child', 'family', 'regionB', 'archived'],
  'addGuardian(contact)': ['childNd', 'child'],
  updateGuardian: ['child', 'family', 'regionB', 'archived', 'childNd'],
  giveConsent: ['child', 'family', 'regionB', 'archived'],
  withdrawConsent: ['child', 'family', 'regionB', 'archived'],
  startCommission: ['child', 'family', 'regionB', 'archived'],
  endCommission: ['child', 'family', 'regionB', 'archived'],
};

type Answer = 'ALLOWED' | 'FORBIDDEN' | 'NOT_FOUND';
interface Cell {
  persona: Persona;
  variant: Variant;
  target: TargetKey;
  answer: Answer;
  allowing: PersonaGrant[];
  /** Whether a refusal's DENIED entry names the client (the register the caller works in: for a partner its issuer's). */
  deniedNamesClient: boolean;
}

function expectCell(persona: Persona, variant: Variant, key: TargetKey): Cell {
  const c: Target = TARGETS[key];
  const allowing = persona.grants.filter((g) => {
    if (!isStaff(g)) return false;
    switch (variant) {
      case 'addGuardian':
      case 'updateGuardian':
        // Names only (FAMILY): no contact data involved.
        return sees(g, c) && serves(g.unit, c);
      case 'addGuardian(contact)':
        return sees(g, c) && serves(g.unit, c) && (!c.nd || g.role === 'MANAGER' || DEMO.users[c.responsible].id === persona.userId);
      case 'giveConsent':
      case 'startCommission':
        return g.unit === c.unit && serves(g.unit, c);
      case 'withdrawConsent':
      case 'endCommission':
        return g.unit === c.unit && sees(g, c);
    }
  });
  // The register the persona works in: its organisation's; the partner token's issuing region's.
  const register: OrgKey = persona.grants[0]!.role === 'PARTNER' ? 'region' : persona.org;
  const otherRegister = register !== c.org;
  let answer: Answer;
  if (allowing.length > 0) answer = 'ALLOWED';
  else if (otherRegister) answer = 'NOT_FOUND';
  else {
    let known: boolean;
    if (variant === 'updateGuardian') known = persona.grants.some((g) => readsGuardians(g, c));
    else if (variant === 'withdrawConsent' || variant === 'endCommission') known = persona.grants.some((g) => UNIT_ROLES.includes(g.role) && g.unit === c.unit && sees(g, c));
    else known = persona.grants.some((g) => sees(g, c));
    answer = known ? 'FORBIDDEN' : 'NOT_FOUND';
  }
  return { persona, variant, target: key, answer, allowing, deniedNamesClient: !otherRegister };
}

const CELLS: Cell[] = ACTIVE_LOGINS.flatMap((login) => VARIANTS.flatMap((variant) => WHERE[variant].map((key) => expectCell(personaOf(login), variant, key))));
const titleOf = (c: Cell) =>
  `${c.persona.login} · ${c.variant} · ${TARGETS[c.target].description} → ${c.answer}${c.allowing.length ? ` (as ${c.allowing.map((g) => `${g.role}@${g.unit}`).join(' | ')})` : ''}`;

// ---------------------------------------------------------------------------------------------
// Fixtures: one client per target, and per cell its own guardian, consent and commission
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
/** A service provider of the tests' own: its commissions change nothing majakka sees. */
const PROVIDER = randomUUID();
let codeCounter = 0;
const clientOf = new Map<TargetKey, string>();

async function insertClients(): Promise<void> {
  await db().insert(organisations).values({ id: PROVIDER, code: `testikoti-${PROVIDER.slice(0, 8)}`, name: 'Testikoti', kind: 'SERVICE_PROVIDER' });
  for (const key of Object.keys(TARGETS) as TargetKey[]) {
    const c: Target = TARGETS[key];
    const id = randomUUID();
    codeCounter += 1;
    const born = new Date(Date.UTC(1931, 0, 1) + codeCounter * 11 * DAY_MS).toISOString().slice(0, 10);
    await db().insert(clients).values({
      id,
      organisationId: ORG_ID[c.org],
      firstName: 'Rekisteri',
      lastName: `Kirjaus${codeCounter}`,
      personalIdentityCode: makePersonalIdentityCode(born, 990 + codeCounter),
      addressNonDisclosure: c.nd,
    });
    await db()
      .insert(clientRelationships)
      .values({
        clientId: id,
        unitId: UNIT_ID[c.unit],
        serviceTask: SERVICE_TASK[c.unit],
        startedOn: c.state === 'open' ? day(-200) : day(-900),
        endedOn: c.state === 'open' ? null : day(-548),
        responsibleWorkerId: DEMO.users[c.responsible].id,
      });
    clientOf.set(key, id);
  }
}

interface Records {
  guardianId: string;
  consentId: string;
  commissionId: string;
}
async function recordsFor(key: TargetKey): Promise<Records> {
  const clientId = clientOf.get(key)!;
  const unitId = UNIT_ID[TARGETS[key].unit];
  const [g] = await db().insert(guardians).values({ clientId, kind: 'PARENT', firstName: 'Alku', lastName: 'Huoltaja', phone: '+358 40 000 0001' }).returning();
  const [c] = await db()
    .insert(consents)
    .values({ clientId, unitId, recipientName: 'Koulu', purpose: 'Yhteistyö', scope: ['WELFARE'], givenOn: day(-10) })
    .returning();
  const [m] = await db()
    .insert(commissions)
    .values({ clientId, commissionerUnitId: unitId, partnerOrganisationId: PROVIDER, kind: 'SUPPORT', startsOn: day(-10) })
    .returning();
  return { guardianId: g!.id, consentId: c!.id, commissionId: m!.id };
}

// ---------------------------------------------------------------------------------------------
// Requests and observation
// ---------------------------------------------------------------------------------------------

function requestOf(cell: Cell, r: Records): { query: string; variables: Record<string, unknown>; field: string } {
  const clientId = clientOf.get(cell.target)!;
  const unitId = UNIT_ID[TARGETS[cell.target].unit];
  switch (cell.variant) {
    case 'addGuardian':
      return {
        field: 'addGuardian',
        query: `mutation RecordsAddGuardian($clientId: ID!, $input: GuardianInput!) { addGuardian(clientId: $clientId, input: $input) { id kind firstName relation version } }`,
        variables: { clientId, input: { kind: 'RELATIVE', firstName: 'Uusi', lastName: 'Sukulainen', relation: 'isoäiti' } },
      };
    case 'addGuardian(contact)':
      return {
        field: 'addGuardian',
        query: `mutation RecordsAddGuardianContact($clientId: ID!, $input: GuardianInput!) { addGuardian(clientId: $clientId, input: $input) { id firstName phone } }`,
        variables: { clientId, input: { kind: 'CONTACT_PERSON', firstName: 'Yhteys', lastName: 'Henkilö', phone: '+358 40 555 0000' } },
      };
    case 'updateGuardian':
      return {
        field: 'updateGuardian',
        query: `mutation RecordsUpdateGuardian($id: ID!, $input: UpdateGuardianInput!) { updateGuardian(id: $id, expectedVersion: 1, input: $input, reason: "Nimi korjattu väestötiedoista") { id lastName version } }`,
        variables: { id: r.guardianId, input: { lastName: 'Korjattu' } },
      };
    case 'giveConsent':
      return {
        field: 'giveConsent',
        query: `mutation RecordsGiveConsent($clientId: ID!, $input: GiveConsentInput!) { giveConsent(clientId: $clientId, input: $input) { id recipientName scope unit { id } } }`,
        variables: { clientId, input: { unitId, recipientName: 'Perheneuvola', purpose: 'Yhteistyö', scope: ['WELFARE', 'FAMILY'] } },
      };
    case 'withdrawConsent':
      return { field: 'withdrawConsent', query: `mutation RecordsWithdrawConsent($id: ID!) { withdrawConsent(id: $id) { id withdrawnOn } }`, variables: { id: r.consentId } };
    case 'startCommission':
      return {
        field: 'startCommission',
        query: `mutation RecordsStartCommission($input: StartCommissionInput!) { startCommission(input: $input) { id kind partnerScopes startsOn } }`,
        variables: { input: { clientId, commissionerUnitId: unitId, partnerOrganisationId: PROVIDER, kind: 'PLACEMENT', startsOn: day(0), partnerScopes: ['clients:read', 'services:read'] } },
      };
    case 'endCommission':
      return { field: 'endCommission', query: `mutation RecordsEndCommission($id: ID!) { endCommission(id: $id) { id endsOn } }`, variables: { id: r.commissionId } };
  }
}

async function rowsOfClient(clientId: string) {
  const [g, c, m] = await Promise.all([
    db().select().from(guardians).where(eq(guardians.clientId, clientId)),
    db().select().from(consents).where(eq(consents.clientId, clientId)),
    db().select().from(commissions).where(eq(commissions.clientId, clientId)),
  ]);
  return JSON.stringify({ g: g.map((x) => ({ ...x, updatedAt: undefined })), c, m });
}

const ENTITY: Record<Variant, [string, 'CREATE' | 'UPDATE']> = {
  addGuardian: ['Guardian', 'CREATE'],
  'addGuardian(contact)': ['Guardian', 'CREATE'],
  updateGuardian: ['Guardian', 'UPDATE'],
  giveConsent: ['Consent', 'CREATE'],
  withdrawConsent: ['Consent', 'UPDATE'],
  startCommission: ['Commission', 'CREATE'],
  endCommission: ['Commission', 'UPDATE'],
};

beforeAll(async () => {
  t = await startTestStack();
  await insertClients();
});
afterAll(() => t?.close());

describe('the client-record write table (persona × mutation × target)', () => {
  it.each(CELLS.map((c) => [titleOf(c), c] as const))('%s', async (_title, cell) => {
    const clientId = clientOf.get(cell.target)!;
    const records = await recordsFor(cell.target);
    const before = await rowsOfClient(clientId);
    const request = requestOf(cell, records);
    const result = await t.execute<Record<string, Record<string, unknown> | null>>({
      ...(cell.persona.login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: cell.persona.login }),
      query: request.query,
      variables: request.variables,
    });
    const requestId = result.headers['x-request-id']!;
    const logged = await db()
      .select()
      .from(entries)
      .where(and(eq(entries.requestId, requestId), ne(entries.action, 'READ')));
    const [entity, action] = ENTITY[cell.variant];

    if (cell.answer !== 'ALLOWED') {
      expect(codesOf(result)).toEqual([cell.answer]);
      expect(result.data?.[request.field] ?? null).toBeNull();
      // Nothing written, a DENIED entry (with the client in the caller's own register or for a partner).
      expect(await rowsOfClient(clientId)).toBe(before);
      expect(logged.filter((e) => e.outcome === 'ALLOWED')).toEqual([]);
      const denied = logged.filter((e) => e.outcome === 'DENIED');
      if (cell.deniedNamesClient) {
        expect(denied.map((e) => [e.entityType, e.action, e.clientId])).toContainEqual([entity, action, clientId]);
      } else {
        expect(denied).toEqual([]);
      }
      return;
    }

    expect(result.errors).toBeUndefined();
    const answer = result.data![request.field]!;
    expect(answer).not.toBeNull();
    const writes = logged.filter((e) => e.outcome === 'ALLOWED');
    expect(writes.map((e) => [e.entityType, e.action, e.clientId])).toEqual([[entity, action, clientId]]);
    expect(cell.allowing.map((g) => `${g.role}@${g.unit}`)).toContain(`${writes[0]!.actorRole}@${UNIT_OF_ID.get(writes[0]!.unitId ?? '') ?? 'none'}`);
    expect(logged.filter((e) => e.outcome === 'DENIED')).toEqual([]);
    switch (cell.variant) {
      case 'addGuardian':
        expect(answer).toMatchObject({ kind: 'RELATIVE', firstName: 'Uusi', relation: 'isoäiti', version: 1 });
        break;
      case 'addGuardian(contact)':
        // The answer obeys the read rules: the writer may read what it wrote.
        expect(answer).toMatchObject({ firstName: 'Yhteys', phone: '+358 40 555 0000' });
        break;
      case 'updateGuardian': {
        expect(answer).toMatchObject({ id: records.guardianId, lastName: 'Korjattu', version: 2 });
        const history = await db().select().from(revisions).where(eq(revisions.entityId, records.guardianId));
        expect(history).toHaveLength(1);
        expect(history[0]).toMatchObject({ entityType: 'Guardian', clientId, revision: 1, fields: ['lastName'], previous: { lastName: 'Huoltaja' }, changedBy: cell.persona.userId, reason: 'Nimi korjattu väestötiedoista' });
        break;
      }
      case 'giveConsent':
        expect(answer).toMatchObject({ recipientName: 'Perheneuvola', scope: ['FAMILY', 'WELFARE'], unit: { id: UNIT_ID[TARGETS[cell.target].unit] } });
        break;
      case 'withdrawConsent': {
        // A withdrawal without a date takes effect on today's date in Finland (kit/finnish-date.ts).
        expect(answer).toMatchObject({ id: records.consentId, withdrawnOn: todayInFinland() });
        const history = await db().select().from(revisions).where(eq(revisions.entityId, records.consentId));
        expect(history).toMatchObject([{ entityType: 'Consent', fields: ['withdrawnOn'], previous: { withdrawnOn: null }, changedBy: cell.persona.userId, reason: 'withdrawn' }]);
        break;
      }
      case 'startCommission':
        expect(answer).toMatchObject({ kind: 'PLACEMENT', partnerScopes: ['clients:read', 'services:read'], startsOn: day(0) });
        break;
      case 'endCommission': {
        expect(answer).toMatchObject({ id: records.commissionId, endsOn: day(0) });
        const history = await db().select().from(revisions).where(eq(revisions.entityId, records.commissionId));
        expect(history).toMatchObject([{ entityType: 'Commission', fields: ['endsOn'], previous: { endsOn: null }, changedBy: cell.persona.userId, reason: 'ended' }]);
        break;
      }
    }
  });

  it('covers every persona, mutation and target, with allowed and refused cells', () => {
    expect(new Set(CELLS.map((c) => c.persona.login)).size).toBe(ACTIVE_LOGINS.length);
    expect(CELLS.filter((c) => c.answer === 'ALLOWED').length).toBeGreaterThan(20);
    expect(CELLS.filter((c) => c.answer === 'FORBIDDEN').length).toBeGreaterThan(20);
    expect(CELLS.filter((c) => c.answer === 'NOT_FOUND').length).toBeGreaterThan(20);
  });
});

describe('input errors and stale versions (as sw-child on a child-welfare client)', () => {
  const GIVE = `mutation ($clientId: ID!, $input: GiveConsentInput!) { giveConsent(clientId: $clientId, input: $input) { id } }`;
  const START = `mutation ($input: StartCommissionInput!) { startCommission(input: $input) { id } }`;
  const consent = (extra: Record<string, unknown>) => ({ unitId: UNIT_ID.child, recipientName: 'Koulu', purpose: 'Yhteistyö', scope: ['HEALTH'], ...extra });
  const commission = (extra: Record<string, unknown>) => ({
    clientId: clientOf.get('child'),
    commissionerUnitId: UNIT_ID.child,
    partnerOrganisationId: PROVIDER,
    kind: 'SUPPORT',
    startsOn: day(0),
    partnerScopes: ['clients:read'],
    ...extra,
  });

  it.each([
    ['empty recipientName', GIVE, () => ({ clientId: clientOf.get('child'), input: consent({ recipientName: '  ' }) }), 'input.recipientName'],
    ['unknown scope category', GIVE, () => ({ clientId: clientOf.get('child'), input: consent({ scope: ['HEALTH', 'SECRETS'] }) }), 'input.scope.1'],
    ['endsOn before startsOn', START, () => ({ input: commission({ endsOn: day(-1) }) }), 'input.endsOn'],
    ['a welfare region as the partner', START, () => ({ input: commission({ partnerOrganisationId: ORG_ID['region-b'] }) }), 'input.partnerOrganisationId'],
    ['an unknown partner scope', START, () => ({ input: commission({ partnerScopes: ['everything'] }) }), 'input.partnerScopes.0'],
  ])('%s: BAD_USER_INPUT naming the field, nothing written', async (_name, query, variables, field) => {
    const clientId = clientOf.get('child')!;
    const before = await rowsOfClient(clientId);
    const result = await t.execute({ as: 'sw-child', query, variables: variables() });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!['field']).toBe(field);
    expect(await rowsOfClient(clientId)).toBe(before);
  });

  it('updateGuardian: a stale expectedVersion is CONFLICT, a missing reason BAD_USER_INPUT; N corrections keep every earlier value', async () => {
    const { guardianId } = await recordsFor('child');
    const UPDATE = `mutation ($id: ID!, $v: Int!, $input: UpdateGuardianInput!, $reason: String!) { updateGuardian(id: $id, expectedVersion: $v, input: $input, reason: $reason) { id phone version } }`;
    const first = await t.execute<{ updateGuardian: { version: number } }>({ as: 'sw-child', query: UPDATE, variables: { id: guardianId, v: 1, input: { phone: '+358 40 000 0002' }, reason: 'Numero vaihtunut' } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateGuardian).toMatchObject({ phone: '+358 40 000 0002', version: 2 });
    const stale = await t.execute({ as: 'mgr-child', query: UPDATE, variables: { id: guardianId, v: 1, input: { phone: '+358 40 000 0003' }, reason: 'Toinen korjaus' } });
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    const noReason = await t.execute({ as: 'mgr-child', query: UPDATE, variables: { id: guardianId, v: 2, input: { phone: '+358 40 000 0003' }, reason: ' ' } });
    expect(codesOf(noReason)).toEqual(['BAD_USER_INPUT']);
    const second = await t.execute({ as: 'mgr-child', query: UPDATE, variables: { id: guardianId, v: 2, input: { phone: '+358 40 000 0003', address: { street: 'Uusikatu 1', postalCode: '00100', postOffice: 'HELSINKI' } }, reason: 'Muutti' } });
    expect(second.errors).toBeUndefined();
    const history = await db().select().from(revisions).where(eq(revisions.entityId, guardianId)).orderBy(revisions.revision);
    expect(history.map((h) => [h.revision, h.fields, h.previous, h.changedBy, h.reason])).toEqual([
      [1, ['phone'], { phone: '+358 40 000 0001' }, DEMO.users['sw-child'].id, 'Numero vaihtunut'],
      [2, ['phone', 'postOffice', 'postalCode', 'streetAddress'], { phone: '+358 40 000 0002', postOffice: null, postalCode: null, streetAddress: null }, DEMO.users['mgr-child'].id, 'Muutti'],
    ]);
    // The log names the GraphQL fields (address, not its columns).
    const requestId = (await db().select().from(entries).where(and(eq(entries.entityId, guardianId), eq(entries.action, 'UPDATE')))).map((e) => e.fields);
    expect(requestId).toContainEqual(['address', 'phone']);
  });

  it('withdrawConsent twice is CONFLICT; endCommission in the future is BAD_USER_INPUT', async () => {
    const { consentId, commissionId } = await recordsFor('child');
    const WITHDRAW = `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`;
    expect((await t.execute({ as: 'sw-child', query: WITHDRAW, variables: { id: consentId } })).errors).toBeUndefined();
    expect(codesOf(await t.execute({ as: 'sw-child', query: WITHDRAW, variables: { id: consentId } }))).toEqual(['CONFLICT']);
    const END = `mutation ($id: ID!, $endsOn: Date) { endCommission(id: $id, endsOn: $endsOn) { id } }`;
    expect(codesOf(await t.execute({ as: 'sw-child', query: END, variables: { id: commissionId, endsOn: day(5) } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('updateClient keeps history: previous value, author and reason (\'update\' when none is given)', async () => {
    const clientId = clientOf.get('child')!;
    const [row] = await db().select().from(clients).where(eq(clients.id, clientId));
    const UPDATE = `mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!, $reason: String) { updateClient(id: $id, version: $version, input: $input, reason: $reason) { id version } }`;
    const first = await t.execute({ as: 'sw-child', query: UPDATE, variables: { id: clientId, version: row!.version, input: { motherTongue: 'ruotsi' } } });
    expect(first.errors).toBeUndefined();
    const second = await t.execute({ as: 'sw-child', query: UPDATE, variables: { id: clientId, version: row!.version + 1, input: { motherTongue: 'suomi' }, reason: 'Korjattu asiakkaan pyynnöstä' } });
    expect(second.errors).toBeUndefined();
    const emptyReason = await t.execute({ as: 'sw-child', query: UPDATE, variables: { id: clientId, version: row!.version + 2, input: { motherTongue: 'ruotsi' }, reason: '' } });
    expect(codesOf(emptyReason)).toEqual(['BAD_USER_INPUT']);
    const history = await db().select().from(revisions).where(and(eq(revisions.entityType, 'Client'), eq(revisions.entityId, clientId))).orderBy(revisions.revision);
    expect(history.map((h) => [h.fields, h.previous, h.changedBy, h.reason])).toEqual([
      [['motherTongue'], { motherTongue: null }, DEMO.users['sw-child'].id, 'update'],
      [['motherTongue'], { motherTongue: 'ruotsi' }, DEMO.users['sw-child'].id, 'Korjattu asiakkaan pyynnöstä'],
    ]);
  });
});

describe('me.permissions shows the new actions', () => {
  const ME = `{ me { permissions { subject actions } } }`;
  const actionsOf = async (login: string) => {
    const result = await t.execute<{ me: { permissions: { subject: string; actions: string[] }[] } }>({ as: login, query: ME });
    expect(result.errors).toBeUndefined();
    return Object.fromEntries(result.data!.me.permissions.map((p) => [p.subject, p.actions]));
  };

  it('unit staff may create and update guardians, consents and commissions; a student, billing and the registrar may not', async () => {
    for (const login of ['sw-child', 'mgr-child']) {
      const actions = await actionsOf(login);
      for (const subject of ['Guardian', 'Consent', 'Commission']) expect(actions[subject]).toEqual(expect.arrayContaining(['read', 'create', 'update']));
    }
    for (const login of ['student-child', 'billing', 'admin', 'dpo']) {
      const actions = await actionsOf(login);
      for (const subject of ['Guardian', 'Consent', 'Commission']) expect(actions[subject] ?? []).not.toEqual(expect.arrayContaining(['create']));
    }
  });
});

describe('partners: a withdrawal and an end take effect on the very next request', () => {
  const MEDS = `query PartnerMeds($id: ID!) { client(id: $id) { id medications { medicine } } }`;

  it('consent withdrawn by staff: the partner\'s next request shows no medications', async () => {
    const clientId = DEMO.clients.majakkaActive[0]!;
    const [consent] = await db()
      .select()
      .from(consents)
      .where(and(eq(consents.clientId, clientId), eq(consents.recipientOrganisationId, ORG_ID.majakka)));
    expect(consent!.scope).toEqual(['HEALTH']);
    const [placement] = await db().select().from(placements).where(and(eq(placements.clientId, clientId), isNotNull(placements.commissionId)));
    await db().insert(medications).values({ clientId, unitId: placement!.unitId, placementId: placement!.id, medicine: 'Melatoniini', dose: '1 mg', givenAt: new Date(), givenBy: 'Perhekoti Majakka' });
    const before = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: clientId } });
    expect(before.errors).toBeUndefined();
    expect(before.data!.client.medications.length).toBeGreaterThan(0);

    const withdrawn = await t.execute({ as: 'mgr-child', query: `mutation ($id: ID!) { withdrawConsent(id: $id) { id withdrawnOn } }`, variables: { id: consent!.id } });
    expect(withdrawn.errors).toBeUndefined();

    const after = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: clientId } });
    expect(after.errors).toBeUndefined();
    expect(after.data!.client.medications).toEqual([]);
    // As the read path logs it: the medications are absent (no row, so no DISCLOSE of Medication).
    const logged = await db().select().from(entries).where(eq(entries.requestId, after.headers['x-request-id']!));
    expect(logged.filter((e) => e.entityType === 'Medication')).toEqual([]);
  });

  it('a consent without HEALTH in its scope discloses no medications', async () => {
    const clientId = DEMO.clients.majakkaActive[1]!;
    await db().update(consents).set({ scope: ['WELFARE'] }).where(and(eq(consents.clientId, clientId), eq(consents.recipientOrganisationId, ORG_ID.majakka)));
    const [placement] = await db().select().from(placements).where(and(eq(placements.clientId, clientId), isNotNull(placements.commissionId)));
    await db().insert(medications).values({ clientId, unitId: placement!.unitId, placementId: placement!.id, medicine: 'Ibuprofeeni', dose: '200 mg', givenAt: new Date(), givenBy: 'Perhekoti Majakka' });
    const result = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: clientId } });
    expect(result.data!.client.medications).toEqual([]);
    await db().update(consents).set({ scope: ['HEALTH'] }).where(and(eq(consents.clientId, clientId), eq(consents.recipientOrganisationId, ORG_ID.majakka)));
    const restored = await t.execute<{ client: { medications: unknown[] } }>({ token: DEMO_PARTNER_TOKEN, query: MEDS, variables: { id: clientId } });
    expect(restored.data!.client.medications.length).toBeGreaterThan(0);
  });

  it('commission ended by staff: the partner\'s next request finds nothing and documents:write is refused', async () => {
    const clientId = DEMO.clients.majakkaActive[1]!;
    const commissionId = DEMO.commissions.majakkaActive[1]!;
    const CLIENT = `query PartnerClient($id: ID!) { client(id: $id) { id firstName } }`;
    const before = await t.execute<{ client: { id: string } | null }>({ token: DEMO_PARTNER_TOKEN, query: CLIENT, variables: { id: clientId } });
    expect(before.data!.client).toMatchObject({ id: clientId });

    const ended = await t.execute({ as: 'sw-child', query: `mutation ($id: ID!) { endCommission(id: $id) { id endsOn } }`, variables: { id: commissionId } });
    expect(ended.errors).toBeUndefined();

    const after = await t.execute<{ client: unknown }>({ token: DEMO_PARTNER_TOKEN, query: CLIENT, variables: { id: clientId } });
    expect(after.errors).toBeUndefined();
    expect(after.data!.client).toBeNull();
    const list = await t.execute<{ clients: { nodes: { id: string }[] } }>({ token: DEMO_PARTNER_TOKEN, query: `{ clients(first: 100) { nodes { id } } }` });
    expect(list.data!.clients.nodes.map((n) => n.id)).not.toContain(clientId);
    const write = await t.execute({
      token: DEMO_PARTNER_TOKEN,
      query: `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id } }`,
      variables: { input: { clientId, unitId: UNIT_ID.child, type: 'REPORT', title: 'Raportti', body: 'Teksti.' } },
    });
    expect(codesOf(write)).toEqual(['NOT_FOUND']);
  });

  it('partnerScopes narrow a commission: without services:read the partner sees none of its placements', async () => {
    // A fresh child-welfare client commissioned to majakka by staff, with clients:read only.
    const clientId = clientOf.get('child')!;
    const started = await t.execute<{ startCommission: { id: string } }>({
      as: 'mgr-child',
      query: `mutation ($input: StartCommissionInput!) { startCommission(input: $input) { id partnerScopes } }`,
      variables: { input: { clientId, commissionerUnitId: UNIT_ID.child, partnerOrganisationId: ORG_ID.majakka, kind: 'PLACEMENT', startsOn: day(0), partnerScopes: ['clients:read'] } },
    });
    expect(started.errors).toBeUndefined();
    await db()
      .insert(placements)
      .values({ clientId, unitId: UNIT_ID.child, commissionId: started.data!.startCommission.id, kind: 'FAMILY_CARE', providerOrganisationId: ORG_ID.majakka, providerName: 'Majakka', startsOn: day(0) });
    const seen = await t.execute<{ client: { id: string; lastName: string | null; placements: unknown[] | null } | null }>({
      token: DEMO_PARTNER_TOKEN,
      query: `query ($id: ID!) { client(id: $id) { id lastName placements { id } } }`,
      variables: { id: clientId },
    });
    expect(seen.data!.client).toMatchObject({ id: clientId, lastName: expect.any(String) });
    expect(seen.data!.client!.placements ?? []).toEqual([]);
    const ids = (await db().select({ id: commissions.id }).from(commissions).where(inArray(commissions.clientId, [clientId]))).length;
    expect(ids).toBeGreaterThan(0);
  });
});

describe('fail-closed: a failed log write rolls the change back', () => {
  let f: TestStack;
  const auditLog = new SwitchableAuditSink(() => f.database);
  beforeAll(async () => {
    f = await startTestStack({ auditSink: auditLog });
  });
  afterAll(() => f?.close());

  it('writes no guardian, consent, commission, withdrawal, end or history row when the log cannot be written', async () => {
    const clientId = DEMO.clients.majakkaActive[0]!;
    const [consent] = await f.database.db.select().from(consents).where(eq(consents.clientId, clientId));
    const commissionId = DEMO.commissions.majakkaActive[0]!;
    const snapshot = async () =>
      JSON.stringify([
        await f.database.db.select().from(guardians).where(eq(guardians.clientId, clientId)),
        await f.database.db.select().from(consents).where(eq(consents.clientId, clientId)),
        await f.database.db.select().from(commissions).where(eq(commissions.clientId, clientId)),
        await f.database.db.select().from(revisions).where(eq(revisions.clientId, clientId)),
      ]);
    const before = await snapshot();
    auditLog.failing = true;
    try {
      const requests: { query: string; variables: Record<string, unknown> }[] = [
        { query: `mutation ($c: ID!) { addGuardian(clientId: $c, input: { kind: RELATIVE, firstName: "A", lastName: "B" }) { id } }`, variables: { c: clientId } },
        { query: `mutation ($c: ID!, $u: ID!) { giveConsent(clientId: $c, input: { unitId: $u, recipientName: "R", purpose: "P", scope: ["HEALTH"] }) { id } }`, variables: { c: clientId, u: UNIT_ID.child } },
        { query: `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, variables: { id: consent!.id } },
        { query: `mutation ($id: ID!) { endCommission(id: $id) { id } }`, variables: { id: commissionId } },
      ];
      for (const request of requests) {
        const result = await f.execute({ as: 'mgr-child', ...request });
        expect(result.errors?.length).toBeGreaterThan(0);
        expect(codesOf(result)).not.toContain(undefined);
      }
    } finally {
      auditLog.failing = false;
    }
    expect(await snapshot()).toBe(before);
  });
});
