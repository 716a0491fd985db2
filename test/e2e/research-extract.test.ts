/**
 * Issue 13 item 5: research permits and the pseudonymised research extract (seed 001: "tietoja luovutetaan …
 * myöntämien tutkimuslupien mukaisesti tutkimustoimintaan") — `recordResearchPermit`, `researchPermits`,
 * `researchExtract` through the real gateway. Expectations from the seed and the brief: the permit (who,
 * purpose, fields, service tasks, period, expiry) is recorded by the REGISTRAR; an extract holds one row per
 * client of the organisation with a relationship in the permit's tasks overlapping its period, the pseudonym and
 * exactly the permit's fields in its order, nothing that identifies a person; pseudonyms are stable within a
 * permit and unlinkable across permits; an expired permit gives nothing; every client given is logged as EXPORT.
 * Review of issue 13: no exact day (periods in months); no municipality of a client with address non-disclosure;
 * the policy decides before the permit is looked up (whoever may not extract learns nothing of permits).
 */
import { careDays, clientRelationships, clients, DEMO_PARTNER_TOKEN, decisions, entries, placements, researchPermits, units } from '@vartija/db';
import { createHmac } from 'node:crypto';
import { and, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
const sink = new SwitchableAuditSink(() => t.database);
beforeAll(async () => {
  // A long grant cache keeps the authentication query out of the counted statements.
  t = await startTestStack({ grantCacheMs: 60_000, auditSink: sink });
});
afterAll(() => t?.close());
afterEach(() => {
  sink.failing = false;
});

const db = () => t.database.db;
const REGION = DEMO.organisations.region.id;
const asPersona = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const logOf = (requestId: string) => db().select().from(entries).where(eq(entries.requestId, requestId));
const finnishToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const RECORD = /* GraphQL */ `
  mutation Record($input: ResearchPermitInput!) {
    recordResearchPermit(input: $input) { id permitNumber researcher researchOrganisation purpose fields serviceTasks periodFrom periodTo expiresOn recordedAt }
  }
`;
const PERMITS = `query { researchPermits { id permitNumber fields serviceTasks expiresOn } }`;
const EXTRACT = `query Extract($id: ID!) { researchExtract(permitId: $id) { permit { id permitNumber fields } columns rows } }`;

type Extract = { permit: { id: string; permitNumber: string; fields: string[] }; columns: string[]; rows: string[][] };
let numbers = 0;
/** A permit as the REGISTRAR records it; over the last two years of child welfare, unless overridden. */
function permitInput(overrides: Record<string, unknown> = {}) {
  numbers += 1;
  return {
    permitNumber: `THL/${1000 + numbers}/2025`,
    researcher: 'Tutkija Testinen',
    researchOrganisation: 'Itä-Suomen yliopisto',
    purpose: 'Sijaishuollon polut ja palvelujen kesto',
    fields: ['CARE_DAYS', 'BIRTH_YEAR', 'SERVICE_TASK', 'RELATIONSHIP_PERIOD', 'DECISION_TYPES', 'PLACEMENT_KINDS', 'MUNICIPALITY', 'MOTHER_TONGUE'],
    serviceTasks: ['CHILD_WELFARE'],
    periodFrom: addDays(finnishToday(), -730),
    periodTo: finnishToday(),
    expiresOn: addDays(finnishToday(), 365),
    ...overrides,
  };
}
async function recordPermit(overrides: Record<string, unknown> = {}): Promise<{ id: string; permitNumber: string; fields: string[] }> {
  const result = await t.execute<{ recordResearchPermit: { id: string; permitNumber: string; fields: string[] } }>({ as: 'admin', query: RECORD, variables: { input: permitInput(overrides) } });
  expect(result.errors).toBeUndefined();
  return result.data!.recordResearchPermit;
}
const extract = (login: string, id: string) => t.execute<{ researchExtract: Extract }>({ ...asPersona(login), query: EXTRACT, variables: { id } });
async function extractOk(id: string): Promise<{ x: Extract; requestId: string }> {
  const result = await extract('admin', id);
  expect(result.errors).toBeUndefined();
  return { x: result.data!.researchExtract, requestId: result.headers['x-request-id']! };
}

/** The permit's population, straight from the tables: clients of the region with a relationship in a task overlapping the period. */
async function population(tasks: string[], from: string, to: string): Promise<string[]> {
  const rows = await db()
    .selectDistinct({ id: clients.id })
    .from(clientRelationships)
    .innerJoin(clients, eq(clients.id, clientRelationships.clientId))
    .where(
      and(
        eq(clients.organisationId, REGION),
        inArray(sql`${clientRelationships.serviceTask}::text`, tasks),
        lte(clientRelationships.startedOn, to),
        or(isNull(clientRelationships.endedOn), gte(clientRelationships.endedOn, from)),
      ),
    );
  return rows.map((r) => r.id).sort();
}
const keyOf = async (permitId: string) => (await db().select({ key: researchPermits.pseudonymKey }).from(researchPermits).where(eq(researchPermits.id, permitId)))[0]!.key;
const pseudonym = (key: string, clientId: string) => createHmac('sha256', Buffer.from(key, 'hex')).update(clientId).digest('hex').slice(0, 16);

describe('recording a permit', () => {
  it('records the permit with a secret pseudonym key that is never answered or logged; CREATE logged', async () => {
    const input = permitInput();
    const result = await t.execute<{ recordResearchPermit: Record<string, unknown> }>({ as: 'admin', query: RECORD, variables: { input } });
    expect(result.errors).toBeUndefined();
    const permit = result.data!.recordResearchPermit;
    const { recordedAt, id, ...rest } = permit;
    expect(rest).toEqual(input);
    expect(recordedAt).toEqual(expect.any(String));
    const key = await keyOf(id as string);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(result)).not.toContain(key);
    const log = await logOf(result.headers['x-request-id']!);
    expect(log.filter((e) => e.action === 'CREATE' && e.entityType === 'ResearchPermit' && e.entityId === id && e.actorRole === 'REGISTRAR')).toHaveLength(1);
    const [leak] = await db().select({ n: sql<number>`count(*)::int` }).from(entries).where(sql`${entries.reason} LIKE ${`%${key.slice(0, 16)}%`} OR array_to_string(${entries.fields}, ',') LIKE ${`%${key.slice(0, 16)}%`}`);
    expect(leak!.n).toBe(0);
  });

  it('a permit number is recorded once (CONFLICT)', async () => {
    const first = await recordPermit();
    const again = await t.execute({ as: 'admin', query: RECORD, variables: { input: permitInput({ permitNumber: first.permitNumber }) } });
    expect(codesOf(again)).toEqual(['CONFLICT']);
  });

  const BAD: [string, Record<string, unknown>, string][] = [
    ['a blank purpose', { purpose: '   ' }, 'input.purpose'],
    ['a purpose over 500 characters', { purpose: 'x'.repeat(501) }, 'input.purpose'],
    ['a blank permit number', { permitNumber: '' }, 'input.permitNumber'],
    ['no fields', { fields: [] }, 'input.fields'],
    ['a field twice', { fields: ['BIRTH_YEAR', 'BIRTH_YEAR'] }, 'input.fields'],
    ['no service tasks', { serviceTasks: [] }, 'input.serviceTasks'],
    ['a service task twice', { serviceTasks: ['CHILD_WELFARE', 'CHILD_WELFARE'] }, 'input.serviceTasks'],
    ['a period ending before it starts', { periodFrom: '2025-02-01', periodTo: '2025-01-31' }, 'input.periodTo'],
    ['an expiry in the past', { expiresOn: addDays(finnishToday(), -1) }, 'input.expiresOn'],
    ['a date that is not a calendar date', { periodFrom: '2025-02-30' }, 'input.periodFrom'],
  ];
  it.each(BAD)('refuses %s (BAD_USER_INPUT on the field)', async (_label, overrides, field) => {
    const result = await t.execute({ as: 'admin', query: RECORD, variables: { input: permitInput(overrides) } });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!['field']).toBe(field);
  });
});

describe('the extract', () => {
  let permit: { id: string; permitNumber: string; fields: string[] };
  let first: { x: Extract; requestId: string };
  beforeAll(async () => {
    permit = await recordPermit();
    first = await extractOk(permit.id);
  });

  it('has the pseudonym and exactly the permit\'s fields, in the permit\'s order', () => {
    expect(first.x.columns).toEqual(['pseudonym', ...permitInput().fields]);
    for (const row of first.x.rows) expect(row).toHaveLength(first.x.columns.length);
    expect(first.x.permit).toEqual({ id: permit.id, permitNumber: permit.permitNumber, fields: permit.fields });
  });

  it('holds one row per client of the permit\'s tasks and period, computed independently', async () => {
    const input = permitInput();
    const expected = await population(input.serviceTasks, input.periodFrom, input.periodTo);
    expect(expected.length).toBeGreaterThan(20);
    const key = await keyOf(permit.id);
    expect(first.x.rows.map((r) => r[0]).sort()).toEqual(expected.map((id) => pseudonym(key, id)).sort());
  });

  it('gives the right values for a known client (found by recomputing its pseudonym with the stored key)', async () => {
    const key = await keyOf(permit.id);
    const client = DEMO.clients.childWelfareOpen;
    const row = first.x.rows.find((r) => r[0] === pseudonym(key, client))!;
    expect(row).toBeDefined();
    const cell = (name: string) => row[first.x.columns.indexOf(name)];
    const [c] = await db().select().from(clients).where(eq(clients.id, client));
    expect(cell('BIRTH_YEAR')).toBe(c!.dateOfBirth!.slice(0, 4));
    expect(cell('MUNICIPALITY')).toBe(c!.municipality ?? '');
    expect(cell('MOTHER_TONGUE')).toBe(c!.motherTongue ?? '');
    expect(cell('SERVICE_TASK')).toBe('CHILD_WELFARE');
    const input = permitInput();
    const [rel] = await db().select().from(clientRelationships).where(and(eq(clientRelationships.clientId, client), eq(clientRelationships.serviceTask, 'CHILD_WELFARE')));
    const start = rel!.startedOn > input.periodFrom ? rel!.startedOn : input.periodFrom;
    // Months, never days (a start or end day would be a quasi-identifier).
    expect(cell('RELATIONSHIP_PERIOD')).toBe(`${start.slice(0, 7)}–${(rel!.endedOn ?? input.periodTo).slice(0, 7)}`);
    // Care days in the period of placements recorded in child-welfare units.
    const [days] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(careDays)
      .innerJoin(placements, eq(placements.id, careDays.placementId))
      .innerJoin(units, eq(units.id, placements.unitId))
      .where(and(eq(placements.clientId, client), eq(units.serviceTask, 'CHILD_WELFARE'), gte(careDays.day, input.periodFrom), lte(careDays.day, input.periodTo)));
    expect(days!.n).toBeGreaterThan(0);
    expect(cell('CARE_DAYS')).toBe(String(days!.n));
    // Decisions made in the period (Finnish days) and placements in force in it, in child-welfare units.
    const finnishDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(d);
    const decided = await db().select({ type: decisions.type, at: decisions.decidedAt }).from(decisions).innerJoin(units, eq(units.id, decisions.unitId)).where(and(eq(decisions.clientId, client), eq(units.serviceTask, 'CHILD_WELFARE')));
    const types = [...new Set(decided.filter((d) => finnishDay(d.at) >= input.periodFrom && finnishDay(d.at) <= input.periodTo).map((d) => d.type))].sort();
    expect(types.length).toBeGreaterThan(0);
    expect(cell('DECISION_TYPES')).toBe(types.join(';'));
    const placed = await db().select().from(placements).innerJoin(units, eq(units.id, placements.unitId)).where(and(eq(placements.clientId, client), eq(units.serviceTask, 'CHILD_WELFARE')));
    const kinds = [...new Set(placed.filter(({ placements: p }) => p.startsOn <= input.periodTo && (p.endsOn === null || p.endsOn >= input.periodFrom)).map(({ placements: p }) => p.kind))].sort();
    expect(kinds.length).toBeGreaterThan(0);
    expect(cell('PLACEMENT_KINDS')).toBe(kinds.join(';'));
  });

  it('holds no identifier: no names, identity codes, addresses, phone numbers or ids', async () => {
    const everyone = await db().select().from(clients);
    const json = JSON.stringify(first.x.rows);
    const leaks: string[] = [];
    for (const c of everyone) {
      for (const value of [c.id, c.personalIdentityCode, c.streetAddress, c.phone, c.email, c.firstName && c.lastName ? `${c.firstName} ${c.lastName}` : null, c.lastName]) {
        if (value && value.length >= 4 && json.includes(value)) leaks.push(value);
      }
    }
    expect(leaks).toEqual([]);
    // Every cell is of its column's form.
    const municipalities = new Set(['', ...everyone.map((c) => c.municipality ?? '')]);
    const tongues = new Set(everyone.map((c) => c.motherTongue ?? ''));
    const FORMS: Record<string, (v: string) => boolean> = {
      pseudonym: (v) => /^[0-9a-f]{16}$/.test(v),
      BIRTH_YEAR: (v) => /^(\d{4})?$/.test(v),
      MUNICIPALITY: (v) => municipalities.has(v),
      MOTHER_TONGUE: (v) => tongues.has(v),
      SERVICE_TASK: (v) => /^[A-Z_]+(;[A-Z_]+)*$/.test(v),
      RELATIONSHIP_PERIOD: (v) => /^\d{4}-\d{2}–\d{4}-\d{2}(;\d{4}-\d{2}–\d{4}-\d{2})*$/.test(v),
      DECISION_TYPES: (v) => /^([A-Z_]+(;[A-Z_]+)*)?$/.test(v),
      PLACEMENT_KINDS: (v) => /^([A-Z_]+(;[A-Z_]+)*)?$/.test(v),
      CARE_DAYS: (v) => /^\d+$/.test(v),
    };
    const bad = first.x.rows.flatMap((row) => row.flatMap((v, i) => (FORMS[first.x.columns[i]!]!(v) ? [] : [`${first.x.columns[i]}=${v}`])));
    expect(bad).toEqual([]);
    expect(new Set(first.x.rows.map((r) => r[0])).size).toBe(first.x.rows.length);
    // No exact day in any cell.
    expect(first.x.rows.flat().filter((v) => /\d{4}-\d{2}-\d{2}/.test(v))).toEqual([]);
  });

  it('leaves the municipality (contact data) of a client with address non-disclosure empty, and does not log it as given', async () => {
    const key = await keyOf(permit.id);
    const column = first.x.columns.indexOf('MUNICIPALITY');
    const everyone = await db().select().from(clients).where(eq(clients.organisationId, REGION));
    const rowOf = (id: string) => first.x.rows.find((r) => r[0] === pseudonym(key, id));
    const protectedRows = everyone.filter((c) => c.addressNonDisclosure && rowOf(c.id));
    // The demo world has protected children in child welfare (else this test proves nothing).
    expect(protectedRows.filter((c) => c.municipality).length).toBeGreaterThan(0);
    expect(protectedRows.map((c) => [c.id, rowOf(c.id)![column]])).toEqual(protectedRows.map((c) => [c.id, '']));
    // Others keep theirs.
    const open = everyone.filter((c) => !c.addressNonDisclosure && c.municipality && rowOf(c.id));
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) expect(rowOf(c.id)![column]).toBe(c.municipality);
    const exported = (await logOf(first.requestId)).filter((e) => e.action === 'EXPORT' && e.entityType === 'Client');
    const protectedIds = new Set(protectedRows.map((c) => c.id));
    const named = exported.filter((e) => protectedIds.has(e.clientId!) && e.fields.includes('municipality'));
    expect(named).toEqual([]);
  });

  it('logs one EXPORT per client given, naming the permit, in the same request', async () => {
    const log = await logOf(first.requestId);
    const exported = log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED' && e.entityType === 'Client');
    expect(exported).toHaveLength(first.x.rows.length);
    expect(new Set(exported.map((e) => e.clientId)).size).toBe(first.x.rows.length);
    const key = await keyOf(permit.id);
    expect(exported.map((e) => pseudonym(key, e.clientId!)).sort()).toEqual(first.x.rows.map((r) => r[0]).sort());
    const protectedIds = new Set((await db().select({ id: clients.id }).from(clients).where(eq(clients.addressNonDisclosure, true))).map((c) => c.id));
    for (const e of exported) {
      expect(e.reason).toContain(permit.permitNumber);
      expect(e.actorRole).toBe('REGISTRAR');
      // The municipality of a client with address non-disclosure is not given, so not named.
      const given = protectedIds.has(e.clientId!) ? [] : ['municipality'];
      expect([...e.fields].sort()).toEqual(['dateOfBirth', 'motherTongue', 'relationships', 'decisions', 'placements', ...given].sort());
    }
    expect(log.filter((e) => e.action === 'EXPORT' && e.entityType === 'ResearchExtract' && e.entityId === permit.id)).toHaveLength(1);
  });

  it('gives the same pseudonyms under the same permit, unlinkable ones under another permit of the same scope', async () => {
    const again = await extractOk(permit.id);
    expect(again.x.rows).toEqual(first.x.rows);
    const other = await recordPermit();
    const otherExtract = await extractOk(other.id);
    expect(otherExtract.x.rows.length).toBe(first.x.rows.length);
    const mine = new Set(first.x.rows.map((r) => r[0]));
    expect(otherExtract.x.rows.filter((r) => mine.has(r[0]!))).toEqual([]);
    // The same people nevertheless (same non-identifying values, in some order).
    const rest = (x: Extract) => x.rows.map((r) => r.slice(1).join('|')).sort();
    expect(rest(otherExtract.x)).toEqual(rest(first.x));
  });

  it('limits the columns to the permit\'s fields and the rows to its tasks and period', async () => {
    const narrow = await recordPermit({ fields: ['SERVICE_TASK', 'BIRTH_YEAR'], serviceTasks: ['ADULT_SOCIAL_WORK', 'FAMILY_SERVICES'], periodFrom: addDays(finnishToday(), -30) });
    const { x } = await extractOk(narrow.id);
    expect(x.columns).toEqual(['pseudonym', 'SERVICE_TASK', 'BIRTH_YEAR']);
    const expected = await population(['ADULT_SOCIAL_WORK', 'FAMILY_SERVICES'], addDays(finnishToday(), -30), finnishToday());
    expect(x.rows).toHaveLength(expected.length);
    for (const row of x.rows) for (const task of row[1]!.split(';')) expect(['ADULT_SOCIAL_WORK', 'FAMILY_SERVICES']).toContain(task);
  });

  it('reads with the same number of SQL statements whatever the number of clients', async () => {
    const small = await recordPermit({ serviceTasks: ['ADULT_SOCIAL_WORK'], periodFrom: addDays(finnishToday(), -10) });
    const large = await recordPermit({ serviceTasks: ['CHILD_WELFARE', 'FAMILY_SERVICES', 'ADULT_SOCIAL_WORK'] });
    await extractOk(small.id); // warm caches
    const count = async (id: string) => {
      const before = t.database.statements.count;
      const { x } = await extractOk(id);
      return { statements: t.database.statements.count - before, rows: x.rows.length };
    };
    const a = await count(small.id);
    const b = await count(large.id);
    expect(b.rows).toBeGreaterThan(a.rows + 50);
    expect(b.statements).toBe(a.statements);
  });

  it('gives nothing when the access log cannot be written (fail-closed)', async () => {
    sink.failing = true;
    const result = await extract('admin', permit.id);
    expect(codesOf(result)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(result.data?.researchExtract ?? null).toBeNull();
  });
});

describe('refusals', () => {
  it('refuses an expired permit (FORBIDDEN), logged as DENIED EXPORT, nothing exported', async () => {
    const permit = await recordPermit();
    await db().update(researchPermits).set({ expiresOn: addDays(finnishToday(), -1) }).where(eq(researchPermits.id, permit.id));
    const result = await extract('admin', permit.id);
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.errors![0]!.message).toContain('expired');
    const log = await logOf(result.headers['x-request-id']!);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action === 'EXPORT')).toEqual([]);
    const denied = log.filter((e) => e.outcome === 'DENIED');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ action: 'EXPORT', entityType: 'ResearchExtract', entityId: permit.id });
    expect(denied[0]!.reason).toContain(permit.permitNumber);
  });

  it('answers NOT_FOUND for another organisation\'s permit or an unknown id', async () => {
    const [other] = await db()
      .insert(researchPermits)
      .values({
        organisationId: DEMO.organisations['region-b'].id,
        permitNumber: 'B/1/2025',
        researcher: 'R',
        researchOrganisation: 'O',
        purpose: 'P',
        fields: ['BIRTH_YEAR'],
        serviceTasks: ['CHILD_WELFARE'],
        periodFrom: '2024-01-01',
        periodTo: '2024-12-31',
        expiresOn: addDays(finnishToday(), 100),
        pseudonymKey: 'ab'.repeat(32),
      })
      .returning();
    for (const id of [other!.id, '00000000-0000-4000-8000-000000000000']) {
      const result = await extract('admin', id);
      expect(codesOf(result)).toEqual(['NOT_FOUND']);
      const log = await logOf(result.headers['x-request-id']!);
      expect(log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
      // The refusal is logged, naming neither id (another organisation's permit id is not this one's business).
      expect(log.filter((e) => e.outcome === 'DENIED').map((e) => [e.action, e.entityType, e.entityId])).toEqual([['EXPORT', 'ResearchExtract', null]]);
    }
    // region-b's own registrar would reach it; region's does not list it.
    const list = await t.execute<{ researchPermits: { id: string }[] }>({ as: 'admin', query: PERMITS });
    expect(list.data!.researchPermits.map((p) => p.id)).not.toContain(other!.id);
  });
});

// The persona tables (seed 001, lifecycle-rules.ts): the REGISTRAR records permits and makes extracts, the data
// protection officer (AUDITOR) reads the permits; nobody else. The policy decides on the actor's own organisation
// before the permit is looked up, so whoever may not extract (another region's staff and the partner included) is
// FORBIDDEN whatever the id; to a REGISTRAR another organisation's permit is an unknown id (NOT_FOUND, above).
type Outcome = 'OK' | 'FORBIDDEN';
describe('who may make an extract', () => {
  const EXPECTED: Record<ActiveLogin, Outcome> = {
    'sw-child': 'FORBIDDEN',
    'sw-family': 'FORBIDDEN',
    'sw-adult': 'FORBIDDEN',
    'mgr-child': 'FORBIDDEN',
    'student-child': 'FORBIDDEN',
    billing: 'FORBIDDEN',
    dpo: 'FORBIDDEN',
    admin: 'OK',
    majakka: 'FORBIDDEN',
    'sw-adult-student': 'FORBIDDEN',
    'mgr-family-sw-child': 'FORBIDDEN',
    'billing-student': 'FORBIDDEN',
    'dpo-student': 'FORBIDDEN',
    'sw-b': 'FORBIDDEN',
    'dpo-b': 'FORBIDDEN',
  };
  let permitId: string;
  beforeAll(async () => {
    permitId = (await recordPermit({ serviceTasks: ['FAMILY_SERVICES'] })).id;
  });
  it.each(ACTIVE_LOGINS.map((login) => [login, EXPECTED[login]] as const))('%s: %s', async (login, expected) => {
    const result = await extract(login, permitId);
    const log = await logOf(result.headers['x-request-id']!);
    if (expected === 'OK') {
      expect(result.errors).toBeUndefined();
      expect(result.data!.researchExtract.rows.length).toBeGreaterThan(0);
      return;
    }
    expect(codesOf(result)).toEqual([expected]);
    expect(log.filter((e) => e.action === 'EXPORT' && e.outcome === 'ALLOWED')).toEqual([]);
    const denied = log.filter((e) => e.outcome === 'DENIED' && e.action === 'EXPORT' && e.entityType === 'ResearchExtract');
    expect(denied).toHaveLength(1);
  });
});

describe('who may record and read permits', () => {
  const RECORDS = new Set<ActiveLogin>(['admin']);
  const READS = new Set<ActiveLogin>(['admin', 'dpo', 'dpo-student', 'dpo-b']);
  let permitId: string;
  beforeAll(async () => {
    permitId = (await recordPermit()).id;
  });
  it.each(ACTIVE_LOGINS.map((login) => [login] as const))('%s', async (login) => {
    const recorded = await t.execute({ ...asPersona(login), query: RECORD, variables: { input: permitInput() } });
    if (RECORDS.has(login)) expect(recorded.errors).toBeUndefined();
    else {
      expect(codesOf(recorded)).toEqual(['FORBIDDEN']);
      expect((await logOf(recorded.headers['x-request-id']!)).filter((e) => e.outcome === 'DENIED' && e.entityType === 'ResearchPermit')).toHaveLength(1);
    }
    const listed = await t.execute<{ researchPermits: { id: string }[] }>({ ...asPersona(login), query: PERMITS });
    if (READS.has(login)) {
      expect(listed.errors).toBeUndefined();
      // Another organisation's officer reads its own (none of region's).
      expect(listed.data!.researchPermits.some((p) => p.id === permitId)).toBe(login !== 'dpo-b');
    } else {
      expect(codesOf(listed)).toEqual(['FORBIDDEN']);
      expect((await logOf(listed.headers['x-request-id']!)).filter((e) => e.outcome === 'DENIED' && e.entityType === 'ResearchPermit')).toHaveLength(1);
    }
  });
});
