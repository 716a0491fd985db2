/**
 * The channels suite (DESIGN.md §4, policy v2 "every channel, every grant"; issue 9): for every persona
 * of §7 — multi-role users, region-b and the partner token included — no channel yields more than the
 * persona's field reads allow:
 *
 * - filters of `clients` (lastNamePrefix → lastName, personalIdentityCode → personalIdentityCode,
 *   unitId / activeOnly → relationships), the sort by name, opaque cursors and `totalCount`;
 * - look-ups (`client(id)`, `clientByPersonalIdentityCode`): invisible = nonexistent, refused attempts
 *   at a known client logged as DENIED with that client;
 * - the access log: a filter or look-up on a sensitive value is a use of every client it matched;
 * - mutation responses and the intake of a person registered elsewhere.
 *
 * Expectations come from channels/world.ts (the §4 table read per grant, applied to the seeded
 * tables), never from the policy module.
 *
 * Tests named "channels-N" pin what this suite found in the first issue-9 build (each explained in the
 * comment above it); they were fixed and stay as regression tests.
 */
import { clientRelationships, clients, DEMO, makePersonalIdentityCode } from '@vartija/db';
import { rowsOf } from '@vartija/kit';
import { and, eq, sql } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { ACTIVE_LOGINS, type ActiveLogin, startTestStack, type TestStack } from '../testkit';
import { call, codesOf, decodedCursor, type Entry, errorShape, LIST, type ListPage, logOf, uuidsIn, walk } from './channels/requests';
import { CATEGORY, filterFields, type ListFilter, Oracle, type Persona, personaOf, registerOf, World } from './channels/world';

const LOGINS = ACTIVE_LOGINS;
type Login = ActiveLogin;

const C = DEMO.clients;
const UNIT = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  adult: DEMO.units['adult-services'].id,
  b: DEMO.units['b-child-welfare'].id,
};
const NONEXISTENT_ID = '00000000-0000-4000-8000-000000000000';
const SHARED = DEMO.regionB.sharedPersons;

/** Clients whose look-ups and codes every persona is tried on: every kind of reach in the demo world. */
const TARGETS: readonly [string, string][] = [
  ['childWelfareOpen', C.childWelfareOpen],
  ['childWelfareNonDisclosureOther', C.childWelfareNonDisclosureOther],
  ['childWelfareRecentlyEnded', C.childWelfareRecentlyEnded],
  ['childWelfareArchived', C.childWelfareArchived],
  ['familyOnly', C.familyOnly],
  ['adultOnly', C.adultOnly],
  ['childAndFamily', C.childAndFamily],
  ['childAndAdult', C.childAndAdult],
  ['majakkaActive[0]', C.majakkaActive[0]!],
  ['majakkaEnded', C.majakkaEnded],
  ['shared person (region record, non-disclosure)', SHARED[1]!.regionClientId],
  ['regionB.open', DEMO.regionB.open],
];

let t: TestStack;
let world: World;
let oracle: Oracle;
let unknownCode: string;
const personas = new Map<Login, Persona>();

beforeAll(async () => {
  t = await startTestStack();
  world = await World.load(t.database.db, t.now);
  oracle = new Oracle(world);
  for (let n = 0; ; n += 1) {
    unknownCode = makePersonalIdentityCode('1931-03-0' + ((n % 9) + 1), 900 + n);
    if (world.clientsWithCode(unknownCode).length === 0) break;
  }
  for (const login of LOGINS) personas.set(login, personaOf(login));
});
afterAll(() => t?.close());

const persona = (login: Login) => personas.get(login)!;
const sorted = (ids: Iterable<string>) => [...ids].sort();

/** The filters every persona is tried with; built once the seeded codes are known. */
const FILTERS: readonly [string, () => ListFilter][] = [
  ['none', () => ({})],
  ['lastNamePrefix "K"', () => ({ lastNamePrefix: 'K' })],
  ['lastNamePrefix "sal" (lower case)', () => ({ lastNamePrefix: 'sal' })],
  ...TARGETS.map(([name, id]): [string, () => ListFilter] => [`personalIdentityCode of ${name}`, () => ({ personalIdentityCode: world.codeOf(id) })]),
  ['personalIdentityCode nobody has', () => ({ personalIdentityCode: unknownCode })],
  ['unitId child-welfare', () => ({ unitId: UNIT.child })],
  ['unitId family-services', () => ({ unitId: UNIT.family })],
  ['unitId adult-services', () => ({ unitId: UNIT.adult })],
  ['unitId b-child-welfare (region-b)', () => ({ unitId: UNIT.b })],
  ['activeOnly', () => ({ activeOnly: true })],
  ['activeOnly + unitId child-welfare', () => ({ activeOnly: true, unitId: UNIT.child })],
  ['activeOnly + lastNamePrefix "K"', () => ({ activeOnly: true, lastNamePrefix: 'K' })],
  ['unitId adult-services + personalIdentityCode of childAndAdult', () => ({ unitId: UNIT.adult, personalIdentityCode: world.codeOf(C.childAndAdult) })],
  ['unitId child-welfare + personalIdentityCode of childAndAdult', () => ({ unitId: UNIT.child, personalIdentityCode: world.codeOf(C.childAndAdult) })],
];

const cells = { list: 0, forbidden: 0, empty: 0, lookups: 0, cursors: 0, sorts: 0 };
afterAll(() => {
  console.log(
    `channels: ${LOGINS.length} personas; ${cells.list} list cells (filter × persona: ${cells.forbidden} FORBIDDEN, ${cells.empty} empty, ` +
      `${cells.list - cells.forbidden - cells.empty} with clients), ${cells.lookups} look-up cells, ${cells.cursors} cursor cells, ${cells.sorts} sort cells`,
  );
});

// ---------------------------------------------------------------------------------------------
// What the log must say about a filtered list
// ---------------------------------------------------------------------------------------------

/**
 * Every client a filtered request returned or counted has an ALLOWED entry of that request naming each
 * filtered field with its category, under a grant that reads the field on that client; no entry
 * names the filtered field for a client outside the expected set.
 */
function logMismatches(p: Persona, log: Entry[], expected: Set<string>, filter: ListFilter): string[] {
  const out: string[] = [];
  const reads = log.filter((e) => e.outcome === 'ALLOWED' && (e.action === 'READ' || e.action === 'DISCLOSE'));
  for (const field of filterFields(filter)) {
    for (const id of expected) {
      const found = reads.filter((e) => e.clientId === id && e.fields.includes(field));
      if (found.length === 0) {
        out.push(`no entry for ${id.slice(0, 8)} with ${field}`);
        continue;
      }
      if (!found.every((e) => e.categories.includes(CATEGORY[field]))) out.push(`entry for ${id.slice(0, 8)} lacks category ${CATEGORY[field]}`);
      const allowedUnder = oracle.grantsReading(p, id, field);
      const named = found.filter((e) => allowedUnder.some((g) => (g.role === 'PARTNER' ? e.actorKind === 'PARTNER' : e.actorRole === g.role && e.unitId === g.unitId)));
      if (named.length === 0) {
        out.push(`entry for ${id.slice(0, 8)} names ${found.map((e) => `${e.actorRole}/${e.unitId?.slice(0, 8)}`).join(',')}, not a grant reading ${field} on it`);
      }
    }
    for (const e of reads.filter((r) => r.fields.includes(field) && r.clientId && !expected.has(r.clientId))) {
      out.push(`entry with ${field} names ${e.clientId} outside the matched clients`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Filters, counts, log: persona × filter
// ---------------------------------------------------------------------------------------------

describe.each(LOGINS.map((l) => [l]))('%s: clients(filter) yields no more than its field reads allow', (login) => {
  it.each(FILTERS)('%s', async (_name, build) => {
    const p = persona(login);
    const filter = build();
    const expected = oracle.list(p, filter);
    const result = await walk(t, login, filter);
    cells.list += 1;
    if (expected === 'FORBIDDEN') cells.forbidden += 1;
    else if (expected.size === 0) cells.empty += 1;

    if (expected === 'FORBIDDEN') {
      // A filter on a field no grant of the persona reads: refused, nothing about any client, logged as DENIED.
      const refused = result.refused;
      expect(refused).toBeDefined();
      expect(codesOf(refused!)).toEqual(['FORBIDDEN']);
      expect(refused!.data?.clients ?? null).toBeNull();
      expect(uuidsIn(refused!.data).filter((id) => world.clients.has(id))).toEqual([]);
      expect(JSON.stringify(refused!.errors)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      const denied = (await logOf(t, refused!)).filter((e) => e.outcome === 'DENIED');
      const never = filterFields(filter).filter((f) => oracle.neverReadable(p, f));
      for (const field of never) expect(denied.some((e) => e.fields.includes(field) && e.categories.includes(CATEGORY[field]))).toBe(true);
      return;
    }

    expect(result.refused?.errors).toBeUndefined();
    expect(sorted(result.ids)).toEqual(sorted(expected));
    expect(new Set(result.ids).size).toBe(result.ids.length);
    for (const count of result.totalCounts) expect(count).toBe(expected.size);
    if (filterFields(filter).length > 0) {
      // Every page counted (totalCount) all matched clients: each page's request logs every one of them.
      for (const page of result.pages) expect(logMismatches(p, await logOf(t, page), expected, filter)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Sort and cursors: per persona
// ---------------------------------------------------------------------------------------------

const references = new Map<string, Promise<string[]>>();
/** The whole organisation's list in the order the auditor gets it (every role reads names). */
function referenceOrder(login: 'dpo' | 'dpo-b'): Promise<string[]> {
  let order = references.get(login);
  if (!order) references.set(login, (order = walk(t, login, undefined).then((w) => w.ids)));
  return order;
}

/** Names of two neighbours that every collation orders alike (ASCII letters, neither a prefix of the other). */
function comparable(a: string | null, b: string | null): boolean {
  const ascii = /^[a-z]+$/;
  const x = (a ?? '').toLowerCase();
  const y = (b ?? '').toLowerCase();
  return ascii.test(x) && ascii.test(y) && !x.startsWith(y) && !y.startsWith(x);
}

describe.each(LOGINS.map((l) => [l]))('%s: sort and cursors', (login) => {
  it('sorts by name only: the order agrees with the names and with the organisation-wide order', async () => {
    const p = persona(login);
    const { ids } = await walk(t, login, undefined, 37);
    expect(sorted(ids)).toEqual(sorted(oracle.allVisible(p)));
    for (let i = 1; i < ids.length; i += 1) {
      const a = world.client(ids[i - 1]!);
      const b = world.client(ids[i]!);
      if ((a.lastName ?? '').toLowerCase() === (b.lastName ?? '').toLowerCase()) {
        if (comparable(a.firstName, b.firstName)) expect((a.firstName ?? '').toLowerCase() < (b.firstName ?? '').toLowerCase()).toBe(true);
      } else if (comparable(a.lastName, b.lastName)) {
        expect([a.lastName, b.lastName].map((n) => n!.toLowerCase())).toEqual([a.lastName, b.lastName].map((n) => n!.toLowerCase()).sort());
      }
    }
    // The archive (admin) is seen by no other persona; region-b has its own auditor.
    if (login !== 'admin') {
      const reference = await referenceOrder(p.grants[0]!.organisationId === DEMO.organisations['region-b'].id ? 'dpo-b' : 'dpo');
      const mine = new Set(ids);
      expect(ids).toEqual(reference.filter((id) => mine.has(id)));
    }
    cells.sorts += 1;
  });

  it('issues cursors that carry no personal data and that no other persona or filter may use', async () => {
    const page = await call<ListPage>(t, login, LIST, { first: 50 });
    expect(page.errors).toBeUndefined();
    const { edges, nodes } = page.data!.clients!;
    expect(edges.length).toBeGreaterThan(0);
    const p = persona(login);
    edges.forEach(({ cursor }, i) => {
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const decoded = decodedCursor(cursor);
      const c = world.client(nodes[i]!.id);
      for (const secret of [c.lastName, c.firstName, c.pseudonym, c.personalIdentityCode, c.id, p.userId]) {
        if (secret && secret.length >= 3) expect(decoded).not.toContain(secret.toLowerCase());
      }
    });
    const cursor = page.data!.clients!.pageInfo.endCursor!;
    const other = LOGINS[(LOGINS.indexOf(login) + 1) % LOGINS.length]!;
    const foreign = await call<ListPage>(t, other, LIST, { first: 50, after: cursor });
    expect(codesOf(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(foreign.errors?.[0]?.extensions?.['field']).toBe('after');
    expect(foreign.data?.clients ?? null).toBeNull();
    const otherFilter = await call<ListPage>(t, login, LIST, { first: 50, after: cursor, filter: { lastNamePrefix: 'K' } });
    expect(codesOf(otherFilter)).toEqual(['BAD_USER_INPUT']);
    cells.cursors += 1;
  });
});

// ---------------------------------------------------------------------------------------------
// Look-ups: per persona, every target
// ---------------------------------------------------------------------------------------------

type One = { client: { id: string } | null };
type ByCode = { clientByPersonalIdentityCode: { id: string } | null };
const BY_ID = `query ($id: ID!) { client(id: $id) { id } }`;
const BY_CODE = `query ($code: String!) { clientByPersonalIdentityCode(code: $code) { id } }`;

describe.each(LOGINS.map((l) => [l]))('%s: look-ups', (login) => {
  it('client(id): visible clients only; an invisible one answers as a nonexistent id, and the refusal is logged with that client', async () => {
    const p = persona(login);
    const missing = await call<One>(t, login, BY_ID, { id: NONEXISTENT_ID });
    expect(missing.data).toEqual({ client: null });
    expect(missing.errors).toBeUndefined();
    expect((await logOf(t, missing)).filter((e) => e.clientId !== null)).toEqual([]);
    const problems: string[] = [];
    for (const [name, id] of TARGETS) {
      cells.lookups += 1;
      const result = await call<One>(t, login, BY_ID, { id });
      const log = await logOf(t, result);
      if (oracle.visible(p, id)) {
        if (result.data?.client?.id !== id || result.errors) problems.push(`${name}: expected the client, got ${JSON.stringify(result.data)} ${JSON.stringify(result.errors)}`);
        if (log.some((e) => e.outcome === 'DENIED')) problems.push(`${name}: visible, yet a DENIED entry`);
        continue;
      }
      if (JSON.stringify({ s: result.status, d: result.data, e: errorShape(result.errors) }) !== JSON.stringify({ s: missing.status, d: missing.data, e: errorShape(missing.errors) })) {
        problems.push(`${name}: answer differs from a nonexistent id: ${JSON.stringify(result.data)} ${JSON.stringify(result.errors)}`);
      }
      // Only the caller's own register's clients are named (for the partner token its issuer's): naming another
      // organisation's client would tell the caller's auditors who is a client there (channels-3).
      const own = world.client(id).organisationId === registerOf(p);
      if (own && !log.some((e) => e.outcome === 'DENIED' && e.clientId === id)) problems.push(`${name}: no DENIED entry naming the client`);
      if (!own && log.some((e) => e.clientId === id)) problems.push(`${name}: an entry names another organisation's client`);
      if (log.some((e) => e.outcome === 'ALLOWED' && e.clientId === id)) problems.push(`${name}: an ALLOWED entry for an invisible client`);
    }
    expect(problems).toEqual([]);
  });

  it('clientByPersonalIdentityCode: only clients whose code it may read; otherwise the same null as an unknown code, logged with each client of that code', async () => {
    const p = persona(login);
    const unknown = await call<ByCode>(t, login, BY_CODE, { code: unknownCode });
    expect((await logOf(t, unknown)).filter((e) => e.clientId !== null)).toEqual([]);
    const problems: string[] = [];
    for (const [name, id] of TARGETS) {
      cells.lookups += 1;
      const code = world.codeOf(id);
      const expected = oracle.byCode(p, code);
      const result = await call<ByCode>(t, login, BY_CODE, { code });
      const log = await logOf(t, result);
      if (expected === 'FORBIDDEN') {
        // No grant reads identity codes: refused whatever the code, no client in the answer.
        if (JSON.stringify(codesOf(result)) !== '["FORBIDDEN"]' || result.data?.clientByPersonalIdentityCode) problems.push(`${name}: expected FORBIDDEN, got ${JSON.stringify(result.data)} ${JSON.stringify(codesOf(result))}`);
        if (JSON.stringify(errorShape(result.errors)) !== JSON.stringify(errorShape(unknown.errors))) problems.push(`${name}: refusal differs from an unknown code's`);
        if (!log.some((e) => e.outcome === 'DENIED' && e.fields.includes('personalIdentityCode'))) problems.push(`${name}: no DENIED entry`);
        continue;
      }
      if (expected !== null) {
        if (result.data?.clientByPersonalIdentityCode?.id !== expected || result.errors) problems.push(`${name}: expected ${expected.slice(0, 8)}, got ${JSON.stringify(result.data)} ${JSON.stringify(result.errors)}`);
        const entry = log.find((e) => e.outcome === 'ALLOWED' && e.clientId === expected && e.fields.includes('personalIdentityCode'));
        if (!entry?.categories.includes('PERSONAL_ID')) problems.push(`${name}: the look-up is not logged as a use of the client's identity code`);
        continue;
      }
      if (JSON.stringify({ d: result.data, e: errorShape(result.errors) }) !== JSON.stringify({ d: unknown.data, e: errorShape(unknown.errors) })) {
        problems.push(`${name}: answer differs from an unknown code: ${JSON.stringify(result.data)} ${JSON.stringify(result.errors)}`);
      }
      for (const existing of world.clientsWithCode(code)) {
        const own = world.client(existing).organisationId === registerOf(p);
        if (own && !log.some((e) => e.outcome === 'DENIED' && e.clientId === existing)) problems.push(`${name}: no DENIED entry naming ${existing.slice(0, 8)}`);
        if (!own && log.some((e) => e.clientId === existing)) problems.push(`${name}: an entry names another organisation's client ${existing.slice(0, 8)}`);
      }
      if (log.some((e) => e.outcome === 'ALLOWED' && e.clientId !== null)) problems.push(`${name}: an ALLOWED entry although nothing was found`);
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The security review's findings, one by one (each failed on the code before issue 9)
// ---------------------------------------------------------------------------------------------

type Counted = { clients: { totalCount: number; nodes: { id: string }[] } | null };
const COUNTED = `query ($filter: ClientFilter) { clients(filter: $filter, first: 100) { totalCount nodes { id } } }`;

describe('finding a: relationship filters match only relationships the caller sees', () => {
  it('sw-family filtering by adult-services learns nothing, though it sees clients who have an adult-services relationship', async () => {
    // Precondition: familyAndAdult is visible to sw-family (family services) and open in adult services.
    expect(oracle.visible(persona('sw-family'), C.familyAndAdult)).toBe(true);
    expect(world.relationshipsOf.get(C.familyAndAdult)!.some((r) => r.unitId === UNIT.adult && r.endedOn === null)).toBe(true);
    const result = await call<Counted>(t, 'sw-family', COUNTED, { filter: { unitId: UNIT.adult } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.clients).toEqual({ totalCount: 0, nodes: [] });
    const withActive = await call<Counted>(t, 'sw-family', COUNTED, { filter: { unitId: UNIT.adult, activeOnly: true } });
    expect(withActive.data!.clients).toEqual({ totalCount: 0, nodes: [] });
  });

  it('activeOnly: a client whose only visible relationship has ended is not "active" because another unit still serves it', async () => {
    // Clients sw-child sees through an ended child-welfare relationship while family services still serves them.
    const endedHereOpenElsewhere = [...oracle.allVisible(persona('sw-child'))].filter((id) => {
      const rs = world.relationshipsOf.get(id)!;
      return rs.some((r) => r.unitId === UNIT.child && r.endedOn !== null) && !rs.some((r) => r.unitId === UNIT.child && r.endedOn === null) && rs.some((r) => r.unitId !== UNIT.child && r.endedOn === null);
    });
    expect(endedHereOpenElsewhere.length).toBeGreaterThan(0);
    const { ids, totalCounts } = await walk(t, 'sw-child', { activeOnly: true });
    expect(ids.filter((id) => endedHereOpenElsewhere.includes(id))).toEqual([]);
    expect(totalCounts[0]).toBe(ids.length);
    // ... while the unfiltered list does hold them.
    const all = await walk(t, 'sw-child', undefined);
    expect(all.ids).toEqual(expect.arrayContaining(endedHereOpenElsewhere));
  });
});

describe('finding b: billing and dpo may not read relationships, so they cannot list clients by unit', () => {
  it.each([['billing'], ['dpo']] as const)('%s: unitId and activeOnly are FORBIDDEN, logged as DENIED, and name no client', async (login) => {
    for (const filter of [{ unitId: UNIT.child }, { unitId: UNIT.adult }, { activeOnly: true }, { activeOnly: true, lastNamePrefix: 'K' }]) {
      const result = await call<Counted>(t, login, COUNTED, { filter });
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(result.data?.clients ?? null).toBeNull();
      expect(uuidsIn({ data: result.data, errors: result.errors })).toEqual([]);
      const denied = (await logOf(t, result)).filter((e) => e.outcome === 'DENIED');
      expect(denied).toEqual([expect.objectContaining({ fields: ['relationships'], categories: ['WELFARE'], clientId: null })]);
    }
  });

  it('billing-student and dpo-student filter by unit only through the trainee grant: child-welfare clients, nothing of the other units', async () => {
    for (const login of ['billing-student', 'dpo-student'] as const) {
      const child = await walk(t, login, { unitId: UNIT.child });
      expect(sorted(child.ids)).toEqual(sorted(oracle.list(persona(login), { unitId: UNIT.child }) as Set<string>));
      expect(child.ids.length).toBeGreaterThan(50);
      for (const unit of [UNIT.family, UNIT.adult]) {
        const other = await call<Counted>(t, login, COUNTED, { filter: { unitId: unit } });
        expect(other.errors).toBeUndefined();
        expect(other.data!.clients).toEqual({ totalCount: 0, nodes: [] });
      }
    }
  });
});

describe('finding c: a filter on identity codes needs the right to read them on the rows selected', () => {
  it('student-child: FORBIDDEN with a DENIED entry, the same answer for a code that exists and one that does not', async () => {
    const existing = await call<Counted>(t, 'student-child', COUNTED, { filter: { personalIdentityCode: world.codeOf(C.childWelfareOpen) } });
    const unknown = await call<Counted>(t, 'student-child', COUNTED, { filter: { personalIdentityCode: unknownCode } });
    expect(codesOf(existing)).toEqual(['FORBIDDEN']);
    expect(errorShape(existing.errors)).toEqual(errorShape(unknown.errors));
    expect(existing.data).toEqual(unknown.data);
    const refusal = expect.objectContaining({ fields: ['personalIdentityCode'], categories: ['PERSONAL_ID'], actorRole: 'STUDENT', clientId: null });
    expect((await logOf(t, unknown)).filter((e) => e.outcome === 'DENIED')).toEqual([refusal]);
    // The existing code's refusal is also logged against the client it names (channels-1).
    expect((await logOf(t, existing)).filter((e) => e.outcome === 'DENIED')).toEqual([
      refusal,
      expect.objectContaining({ fields: ['personalIdentityCode'], actorRole: 'STUDENT', clientId: C.childWelfareOpen }),
    ]);
  });

  it('sw-adult-student: the code of a client she sees only as a trainee finds nothing; an adult-services client is found', async () => {
    const p = persona('sw-adult-student');
    expect(oracle.visible(p, C.childWelfareOpen)).toBe(true);
    const trainee = await call<Counted>(t, 'sw-adult-student', COUNTED, { filter: { personalIdentityCode: world.codeOf(C.childWelfareOpen) } });
    expect(trainee.errors).toBeUndefined();
    expect(trainee.data!.clients).toEqual({ totalCount: 0, nodes: [] });
    for (const id of [C.adultOnly, C.childAndAdult]) {
      const found = await call<Counted>(t, 'sw-adult-student', COUNTED, { filter: { personalIdentityCode: world.codeOf(id) } });
      expect(found.data!.clients).toEqual({ totalCount: 1, nodes: [{ id }] });
      // The use is logged under the social worker's grant, the one that reads codes.
      const entry = (await logOf(t, found)).find((e) => e.clientId === id && e.fields.includes('personalIdentityCode'));
      expect(entry).toMatchObject({ outcome: 'ALLOWED', actorRole: 'SOCIAL_WORKER', unitId: UNIT.adult, categories: expect.arrayContaining(['PERSONAL_ID']) });
    }
  });
});

describe('finding d: a filter or look-up on a sensitive value is logged for every client it matched', () => {
  const cases: [Login, string, () => ListFilter][] = [
    ['sw-child', 'identity code', () => ({ personalIdentityCode: world.codeOf(C.childWelfareOpen) })],
    ['billing', 'identity code', () => ({ personalIdentityCode: world.codeOf(C.adultOnly) })],
    ['dpo-student', 'identity code', () => ({ personalIdentityCode: world.codeOf(C.familyOnly) })],
    ['sw-adult-student', 'last-name prefix', () => ({ lastNamePrefix: 'K' })],
    ['mgr-family-sw-child', 'last-name prefix + active', () => ({ lastNamePrefix: 'sa', activeOnly: true })],
    ['majakka', 'last-name prefix', () => ({ lastNamePrefix: world.client(C.majakkaActive[0]!).lastName!.slice(0, 2) })],
    ['sw-b', 'identity code of a shared person', () => ({ personalIdentityCode: world.codeOf(SHARED[0]!.regionBClientId) })],
  ];

  it.each(cases)('%s, %s: only totalCount selected → every matched client logged', async (login, _name, build) => {
    const filter = build();
    const expected = oracle.list(persona(login), filter) as Set<string>;
    expect(expected.size).toBeGreaterThan(0);
    const result = await call<{ clients: { totalCount: number } }>(t, login, `query ($filter: ClientFilter) { clients(filter: $filter) { totalCount } }`, { filter });
    expect(result.data!.clients.totalCount).toBe(expected.size);
    expect(logMismatches(persona(login), await logOf(t, result), expected, filter)).toEqual([]);
  });

  it.each(cases)('%s, %s: only ids selected → every returned client logged', async (login, _name, build) => {
    const filter = build();
    const result = await call<{ clients: { nodes: { id: string }[] } }>(t, login, `query ($filter: ClientFilter) { clients(filter: $filter, first: 3) { nodes { id } } }`, { filter });
    const returned = new Set(result.data!.clients.nodes.map((n) => n.id));
    expect(returned.size).toBeGreaterThan(0);
    expect(logMismatches(persona(login), await logOf(t, result), returned, filter)).toEqual([]);
  });

  it('clientByPersonalIdentityCode selecting only the id is a use of the code, logged with PERSONAL_ID', async () => {
    for (const [login, id] of [['sw-child', C.childWelfareOpen], ['billing', C.adultOnly], ['dpo', C.familyOnly], ['admin', C.childWelfareArchived]] as const) {
      const result = await call<ByCode>(t, login, BY_CODE, { code: world.codeOf(id).toLowerCase() });
      expect(result.data?.clientByPersonalIdentityCode).toEqual({ id });
      const entry = (await logOf(t, result)).find((e) => e.clientId === id);
      expect(entry).toMatchObject({ outcome: 'ALLOWED', fields: ['personalIdentityCode'], categories: ['PERSONAL_ID'] });
    }
  });
});

describe('finding e: refused look-ups answer as nonexistent ones and are logged with the client', () => {
  it('sw-adult: client(id) and clientByPersonalIdentityCode of a child-welfare client', async () => {
    const invisible = await call<One>(t, 'sw-adult', BY_ID, { id: C.childWelfareOpen });
    const missing = await call<One>(t, 'sw-adult', BY_ID, { id: NONEXISTENT_ID });
    expect([invisible.status, invisible.data, invisible.errors]).toEqual([missing.status, missing.data, missing.errors]);
    expect((await logOf(t, invisible)).filter((e) => e.outcome === 'DENIED').map((e) => e.clientId)).toEqual([C.childWelfareOpen]);
    expect((await logOf(t, missing)).map((e) => e.clientId).filter(Boolean)).toEqual([]);

    const byCode = await call<ByCode>(t, 'sw-adult', BY_CODE, { code: world.codeOf(C.childWelfareOpen) });
    const unknown = await call<ByCode>(t, 'sw-adult', BY_CODE, { code: unknownCode });
    expect([byCode.status, byCode.data, byCode.errors]).toEqual([unknown.status, unknown.data, unknown.errors]);
    expect((await logOf(t, byCode)).filter((e) => e.outcome === 'DENIED')).toEqual([
      expect.objectContaining({ clientId: C.childWelfareOpen, fields: ['personalIdentityCode'], categories: ['PERSONAL_ID'] }),
    ]);
    expect((await logOf(t, unknown)).map((e) => e.clientId).filter(Boolean)).toEqual([]);
  });

  it('a shared person\'s code looked up by a persona of neither register\'s reach names its own register\'s record only', async () => {
    const code = world.codeOf(SHARED[0]!.regionClientId);
    const result = await call<ByCode>(t, 'sw-adult', BY_CODE, { code });
    expect(result.data).toEqual({ clientByPersonalIdentityCode: null });
    const log = await logOf(t, result);
    const named = log.filter((e) => e.outcome === 'DENIED').map((e) => e.clientId);
    expect(named).toEqual([SHARED[0]!.regionClientId]);
    // Region-b's record of the same person is not named in the region's log (channels-3).
    expect(log.some((e) => e.clientId === SHARED[0]!.regionBClientId)).toBe(false);
  });

  // Found (channels-1): a look-up refused because the persona may never read identity codes names no client
  // in the log, although the target is known (DESIGN §4, existence: "refused attempts with a known target are
  // logged as DENIED with that client"). The log cannot tell which person a trainee tried to find by code,
  // and the person's access report (clientAccessReport) never shows the attempt.
  it('channels-1: student-child\'s refused look-up by an existing code is logged with that client', async () => {
    const code = world.codeOf(C.childWelfareOpen);
    const result = await call<ByCode>(t, 'student-child', BY_CODE, { code });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const denied = (await logOf(t, result)).filter((e) => e.outcome === 'DENIED');
    expect(denied.map((e) => e.clientId)).toContain(C.childWelfareOpen);
  });

  it('channels-1: student-child\'s refused filter by an existing code is logged with that client', async () => {
    const result = await call<Counted>(t, 'student-child', COUNTED, { filter: { personalIdentityCode: world.codeOf(C.childWelfareOpen) } });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    const denied = (await logOf(t, result)).filter((e) => e.outcome === 'DENIED');
    expect(denied.map((e) => e.clientId)).toContain(C.childWelfareOpen);
  });
});

describe('existence through the access log', () => {
  // Found (channels-3): a refused look-up by identity code is logged as DENIED naming every client with that
  // code in the whole register, other organisations' included, and the entry is in the part of the log the
  // caller's own auditor reads (entries by its staff). So region-b's auditor learns whether a person is a client
  // of the region (another controller's register) by looking the code up, or reading sw-b's look-up: a code of a
  // region client leaves an entry with that client's id, an unknown code leaves none. DESIGN §4: "every answer
  // about an invisible or nonexistent row is the same".
  const ENTRIES = `query ($f: AuditFilter) { auditEntries(filter: $f, first: 50) { nodes { clientId entityId outcome fields } } }`;
  type Nodes = { auditEntries: { nodes: { clientId: string | null; entityId: string | null; outcome: string; fields: string[] }[] } };

  it.each([['dpo-b'], ['sw-b']] as const)('channels-3: %s\'s look-up of a region client\'s code reads in region-b\'s log as one of an unknown code', async (login) => {
    const seen = async (code: string) => {
      const lookUp = await call<ByCode>(t, login, BY_CODE, { code });
      expect(lookUp.data).toEqual({ clientByPersonalIdentityCode: null });
      const log = await call<Nodes>(t, 'dpo-b', ENTRIES, { f: { requestId: lookUp.headers['x-request-id'] } });
      expect(log.errors).toBeUndefined();
      return log.data!.auditEntries.nodes;
    };
    const regionClient = await seen(world.codeOf(C.adultOnly));
    const unknown = await seen(unknownCode);
    expect(uuidsIn(regionClient)).not.toContain(C.adultOnly);
    expect(regionClient).toEqual(unknown);
  });
});

describe('finding h: multi-role users read each client under the grants it is visible through', () => {
  it('sw-adult-student: neither the list nor its count finds a child-welfare-only client by code', async () => {
    for (const id of [C.childWelfareOpen, C.childWelfareNonDisclosureOwn, C.majakkaActive[0]!]) {
      const code = world.codeOf(id);
      const list = await call<Counted>(t, 'sw-adult-student', COUNTED, { filter: { personalIdentityCode: code } });
      expect(list.data!.clients).toEqual({ totalCount: 0, nodes: [] });
      const count = await call<{ clients: { totalCount: number } }>(t, 'sw-adult-student', `query ($f: ClientFilter) { clients(filter: $f) { totalCount } }`, { f: { personalIdentityCode: code } });
      expect(count.data!.clients.totalCount).toBe(0);
      expect((await logOf(t, count)).filter((e) => e.outcome === 'ALLOWED' && e.clientId === id)).toEqual([]);
    }
  });

  it('mgr-family-sw-child: a last-name filter finds child-welfare clients, but their non-disclosure contact data stays null + FORBIDDEN', async () => {
    const p = persona('mgr-family-sw-child');
    const target = world.client(C.childWelfareNonDisclosureOther);
    const query = `query ($filter: ClientFilter) { clients(filter: $filter, first: 100) { totalCount nodes { id lastName phone address { street } } } }`;
    const problems: string[] = [];
    let checkedProtected = 0;
    for (const prefix of [target.lastName!, world.client(C.childWelfareNonDisclosureOwn).lastName!, world.client(C.familyNonDisclosure).lastName!]) {
      const result = await call<{ clients: { totalCount: number; nodes: { id: string; lastName: string; phone: string | null; address: unknown }[] } }>(t, 'mgr-family-sw-child', query, { filter: { lastNamePrefix: prefix } });
      const expected = oracle.list(p, { lastNamePrefix: prefix }) as Set<string>;
      expect(sorted(result.data!.clients.nodes.map((n) => n.id))).toEqual(sorted(expected));
      const forbiddenAt = new Set((result.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => (e.path ?? []).join('.')));
      result.data!.clients.nodes.forEach((node, i) => {
        const readable = oracle.contactReadable(p, node.id);
        if (!readable) checkedProtected += 1;
        for (const field of ['phone', 'address']) {
          const at = `clients.nodes.${i}.${field}`;
          if (readable && forbiddenAt.has(at)) problems.push(`${node.id.slice(0, 8)}: ${field} refused though readable`);
          if (!readable && (!forbiddenAt.has(at) || (node as Record<string, unknown>)[field] !== null)) problems.push(`${node.id.slice(0, 8)}: ${field} not null + FORBIDDEN`);
        }
      });
    }
    expect(problems).toEqual([]);
    expect(checkedProtected).toBeGreaterThanOrEqual(2);
    // The family manager's own non-disclosure client: contact data readable (the family grant sees it).
    expect(oracle.contactReadable(p, C.familyNonDisclosure)).toBe(true);
  });
});

describe('documents(type) filter', () => {
  it('yields no document the row rules hide: no restricted type for the trainee, no other unit\'s for the adult worker', async () => {
    const query = `query ($id: ID!, $type: DocumentType) { client(id: $id) { documents(type: $type) { id type } } }`;
    for (const type of ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION']) {
      const student = await call<{ client: { documents: unknown[] } }>(t, 'student-child', query, { id: C.childWelfareOpen, type });
      expect(student.data!.client.documents).toEqual([]);
      const multi = await call<{ client: { documents: unknown[] } }>(t, 'sw-adult-student', query, { id: C.childAndAdult, type });
      // sw-adult-student sees childAndAdult's child-welfare documents only as the trainee: no restricted ones.
      expect(multi.data!.client.documents).toEqual([]);
    }
    const adult = await call<{ client: { documents: { id: string }[] } }>(t, 'sw-adult', query, { id: C.childAndAdult, type: 'CASE_NOTE' });
    expect(adult.data!.client.documents.map((d) => d.id)).toContain(DEMO.documents.childAndAdultAdult);
    expect(adult.data!.client.documents.map((d) => d.id)).not.toContain(DEMO.documents.childAndAdultChildWelfare);
  });
});

// ---------------------------------------------------------------------------------------------
// Mutation responses obey the same field rules as a query (these change the register: they run last)
// ---------------------------------------------------------------------------------------------

const CONTACT = ['phone', 'email', 'address'] as const;
type Answer = Record<string, unknown> & { id: string };

/** Contact fields of a mutation answer: each either readable (no error) or null with FORBIDDEN at its path and a DENIED entry. */
async function contactOutcome(result: { data?: unknown; errors?: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[]; headers: Record<string, string> }, root: string) {
  const answer = (result.data as Record<string, Answer | null> | null | undefined)?.[root];
  const forbidden = new Set((result.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => (e.path ?? []).join('.')));
  const denied = (await logOf(t, result)).filter((e) => e.outcome === 'DENIED').flatMap((e) => e.fields);
  return Object.fromEntries(
    CONTACT.map((field) => {
      const refused = forbidden.has(`${root}.${field}`);
      if (refused && answer?.[field] === null && denied.includes(field)) return [field, 'FORBIDDEN'];
      if (!refused) return [field, 'readable'];
      return [field, `inconsistent: value ${JSON.stringify(answer?.[field])}, DENIED entry ${denied.includes(field)}`];
    }),
  );
}

const FORBIDDEN_CONTACT = { phone: 'FORBIDDEN', email: 'FORBIDDEN', address: 'FORBIDDEN' };
const READABLE_CONTACT = { phone: 'readable', email: 'readable', address: 'readable' };
const UPDATE = `mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!) {
  updateClient(id: $id, version: $version, input: $input) { id lastName personalIdentityCode phone email address { street } }
}`;
const CREATE = `mutation ($input: CreateClientInput!) {
  createClient(input: $input) { id lastName personalIdentityCode phone email address { street } }
}`;

const versionOf = async (id: string) => (await t.database.db.select({ v: clients.version }).from(clients).where(eq(clients.id, id)))[0]!.v;

let codeCounter = 0;
/** A valid identity code no client has (test persons' individual numbers 900–999). */
async function freshCode(): Promise<string> {
  for (;;) {
    codeCounter += 1;
    const day = new Date(Date.UTC(1962, 0, 1) + codeCounter * 86_400_000).toISOString().slice(0, 10);
    const code = makePersonalIdentityCode(day, 900 + (codeCounter % 100));
    if ((await t.database.db.select({ id: clients.id }).from(clients).where(eq(clients.personalIdentityCode, code))).length === 0) return code;
  }
}

describe('mutation responses', () => {
  it.each([
    ['sw-child', FORBIDDEN_CONTACT],
    ['mgr-family-sw-child', FORBIDDEN_CONTACT],
    ['mgr-child', READABLE_CONTACT],
  ] as const)('%s renames a non-disclosure client it is not responsible for: the answer shows contact data only as a query would', async (login, expected) => {
    const id = C.childWelfareNonDisclosureOther;
    const result = await call<{ updateClient: Answer }>(t, login, UPDATE, { id, version: await versionOf(id), input: { lastName: world.client(id).lastName } });
    expect(result.data?.updateClient?.id).toBe(id);
    expect(result.data!.updateClient['lastName']).toBe(world.client(id).lastName);
    expect(await contactOutcome(result, 'updateClient')).toEqual(expected);
    // The same as the query answer.
    const read = await call<{ client: Answer }>(t, login, `query ($id: ID!) { client(id: $id) { id phone email address { street } } }`, { id });
    expect(await contactOutcome(read, 'client')).toEqual(expected);
  });

  it('sw-adult-student updates a client it serves as a social worker (answer readable) but not one it sees only as a trainee', async () => {
    const both = await call<{ updateClient: Answer }>(t, 'sw-adult-student', UPDATE, { id: C.childAndAdult, version: await versionOf(C.childAndAdult), input: { maritalStatus: 'UNMARRIED' } });
    expect(both.errors).toBeUndefined();
    expect(both.data!.updateClient['personalIdentityCode']).toBe(world.codeOf(C.childAndAdult));
    expect(await contactOutcome(both, 'updateClient')).toEqual(READABLE_CONTACT);

    const traineeOnly = await call<{ updateClient: Answer }>(t, 'sw-adult-student', UPDATE, { id: C.childWelfareOpen, version: await versionOf(C.childWelfareOpen), input: { maritalStatus: 'UNMARRIED' } });
    expect(codesOf(traineeOnly)).toEqual(['FORBIDDEN']);
    expect(traineeOnly.data?.updateClient ?? null).toBeNull();
    const text = JSON.stringify(traineeOnly.errors);
    for (const value of [world.codeOf(C.childWelfareOpen), world.client(C.childWelfareOpen).lastName!]) expect(text).not.toContain(value);
  });

  it.each([
    ['sw-child', FORBIDDEN_CONTACT],
    ['mgr-child', READABLE_CONTACT],
  ] as const)('%s creates a non-disclosure client: nobody is its responsible worker yet, so the answer is as a query would give', async (login, expected) => {
    const input = { firstName: 'Turva', lastName: 'Kielto', personalIdentityCode: await freshCode(), phone: '+358 40 555 0101', email: 'turva@example.invalid', address: { street: 'Salainen 1' }, addressNonDisclosure: true, unitId: UNIT.child };
    const result = await call<{ createClient: Answer }>(t, login, CREATE, { input });
    expect(result.data?.createClient?.lastName).toBe('Kielto');
    expect(await contactOutcome(result, 'createClient')).toEqual(expected);
    if (expected === FORBIDDEN_CONTACT) expect(JSON.stringify(result.data)).not.toMatch(/Salainen|555 0101|turva@/);
  });
});

// ---------------------------------------------------------------------------------------------
// Finding f: intake of a person registered elsewhere
// ---------------------------------------------------------------------------------------------

const INTAKE = `mutation ($input: CreateClientInput!) {
  createClient(input: $input) {
    id firstName lastName personalIdentityCode
    relationships { unit { id } endedOn responsibleWorkerName }
    commissions { id } decisions { id } placements { id } assistanceRequests { id }
    documents { id } disclosures { id }
  }
}`;
/** Client-level records that carry no unit: what another unit's work left on the person. */
// Guardians are the person's own data (like the name), not a unit's work: a unit that serves the client reads them.
const INTAKE_CLIENT_LEVEL = `mutation ($input: CreateClientInput!) {
  createClient(input: $input) { id consents { id purpose } dataSubjectRequests { id kind } }
}`;
type IntakeAnswer = { createClient: Answer & { relationships: { unit: { id: string }; endedOn: string | null; responsibleWorkerName: string | null }[] } };

/** The answer without the values the caller typed in (and the id): what remains must not tell a new person from a known one. */
const shapeOf = (result: { status: number; data?: IntakeAnswer | null; errors?: readonly GraphQLFormattedError[] }) => {
  const answer = result.data?.createClient;
  return {
    status: result.status,
    errors: errorShape(result.errors).map((e) => ({ code: e.code, path: e.path })),
    answer: answer && Object.fromEntries(Object.entries(answer).filter(([k]) => !['id', 'firstName', 'lastName', 'personalIdentityCode'].includes(k))),
  };
};

describe('finding f: intake of a person registered in another unit', () => {
  const personOf = (id: string) => ({ firstName: world.client(id).firstName, lastName: world.client(id).lastName, personalIdentityCode: world.codeOf(id) });

  // Found (channels-2): the intake answer shows client-level records another unit's work left on the person
  // (consents, data-subject requests, guardians carry no unit), so it tells a known person from a new one — and
  // a consent's purpose (adultOnly's "Perustoimeentulotuen käsittely", basic social assistance) tells where.
  // DESIGN §4: "the answer does not reveal whether, or where, the person was known before".
  it('channels-2 (fixed): the intake answer shows no consents or data-subject requests of another unit\'s work', async () => {
    const id = C.adultOnly;
    expect(oracle.visible(persona('sw-family'), id)).toBe(false);
    const known = await call<{ createClient: Answer }>(t, 'sw-family', INTAKE_CLIENT_LEVEL, { input: { ...personOf(id), unitId: UNIT.family } });
    const fresh = await call<{ createClient: Answer }>(t, 'sw-family', INTAKE_CLIENT_LEVEL, { input: { firstName: 'Uusi', lastName: 'Henkilö', personalIdentityCode: await freshCode(), unitId: UNIT.family } });
    expect(known.errors).toBeUndefined();
    const { id: knownId, ...knownRest } = known.data!.createClient;
    const { id: freshId, ...freshRest } = fresh.data!.createClient;
    expect(knownId).toBe(id);
    expect(freshId).not.toBe(id);
    expect(knownRest).toEqual(freshRest);
  });

  it('sw-family takes on an adult-services-only client: the same answer as for a new person, none of adult services\' records, logged, then visible', async () => {
    // An adult-services-only client not yet taken on by family services (adultOnly is the finding's, above).
    const [row] = rowsOf<{ id: string }>(
      await t.database.db.execute(sql`
        SELECT c.id::text AS id FROM clients.clients c
        WHERE c.id <> ${C.adultOnly} AND NOT c.address_non_disclosure
          AND NOT EXISTS (SELECT 1 FROM clients.client_relationships r WHERE r.client_id = c.id AND r.unit_id <> ${UNIT.adult})
          AND EXISTS (SELECT 1 FROM clients.client_relationships r WHERE r.client_id = c.id AND r.ended_on IS NULL)
          AND EXISTS (SELECT 1 FROM documents.documents d WHERE d.client_id = c.id)
        ORDER BY c.id LIMIT 1`),
    );
    const id = row!.id;
    expect(oracle.visible(persona('sw-family'), id)).toBe(false);
    const clientsBefore = (await t.database.db.select({ id: clients.id }).from(clients)).length;
    const [recordBefore] = await t.database.db.select().from(clients).where(eq(clients.id, id));

    const known = await call<IntakeAnswer>(t, 'sw-family', INTAKE, { input: { ...personOf(id), unitId: UNIT.family, startedOn: world.today } });
    const fresh = await call<IntakeAnswer>(t, 'sw-family', INTAKE, { input: { firstName: 'Uusi', lastName: 'Henkilö', personalIdentityCode: await freshCode(), unitId: UNIT.family, startedOn: world.today } });
    expect(known.errors).toBeUndefined();
    expect(shapeOf(known)).toEqual(shapeOf(fresh));
    expect(known.data!.createClient.id).toBe(id);
    expect(known.data!.createClient.relationships).toEqual([{ unit: { id: UNIT.family }, endedOn: null, responsibleWorkerName: null }]);
    // One new client (the fresh one), the existing record not duplicated.
    expect((await t.database.db.select({ id: clients.id }).from(clients)).length).toBe(clientsBefore + 1);
    expect((await t.database.db.select().from(clients).where(eq(clients.id, id)))[0]).toEqual(recordBefore);

    // Logged: the relationship's CREATE under sw-family's grant; no client CREATE for the known person.
    const log = await logOf(t, known);
    expect(log.filter((e) => e.action === 'CREATE')).toEqual([
      expect.objectContaining({ entityType: 'ClientRelationship', clientId: id, unitId: UNIT.family, actorRole: 'SOCIAL_WORKER', outcome: 'ALLOWED' }),
    ]);
    const [opened] = await t.database.db.select().from(clientRelationships).where(and(eq(clientRelationships.clientId, id), eq(clientRelationships.unitId, UNIT.family)));
    expect(log.find((e) => e.action === 'CREATE')!.entityId).toBe(opened!.id);

    // Now visible to family services, through its own relationship only.
    const read = await call<{ client: { id: string; relationships: { unit: { id: string } }[]; documents: unknown[] } | null }>(t, 'sw-family', `query ($id: ID!) { client(id: $id) { id relationships { unit { id } } documents { id } } }`, { id });
    expect(read.data!.client).toEqual({ id, relationships: [{ unit: { id: UNIT.family } }], documents: [] });
    const listed = await call<Counted>(t, 'sw-family', COUNTED, { filter: { personalIdentityCode: world.codeOf(id) } });
    expect(listed.data!.clients).toEqual({ totalCount: 1, nodes: [{ id }] });
  });

  it('refusals do not tell a known person from a new one: another unit\'s intake and a trainee\'s are refused alike', async () => {
    for (const [login, unitId] of [['sw-family', UNIT.adult], ['student-child', UNIT.child], ['sw-adult-student', UNIT.child]] as const) {
      const known = await call(t, login, INTAKE, { input: { ...personOf(C.familyAndAdult), unitId } });
      const fresh = await call(t, login, INTAKE, { input: { firstName: 'Uusi', lastName: 'Henkilö', personalIdentityCode: await freshCode(), unitId } });
      expect(codesOf(known)).toEqual(['FORBIDDEN']);
      expect(errorShape(known.errors)).toEqual(errorShape(fresh.errors));
      expect(known.data).toEqual(fresh.data);
    }
  });

  it('sw-b takes on a person of the other region: region-b gets its own record, nothing of the region\'s shows', async () => {
    const regionPerson = C.childAndAdult;
    const [regionRecord] = await t.database.db.select().from(clients).where(eq(clients.id, regionPerson));
    const result = await call<IntakeAnswer>(t, 'sw-b', INTAKE, { input: { firstName: 'Toinen', lastName: 'Rekisteri', personalIdentityCode: world.codeOf(regionPerson), unitId: UNIT.b, startedOn: world.today } });
    expect(result.errors).toBeUndefined();
    const answer = result.data!.createClient;
    expect(answer.id).not.toBe(regionPerson);
    // Its own record with what sw-b typed, not the region's.
    expect(answer).toMatchObject({ firstName: 'Toinen', lastName: 'Rekisteri', relationships: [{ unit: { id: UNIT.b }, endedOn: null, responsibleWorkerName: null }] });
    for (const list of ['commissions', 'decisions', 'placements', 'assistanceRequests', 'documents', 'disclosures']) expect(answer[list]).toEqual([]);
    const [record] = await t.database.db.select().from(clients).where(eq(clients.id, answer.id));
    expect(record!.organisationId).toBe(DEMO.organisations['region-b'].id);
    expect((await t.database.db.select().from(clients).where(eq(clients.id, regionPerson)))[0]).toEqual(regionRecord);
    expect((await logOf(t, result)).map((e) => e.clientId).filter((c) => c === regionPerson)).toEqual([]);
    // The region's users do not see region-b's new record.
    expect((await call<One>(t, 'sw-adult', BY_ID, { id: answer.id })).data).toEqual({ client: null });
  });

  it('sw-b "takes on" a shared person region-b already serves: its own existing record, no second client or relationship', async () => {
    const shared = SHARED[0]!;
    const before = (await t.database.db.select({ id: clientRelationships.id }).from(clientRelationships).where(eq(clientRelationships.clientId, shared.regionBClientId))).length;
    const result = await call<IntakeAnswer>(t, 'sw-b', INTAKE, { input: { ...personOf(shared.regionBClientId), unitId: UNIT.b } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createClient.id).toBe(shared.regionBClientId);
    expect(result.data!.createClient.relationships.map((r) => r.unit.id)).toEqual([UNIT.b]);
    expect((await t.database.db.select({ id: clientRelationships.id }).from(clientRelationships).where(eq(clientRelationships.clientId, shared.regionBClientId))).length).toBe(before);
    expect((await logOf(t, result)).filter((e) => e.action === 'CREATE' || e.clientId === shared.regionClientId)).toEqual([]);
  });

});

describe('student-ended (internship ended yesterday)', () => {
  it('is refused on every channel with 403 before any filter or look-up runs', async () => {
    for (const [query, variables] of [
      [COUNTED, { filter: { lastNamePrefix: 'K' } }],
      [COUNTED, { filter: { unitId: UNIT.child } }],
      [BY_ID, { id: C.childWelfareOpen }],
      [BY_CODE, { code: world.codeOf(C.childWelfareOpen) }],
    ] as const) {
      const result = await call(t, 'student-ended', query, variables);
      expect(result.status).toBe(403);
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(result.data ?? null).toBeNull();
    }
  });
});
