/**
 * Issue 13 item 4: statistics without identifiers through the real gateway. The expected figures are
 * computed here in TypeScript from the demo world's rows (read table by table, grouped in the test), not
 * with the product's SQL; suppression ("<5" for 1–4, care days only from 5 persons, and a second cell where
 * one alone is suppressed in its group), who may read them (MANAGER, AUDITOR, REGISTRAR of the organisation,
 * DESIGN.md §4 and the issue), calendar periods only (a month, quarter, half-year or year), another
 * organisation's records never counted, the figures unchanged by a disposal (preserveStatistics, then
 * the client's records deleted), the CSV download (logged as EXPORT, formula cells defused) and no
 * identifier in any answer.
 */
import { randomUUID } from 'node:crypto';
import {
  careDays,
  clientRelationships,
  clients,
  dataSubjectRequests,
  decisions,
  DEMO,
  DEMO_PARTNER_TOKEN,
  DEMO_PARTNER_TOKEN_ID,
  disposalRuns,
  disposedEvents,
  entries,
  placements,
  units,
} from '@vartija/db';
import { preserveStatistics } from '@vartija/documents/src/lifecycle/statistic-events';
import { statisticsPeriod } from '@vartija/documents/src/lifecycle/statistics-input';
import { StatisticsStore } from '@vartija/documents/src/lifecycle/statistics-store';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '@vartija/kit';
import { codesOf, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
const db = () => t.database.db;
const REGION = DEMO.organisations.region.id;
const REGION_B = DEMO.organisations['region-b'].id;
const MAJAKKA = DEMO.organisations.majakka.id;
const REPORTS = ['CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', 'RELATIONSHIPS_STARTED_ENDED', 'DECISIONS_BY_TYPE', 'PLACEMENTS_AND_CARE_DAYS', 'DATA_SUBJECT_REQUESTS'] as const;
type Report = (typeof REPORTS)[number];
/** How many leading columns of each report are dimensions (the rest are figures). */
const DIMENSIONS: Record<Report, number> = {
  CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY: 3,
  RELATIONSHIPS_STARTED_ENDED: 1,
  DECISIONS_BY_TYPE: 2,
  PLACEMENTS_AND_CARE_DAYS: 1,
  DATA_SUBJECT_REQUESTS: 2,
};
/** A home municipality only the partner organisation's (inserted) clients have. */
const PARTNER_TOWN = 'Majakkala';

const QUERY = `query Statistics($report: StatisticsReport!, $from: Date!, $to: Date!) {
  statistics(report: $report, from: $from, to: $to) { report from to columns rows suppressionThreshold }
}`;
interface Table {
  report: Report;
  from: string;
  to: string;
  columns: string[];
  rows: string[][];
  suppressionThreshold: number;
}

// ---------- periods (calendar periods, relative to the seed's now) ----------
const iso = (d: Date) => d.toISOString().slice(0, 10);
const monthStart = (y: number, m: number) => iso(new Date(Date.UTC(y, m, 1)));
const monthEnd = (y: number, m: number) => iso(new Date(Date.UTC(y, m + 1, 0)));
function periods(now: Date) {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const quarter = m - (m % 3);
  const half = m - (m % 6);
  return {
    thisMonth: { from: monthStart(y, m), to: monthEnd(y, m) },
    thisQuarter: { from: monthStart(y, quarter), to: monthEnd(y, quarter + 2) },
    thisHalfYear: { from: monthStart(y, half), to: monthEnd(y, half + 5) },
    thisYear: { from: monthStart(y, 0), to: monthEnd(y, 11) },
    lastYear: { from: monthStart(y - 1, 0), to: monthEnd(y - 1, 11) },
  };
}
type Period = { from: string; to: string };
let PERIODS: ReturnType<typeof periods>;

// ---------- the expected figures, computed here from the rows ----------
const helsinkiDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(at);
const within = (day: string | null, p: Period) => day !== null && day >= p.from && day <= p.to;
const overlaps = (start: string, end: string | null, p: Period) => start <= p.to && (end === null || end >= p.from);
const AGES: [string, number][] = [
  ['0-6', 6],
  ['7-12', 12],
  ['13-17', 17],
  ['18-24', 24],
  ['25-64', 64],
  ['65+', Infinity],
];
function ageGroup(birth: string | null, toYear: number): { label: string; order: number } {
  if (!birth) return { label: 'UNKNOWN', order: AGES.length };
  const age = toYear - Number(birth.slice(0, 4));
  const i = AGES.findIndex(([, max]) => age <= max);
  return { label: AGES[i]![0], order: i };
}
/** Bytewise order of text (the product sorts COLLATE "C"), numbers as numbers. */
const compare = (a: (string | number)[], b: (string | number)[]) => {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
};

async function world(organisationId: string) {
  const people = await db().select().from(clients).where(eq(clients.organisationId, organisationId));
  const ids = people.map((c) => c.id);
  const byId = new Map(people.map((c) => [c.id, c]));
  const unitTask = new Map((await db().select().from(units)).map((u) => [u.id, u.serviceTask as string]));
  const rels = await db().select().from(clientRelationships).where(inArray(clientRelationships.clientId, ids));
  const decs = await db().select().from(decisions).where(inArray(decisions.clientId, ids));
  const plas = await db().select().from(placements).where(inArray(placements.clientId, ids));
  const days = plas.length ? await db().select().from(careDays).where(inArray(careDays.placementId, plas.map((p) => p.id))) : [];
  const reqs = await db().select().from(dataSubjectRequests).where(inArray(dataSubjectRequests.clientId, ids));
  return { byId, unitTask, rels, decs, plas, days, reqs };
}

/** A figure as counted, and the mark it is shown with when small on its own ("<5"; care days of < 5 persons ".."). */
interface Figure {
  value: number;
  hidden: string | null;
}
const countFigure = (n: number): Figure => ({ value: n, hidden: n >= 1 && n <= 4 ? '<5' : null });
const careDaysFigure = (days: number, persons: number): Figure => ({ value: days, hidden: days > 0 && persons < 5 ? '..' : null });

/**
 * The rows as the issue and the brief say they are shown: each small figure hidden, and in every figure column
 * the rows sharing the first dimension (all rows, in a report of one dimension) that hide exactly one figure
 * hide one more, the smallest other figure above 0 (the first in row order of equals), as "..".
 */
function shownRows(rows: { dims: string[]; figures: Figure[] }[]): string[][] {
  const out = rows.map((r) => r.figures.map((f) => f.hidden ?? String(f.value)));
  for (let col = 0; col < (rows[0]?.figures.length ?? 0); col++) {
    const byGroup = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const k = r.dims.length > 1 ? r.dims[0]! : '';
      byGroup.set(k, [...(byGroup.get(k) ?? []), i]);
    });
    for (const members of byGroup.values()) {
      if (members.filter((i) => rows[i]!.figures[col]!.hidden !== null).length !== 1) continue;
      const [next] = members
        .filter((i) => rows[i]!.figures[col]!.hidden === null && rows[i]!.figures[col]!.value > 0)
        .sort((a, b) => rows[a]!.figures[col]!.value - rows[b]!.figures[col]!.value || a - b);
      if (next !== undefined) out[next]![col] = '..';
    }
  }
  return rows.map((r, i) => [...r.dims, ...out[i]!]);
}

async function expected(report: Report, organisationId: string, p: Period): Promise<string[][]> {
  const w = await world(organisationId);
  const toYear = Number(p.to.slice(0, 4));
  const groups = new Map<string, { key: (string | number)[]; dims: string[]; values: number[]; persons: Set<string> }>();
  const cell = (key: (string | number)[], dims: string[], width: number) => {
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, dims, values: new Array(width).fill(0), persons: new Set() }));
    return g;
  };
  const sorted = () => [...groups.values()].sort((a, b) => compare(a.key, b.key));
  switch (report) {
    case 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY':
      for (const r of w.rels.filter((r) => overlaps(r.startedOn, r.endedOn, p))) {
        const c = w.byId.get(r.clientId)!;
        const age = ageGroup(c.dateOfBirth, toYear);
        // A non-disclosure client's municipality is not given (it could single out where the person lives).
        const town = c.addressNonDisclosure ? 'UNKNOWN' : (c.municipality ?? 'UNKNOWN');
        // The task of the relationship's unit (as disposal groups records).
        const task = w.unitTask.get(r.unitId)!;
        cell([task, age.order, town], [task, age.label, town], 0).persons.add(c.id);
      }
      return shownRows(sorted().map((g) => ({ dims: g.dims, figures: [countFigure(g.persons.size)] })));
    case 'RELATIONSHIPS_STARTED_ENDED':
      for (const r of w.rels) {
        const started = within(r.startedOn, p);
        const ended = within(r.endedOn, p);
        if (!started && !ended) continue;
        const task = w.unitTask.get(r.unitId)!;
        const g = cell([task], [task], 2);
        g.values[0]! += started ? 1 : 0;
        g.values[1]! += ended ? 1 : 0;
      }
      break;
    case 'DECISIONS_BY_TYPE':
      for (const d of w.decs.filter((d) => within(helsinkiDay(d.decidedAt), p))) {
        const task = w.unitTask.get(d.unitId)!;
        cell([task, d.type], [task, d.type], 1).values[0]! += 1;
      }
      break;
    case 'PLACEMENTS_AND_CARE_DAYS': {
      for (const pl of w.plas.filter((pl) => overlaps(pl.startsOn, pl.endsOn, p))) cell([pl.kind], [pl.kind], 2).values[0]! += 1;
      const placementOf = new Map(w.plas.map((pl) => [pl.id, pl]));
      for (const d of w.days.filter((d) => within(d.day, p))) {
        const pl = placementOf.get(d.placementId)!;
        const g = cell([pl.kind], [pl.kind], 2);
        g.values[1]! += 1;
        g.persons.add(pl.clientId);
      }
      return shownRows(sorted().map((g) => ({ dims: g.dims, figures: [countFigure(g.values[0]!), careDaysFigure(g.values[1]!, g.persons.size)] })));
    }
    case 'DATA_SUBJECT_REQUESTS':
      for (const q of w.reqs.filter((q) => within(q.receivedOn, p))) {
        const outcome = q.outcome ?? 'PENDING';
        cell([q.kind, outcome], [q.kind, outcome], 1).values[0]! += 1;
      }
      break;
  }
  return shownRows(sorted().map((g) => ({ dims: g.dims, figures: g.values.map(countFigure) })));
}

async function statistics(as: string | { token: string }, report: Report, p: Period) {
  const who = typeof as === 'string' ? { as } : as;
  return t.execute<{ statistics: Table }>({ ...who, query: QUERY, variables: { report, ...p } });
}
async function table(as: string, report: Report, p: Period): Promise<Table> {
  const result = await statistics(as, report, p);
  expect(result.errors).toBeUndefined();
  return result.data!.statistics;
}
const enumValues = async (type: string) => rowsOf<{ v: string }>(await db().execute(sql.raw(`SELECT unnest(enum_range(NULL::${type}))::text AS v`))).map((r) => r.v);
const logOf = (requestId: string) => db().select().from(entries).where(eq(entries.requestId, requestId));

// ---------- fixtures ----------
/** Six clients of the partner organisation (another register), served in a region unit, all in every period. */
async function insertPartnerClients() {
  const today = iso(t.now);
  for (let i = 0; i < 6; i++) {
    const [client] = await db()
      .insert(clients)
      .values({ organisationId: MAJAKKA, pseudonym: `Majakan asiakas ${i}`, dateOfBirth: '2012-05-05', municipality: PARTNER_TOWN })
      .returning({ id: clients.id });
    await db().insert(clientRelationships).values({ clientId: client!.id, unitId: DEMO.units['child-welfare'].id, serviceTask: 'CHILD_WELFARE', startedOn: PERIODS.lastYear.from, endedOn: today });
    await db().insert(decisions).values({
      clientId: client!.id,
      unitId: DEMO.units['child-welfare'].id,
      type: 'TERMINATION',
      legalAct: 'Lastensuojelulaki',
      legalSection: '1 §',
      decidedAt: t.now,
      content: 'test fixture',
    });
    await db().insert(dataSubjectRequests).values({ clientId: client!.id, kind: 'OBJECTION', receivedOn: today });
  }
}

/** The demo world has a handful of data-subject requests: five more pending ones make a cell above the threshold. */
async function insertPendingRequests() {
  const people = await db().select({ id: clients.id }).from(clients).where(eq(clients.organisationId, REGION)).limit(5);
  await db().insert(dataSubjectRequests).values(people.map((c) => ({ clientId: c.id, unitId: DEMO.units['family-services'].id, kind: 'ACCESS' as const, receivedOn: iso(t.now) })));
}

beforeAll(async () => {
  // A long grant cache keeps authentication out of the statement counts.
  t = await startTestStack({ grantCacheMs: 60_000 });
  PERIODS = periods(t.now);
  await insertPartnerClients();
  await insertPendingRequests();
});
afterAll(() => t?.close());

describe('the figures equal those counted from the demo world', () => {
  it.each(REPORTS)('%s, every period, for the region (dpo) and region-b (dpo-b)', async (report) => {
    for (const p of Object.values(PERIODS)) {
      const got = await table('dpo', report, p);
      expect(got).toMatchObject({ report, from: p.from, to: p.to, suppressionThreshold: 5 });
      expect(got.rows).toEqual(await expected(report, REGION, p));
      expect(got.rows.every((r) => r.length === got.columns.length)).toBe(true);
      expect((await table('dpo-b', report, p)).rows).toEqual(await expected(report, REGION_B, p));
    }
  });

  it('the reports are not empty and count something above the threshold (the comparison above is not vacuous)', async () => {
    for (const report of REPORTS) {
      const rows = [...(await table('admin', report, PERIODS.thisYear)).rows, ...(await table('admin', report, PERIODS.lastYear)).rows];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.flat().some((c) => /^\d+$/.test(c) && Number(c) >= 5)).toBe(true);
    }
  });

  it('names its columns, dimensions first', async () => {
    const columns = Object.fromEntries(await Promise.all(REPORTS.map(async (r) => [r, (await table('dpo', r, PERIODS.lastYear)).columns])));
    expect(columns).toEqual({
      CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY: ['serviceTask', 'ageGroup', 'municipality', 'clients'],
      RELATIONSHIPS_STARTED_ENDED: ['serviceTask', 'started', 'ended'],
      DECISIONS_BY_TYPE: ['serviceTask', 'decisionType', 'decisions'],
      PLACEMENTS_AND_CARE_DAYS: ['placementKind', 'placements', 'careDays'],
      DATA_SUBJECT_REQUESTS: ['requestKind', 'outcome', 'requests'],
    });
  });
});

describe('small counts are suppressed', () => {
  it('a cell counted 1–4 shows "<5", and no figure 1–4 is ever shown', async () => {
    const all = await Promise.all([PERIODS.thisYear, PERIODS.lastYear].flatMap((p) => REPORTS.map((r) => table('dpo', r, p))));
    const figures = all.flatMap((tb) => tb.rows.flatMap((r) => r.slice(DIMENSIONS[tb.report])));
    expect(figures).toContain('<5');
    for (const f of figures) expect(['1', '2', '3', '4']).not.toContain(f);
    // The region's data-subject requests of this year and the last: a kind × outcome has fewer than 5.
    const requests = [...(await expected('DATA_SUBJECT_REQUESTS', REGION, PERIODS.thisYear)), ...(await expected('DATA_SUBJECT_REQUESTS', REGION, PERIODS.lastYear))];
    expect(requests.some((r) => r[2] === '<5')).toBe(true);
  });

  it('one client of a municipality alone is "<5" in the clients report', async () => {
    const client = DEMO.clients.adultOnly;
    const [before] = await db().select({ municipality: clients.municipality }).from(clients).where(eq(clients.id, client));
    await db().update(clients).set({ municipality: 'Yksinäistenkylä' }).where(eq(clients.id, client));
    try {
      const rows = (await table('dpo', 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', PERIODS.thisMonth)).rows;
      const mine = rows.filter((r) => r[2] === 'Yksinäistenkylä');
      expect(mine).toHaveLength(1);
      expect(mine[0]![3]).toBe('<5');
    } finally {
      await db().update(clients).set({ municipality: before!.municipality }).where(eq(clients.id, client));
    }
  });

  it('a client under address non-disclosure counts under UNKNOWN: its municipality never shows, not even as "<5"', async () => {
    const client = DEMO.clients.childWelfareNonDisclosureOther;
    const [before] = await db().select({ municipality: clients.municipality }).from(clients).where(eq(clients.id, client));
    await db().update(clients).set({ municipality: 'Turvakylä' }).where(eq(clients.id, client));
    try {
      for (const login of ['dpo', 'admin']) {
        const rows = (await table(login, 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', PERIODS.thisMonth)).rows;
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.filter((r) => r[2] === 'Turvakylä')).toEqual([]);
      }
    } finally {
      await db().update(clients).set({ municipality: before!.municipality }).where(eq(clients.id, client));
    }
  });

  it('a small cell alone in its group takes its next-smallest neighbour with it (the group total is another report\'s)', async () => {
    // January 1987 (before anything of the demo world): six children start child welfare, five in one town,
    // one alone in another; two more start family services there. Six started = the town's five + the one.
    const cw = DEMO.units['child-welfare'].id;
    const add = async (municipality: string, unitId: string, serviceTask: 'CHILD_WELFARE' | 'FAMILY_SERVICES') => {
      const [c] = await db().insert(clients).values({ organisationId: REGION, pseudonym: `Tilasto ${randomUUID()}`, dateOfBirth: '1980-03-03', municipality }).returning({ id: clients.id });
      await db().insert(clientRelationships).values({ clientId: c!.id, unitId, serviceTask, startedOn: '1987-01-12', endedOn: '1987-01-30' });
    };
    for (let i = 0; i < 5; i++) await add('Viisikylä', cw, 'CHILD_WELFARE');
    await add('Yksikylä', cw, 'CHILD_WELFARE');
    for (let i = 0; i < 7; i++) await add('Viisikylä', DEMO.units['family-services'].id, 'FAMILY_SERVICES');
    const january = { from: '1987-01-01', to: '1987-01-31' };
    const byTown = (await table('dpo', 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', january)).rows;
    expect(byTown).toEqual([
      ['CHILD_WELFARE', '7-12', 'Viisikylä', '..'],
      ['CHILD_WELFARE', '7-12', 'Yksikylä', '<5'],
      ['FAMILY_SERVICES', '7-12', 'Viisikylä', '7'],
    ]);
    expect(byTown).toEqual(await expected('CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', REGION, january));
    // The total that would have given the lone child away: six started, every one of them ended.
    expect((await table('dpo', 'RELATIONSHIPS_STARTED_ENDED', january)).rows).toEqual([
      ['CHILD_WELFARE', '6', '6'],
      ['FAMILY_SERVICES', '7', '7'],
    ]);
  });
});

describe('who may read the statistics (MANAGER, AUDITOR, REGISTRAR of the organisation)', () => {
  const CASES: [string, boolean][] = [
    ['sw-child', false],
    ['sw-family', false],
    ['sw-adult', false],
    ['mgr-child', true],
    ['student-child', false],
    ['billing', false],
    ['dpo', true],
    ['admin', true],
    ['majakka', false],
    ['sw-adult-student', false],
    ['mgr-family-sw-child', true],
    ['billing-student', false],
    ['dpo-student', true],
    ['sw-b', false],
    ['dpo-b', true],
  ];
  it.each(CASES)('%s: allowed %s; a refusal is FORBIDDEN and logged DENIED, an answer logged READ', async (login, allowed) => {
    const as = login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : login;
    const result = await statistics(as, 'DECISIONS_BY_TYPE', PERIODS.lastYear);
    const log = await logOf(result.headers['x-request-id']!);
    const mine = log.filter((e) => e.entityType === 'StatisticsReport');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ entityId: 'DECISIONS_BY_TYPE', clientId: null, fields: [], action: 'READ' });
    if (login === 'majakka') expect(mine[0]!.actorId).toBe(DEMO_PARTNER_TOKEN_ID);
    if (allowed) {
      expect(result.errors).toBeUndefined();
      const organisation = login.endsWith('-b') ? REGION_B : REGION;
      expect(result.data!.statistics.rows).toEqual(await expected('DECISIONS_BY_TYPE', organisation, PERIODS.lastYear));
      expect(mine[0]).toMatchObject({ outcome: 'ALLOWED', organisationId: organisation });
    } else {
      expect(codesOf(result)).toEqual(['FORBIDDEN']);
      expect(result.data?.statistics ?? null).toBeNull();
      expect(mine[0]).toMatchObject({ outcome: 'DENIED' });
    }
    // Nothing about any client is logged: statistics read no person's data.
    expect(log.every((e) => e.clientId === null)).toBe(true);
  });

  it('the READ entry names the grant that allowed it (mgr-child: MANAGER of child welfare)', async () => {
    const result = await statistics('mgr-child', 'PLACEMENTS_AND_CARE_DAYS', PERIODS.lastYear);
    const [entry] = (await logOf(result.headers['x-request-id']!)).filter((e) => e.entityType === 'StatisticsReport');
    expect(entry).toMatchObject({ actorRole: 'MANAGER', unitId: DEMO.units['child-welfare'].id, outcome: 'ALLOWED', action: 'READ' });
    expect(entry!.reason).toContain(PERIODS.lastYear.from);
  });
});

describe('periods are calendar periods: a month, a quarter, a half-year or a year', () => {
  const y = new Date().getUTCFullYear();
  it.each([
    [`${y}-01-02`, `${y}-01-31`, 'from'],
    [`${y}-01-01`, `${y}-01-30`, 'to'],
    [`${y}-03-01`, `${y}-02-28`, 'to'],
    // Runs of months that are no calendar period (a window that could be widened a month at a time).
    [`${y}-01-01`, `${y}-02-28`, 'to'],
    [`${y}-02-01`, `${y}-04-30`, 'to'],
    [`${y}-03-01`, `${y}-08-31`, 'to'],
    [`${y - 1}-07-01`, `${y}-06-30`, 'to'],
    [`${y - 9}-01-01`, `${y}-12-31`, 'to'],
    ['2025-02-30', '2025-03-31', 'from'],
  ])('%s..%s is refused naming %s and the periods allowed', async (from, to, field) => {
    const result = await statistics('dpo', 'RELATIONSHIPS_STARTED_ENDED', { from, to });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!['field']).toBe(field);
    if (field === 'to' && to > from) expect(result.errors![0]!.message).toContain('a month, a calendar quarter');
  });

  it.each([
    ['a month', `${y}-02-01`, `${y}-02-${y % 4 === 0 ? 29 : 28}`],
    ['a quarter', `${y}-04-01`, `${y}-06-30`],
    ['a half-year', `${y}-07-01`, `${y}-12-31`],
    ['a year', `${y - 1}-01-01`, `${y - 1}-12-31`],
  ])('%s is accepted', async (_name, from, to) => {
    const result = await statistics('dpo', 'RELATIONSHIPS_STARTED_ENDED', { from, to });
    expect(result.errors).toBeUndefined();
  });
});

describe("another organisation's records are never counted", () => {
  it("the partner organisation's clients (served in a region unit) appear in no report of the region", async () => {
    for (const report of REPORTS) {
      for (const p of [PERIODS.thisMonth, PERIODS.lastYear]) {
        const rows = (await table('dpo', report, p)).rows;
        expect(rows.flat()).not.toContain(PARTNER_TOWN);
        expect(rows).toEqual(await expected(report, REGION, p));
      }
    }
    // The fixture is there to be missed: six clients of majakka with a decision and a request each.
    const partners = await db().select({ id: clients.id }).from(clients).where(and(eq(clients.organisationId, MAJAKKA), eq(clients.municipality, PARTNER_TOWN)));
    expect(partners).toHaveLength(6);
  });
});

describe('no N+1: one statement per report whatever the period', () => {
  it('counts the same SQL statements for one month and for a year', async () => {
    const count = async (p: Period) => {
      const before = t.database.statements.count;
      await table('dpo', 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', p);
      return t.database.statements.count - before;
    };
    await count(PERIODS.thisMonth);
    const small = await count(PERIODS.thisMonth);
    const large = await count(PERIODS.lastYear);
    expect(large).toBe(small);
    // The report's statement and the access-log batch (and its chain head): no per-row query.
    expect(large).toBeLessThanOrEqual(6);
  });
});

describe('CSV download: GET /exports/statistics/{report}.csv', () => {
  const path = (report: string, p: Partial<Period>) => `/exports/statistics/${report}.csv?${new URLSearchParams(p as Record<string, string>).toString()}`;
  async function get(url: string, as?: string | { token: string }) {
    const req = t.gateway().get(url);
    const token = typeof as === 'string' ? await t.tokenFor(as) : as?.token;
    if (token) req.set('authorization', `Bearer ${token}`);
    return req;
  }
  /** RFC 4180 as a test reads it: these cells hold no comma, quote or line break. */
  const plainCsv = (tb: Table) => [tb.columns, ...tb.rows].map((r) => `${r.join(',')}\r\n`).join('');

  it.each(REPORTS)('%s equals the GraphQL answer, is an attachment, and is logged as EXPORT (not READ)', async (report) => {
    const p = PERIODS.thisYear;
    const res = await get(path(report, p), 'dpo');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="statistics-${report}-${p.from}-${p.to}.csv"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toBe(plainCsv(await table('dpo', report, p)));
    expect(res.text.split('\r\n')[0]).toBe((await table('dpo', report, p)).columns.join(','));
    const log = await logOf(res.headers['x-request-id']!);
    expect(log.filter((e) => e.entityType === 'StatisticsReport').map((e) => [e.action, e.outcome, e.entityId])).toEqual([['EXPORT', 'ALLOWED', report]]);
    expect(log.some((e) => e.action === 'READ')).toBe(false);
  });

  it('defuses a cell that a spreadsheet would run as a formula, and quotes as RFC 4180 says', async () => {
    const evil = '=HYPERLINK("http://evil.example","x")';
    const plus = '+358,40';
    const [before] = await db().select({ municipality: clients.municipality }).from(clients).where(eq(clients.id, DEMO.clients.familyOnly));
    const [before2] = await db().select({ municipality: clients.municipality }).from(clients).where(eq(clients.id, DEMO.clients.adultOnly));
    await db().update(clients).set({ municipality: evil }).where(eq(clients.id, DEMO.clients.familyOnly));
    await db().update(clients).set({ municipality: plus }).where(eq(clients.id, DEMO.clients.adultOnly));
    try {
      const p = PERIODS.thisMonth;
      const gql = await table('dpo', 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', p);
      expect(gql.rows.map((r) => r[2])).toEqual(expect.arrayContaining([evil, plus]));
      const res = await get(path('CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', p), 'dpo');
      expect(res.status).toBe(200);
      expect(res.text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
      expect(res.text).toContain(`,"'+358,40",`);
      expect(res.text).not.toMatch(/(^|,)[=+\-@]/m);
      expect(res.text.split('\r\n').filter(Boolean)).toHaveLength(gql.rows.length + 1);
    } finally {
      await db().update(clients).set({ municipality: before!.municipality }).where(eq(clients.id, DEMO.clients.familyOnly));
      await db().update(clients).set({ municipality: before2!.municipality }).where(eq(clients.id, DEMO.clients.adultOnly));
    }
  });

  it('answers 400 with a readable reason for a bad period or report, 401 without a token, 403 as GraphQL refuses', async () => {
    const p = PERIODS.lastYear;
    const badFrom = await get(path('DECISIONS_BY_TYPE', { from: p.from.replace(/01$/, '02'), to: p.to }), 'dpo');
    expect(badFrom.status).toBe(400);
    expect(badFrom.body.errors[0].message).toMatch(/^from: must be the first day of a month/);
    const twoYears = { from: PERIODS.lastYear.from, to: PERIODS.thisYear.to };
    const longPeriod = await get(path('DECISIONS_BY_TYPE', twoYears), 'dpo');
    expect(longPeriod.status).toBe(400);
    expect(longPeriod.body.errors[0].message).toContain('a calendar year');
    const missing = await get(path('DECISIONS_BY_TYPE', { from: p.from }), 'dpo');
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].message).toMatch(/^to: required/);
    const notADate = await get(path('DECISIONS_BY_TYPE', { from: 'yesterday', to: p.to }), 'dpo');
    expect(notADate.status).toBe(400);
    expect(notADate.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const unknown = await get(path('EVERYTHING', p), 'dpo');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('DECISIONS_BY_TYPE.csv');
    expect((await get(path('DECISIONS_BY_TYPE', p))).status).toBe(401);
    expect((await t.gateway().post(path('DECISIONS_BY_TYPE', p)).set('authorization', `Bearer ${await t.tokenFor('dpo')}`)).status).toBe(405);

    for (const who of ['sw-child', 'billing', { token: DEMO_PARTNER_TOKEN }] as const) {
      const refused = await get(path('DECISIONS_BY_TYPE', p), who);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      const log = await logOf(refused.headers['x-request-id']!);
      expect(log.filter((e) => e.entityType === 'StatisticsReport').map((e) => [e.action, e.outcome])).toEqual([['EXPORT', 'DENIED']]);
    }
  });
});

describe('no identifiers in any report or CSV', () => {
  it('no client id, identity code or name appears; every cell is a figure or a known dimension value', async () => {
    const people = await db().select().from(clients);
    const ids = people.map((c) => c.id);
    const codes = people.map((c) => c.personalIdentityCode).filter((c): c is string => !!c);
    const names = new Set(people.flatMap((c) => [c.firstName, c.lastName, c.pseudonym]).filter((n): n is string => !!n));
    const towns = new Set([...people.map((c) => c.municipality), 'UNKNOWN']);
    const vocabulary = new Set<string>([
      ...(await enumValues('clients.service_task')),
      ...(await enumValues('services.decision_type')),
      ...(await enumValues('services.placement_kind')),
      ...(await enumValues('documents.data_subject_request_kind')),
      'GRANTED', 'PARTLY_GRANTED', 'REFUSED', 'PENDING', 'UNKNOWN',
      ...AGES.map(([label]) => label),
    ]);
    expect(ids.length).toBeGreaterThan(300);
    expect(codes.length).toBeGreaterThan(300);
    for (const report of REPORTS) {
      for (const p of [PERIODS.thisMonth, PERIODS.thisYear, PERIODS.lastYear]) {
        const tb = await table('admin', report, p);
        const csv = (await t.gateway().get(`/exports/statistics/${report}.csv?from=${p.from}&to=${p.to}`).set('authorization', `Bearer ${await t.tokenFor('admin')}`)).text;
        for (const text of [JSON.stringify(tb), csv]) {
          for (const id of ids) expect(text).not.toContain(id);
          for (const code of codes) expect(text).not.toContain(code);
        }
        tb.rows.forEach((row) =>
          row.forEach((value, i) => {
            const column = tb.columns[i]!;
            if (column === 'municipality') expect(towns).toContain(value);
            else if (['serviceTask', 'ageGroup', 'decisionType', 'placementKind', 'requestKind', 'outcome'].includes(column)) expect(vocabulary).toContain(value);
            else expect(value).toMatch(/^(0|[1-9]\d*|<5|\.\.)$/);
            if (column !== 'municipality') expect(names.has(value)).toBe(false);
          }),
        );
      }
    }
  });
});

describe('preserveStatistics: the figures stay when clients are disposed of', () => {
  /** Deletes a client's records as a disposal would, children before parents. */
  async function deleteClients(tx: Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0], ids: string[]) {
    const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
    const docs = sql`(SELECT id FROM documents.documents WHERE client_id IN (${list}))`;
    const reqs = sql`(SELECT id FROM documents.data_subject_requests WHERE client_id IN (${list}))`;
    const discs = sql`(SELECT id FROM documents.disclosures WHERE client_id IN (${list}))`;
    const plas = sql`(SELECT id FROM services.placements WHERE client_id IN (${list}))`;
    const commits = sql`(SELECT id FROM services.payment_commitments WHERE client_id IN (${list}) OR placement_id IN ${plas})`;
    for (const statement of [
      sql`DELETE FROM documents.extract_redactions WHERE request_id IN ${reqs} OR document_id IN ${docs}`,
      sql`DELETE FROM documents.disclosure_documents WHERE disclosure_id IN ${discs} OR document_id IN ${docs}`,
      sql`DELETE FROM documents.document_revisions WHERE document_id IN ${docs}`,
      sql`DELETE FROM documents.disclosures WHERE client_id IN (${list})`,
      sql`DELETE FROM documents.documents WHERE client_id IN (${list})`,
      sql`DELETE FROM documents.data_subject_requests WHERE client_id IN (${list})`,
      sql`DELETE FROM services.care_days WHERE placement_id IN ${plas}`,
      sql`DELETE FROM services.medications WHERE client_id IN (${list}) OR placement_id IN ${plas}`,
      sql`DELETE FROM services.restrictions WHERE client_id IN (${list}) OR placement_id IN ${plas}`,
      sql`DELETE FROM services.invoices WHERE payment_commitment_id IN ${commits}`,
      sql`DELETE FROM services.payment_commitments WHERE client_id IN (${list}) OR placement_id IN ${plas}`,
      sql`DELETE FROM services.placements WHERE client_id IN (${list})`,
      sql`DELETE FROM services.decisions WHERE client_id IN (${list})`,
      sql`DELETE FROM services.assistance_requests WHERE client_id IN (${list})`,
      sql`DELETE FROM lifecycle.handovers WHERE client_id IN (${list})`,
      sql`DELETE FROM clients.commissions WHERE client_id IN (${list})`,
      sql`DELETE FROM clients.consents WHERE client_id IN (${list})`,
      sql`DELETE FROM clients.guardians WHERE client_id IN (${list})`,
      sql`DELETE FROM clients.client_relationships WHERE client_id IN (${list})`,
      sql`DELETE FROM clients.clients WHERE id IN (${list})`,
    ]) {
      await tx.execute(statement);
    }
  }

  it("every report over every period is unchanged, raw figures included; the kept facts carry each client's statistics key, gone with the client", async () => {
    // Clients with every kind of fact: a placement with care days, decisions in two units, requests.
    const withRequests = (await db().selectDistinct({ id: dataSubjectRequests.clientId }).from(dataSubjectRequests).innerJoin(clients, eq(clients.id, dataSubjectRequests.clientId)).where(eq(clients.organisationId, REGION))).map((r) => r.id);
    const withCareDays = (await db().selectDistinct({ id: placements.clientId }).from(placements).innerJoin(careDays, eq(careDays.placementId, placements.id)).innerJoin(clients, eq(clients.id, placements.clientId)).where(eq(clients.organisationId, REGION))).map((r) => r.id);
    const disposed = [...new Set([DEMO.clients.childWelfareOpen, DEMO.clients.childAndAdult, DEMO.clients.childWelfareArchived, ...withRequests.slice(0, 3), ...withCareDays.slice(0, 6)])];
    expect(withRequests.length).toBeGreaterThan(0);
    expect(withCareDays.length).toBeGreaterThan(0);

    const store = new StatisticsStore(db());
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const [name, p] of Object.entries(PERIODS)) {
        for (const report of REPORTS) {
          out[`${name}/${report}/api`] = (await table('dpo', report, p)).rows;
          out[`${name}/${report}/raw`] = await store.rows(report, REGION, statisticsPeriod(p.from, p.to));
        }
      }
      return out;
    };
    const before = await snapshot();
    const [run] = await db()
      .insert(disposalRuns)
      .values({ organisationId: REGION, asOf: iso(t.now), dryRun: false, status: 'COMPLETED', classes: [], counts: {} })
      .returning({ id: disposalRuns.id });
    const relationshipsOf = await db().select({ id: clientRelationships.id }).from(clientRelationships).where(inArray(clientRelationships.clientId, disposed));
    const statisticsKeys = (await db().select({ key: clients.statisticsKey }).from(clients).where(inArray(clients.id, disposed))).map((c) => c.key);
    await db().transaction(async (tx) => {
      await preserveStatistics(tx, REGION, disposed, run!.id);
      await deleteClients(tx, disposed);
    });
    expect(await db().select({ id: clients.id }).from(clients).where(inArray(clients.id, disposed))).toEqual([]);

    expect(await snapshot()).toEqual(before);

    // The kept facts: one key per client, its statistics key (never its id), which went with the client row;
    // nothing else identifying.
    const kept = await db().select().from(disposedEvents).where(eq(disposedEvents.disposalRunId, run!.id));
    const keys = new Set(kept.map((e) => e.personKey));
    expect(keys.size).toBe(disposed.length);
    expect([...keys].sort()).toEqual([...statisticsKeys].sort());
    for (const key of keys) expect(disposed).not.toContain(key);
    expect(await db().select({ id: clients.id }).from(clients).where(inArray(clients.statisticsKey, statisticsKeys))).toEqual([]);
    expect(kept.filter((e) => e.kind === 'RELATIONSHIP')).toHaveLength(relationshipsOf.length);
    expect(kept.every((e) => e.organisationId === REGION)).toBe(true);
    expect(JSON.stringify(kept)).not.toMatch(new RegExp(disposed.join('|')));
  });

  it("facts kept for another organisation are not the region's", async () => {
    const p = PERIODS.lastYear;
    const before = (await table('dpo', 'DATA_SUBJECT_REQUESTS', p)).rows;
    await db()
      .insert(disposedEvents)
      .values(Array.from({ length: 7 }, () => ({ organisationId: REGION_B, personKey: randomUUID(), kind: 'DATA_SUBJECT_REQUEST', category: 'ACCESS', outcome: 'REFUSED', startedOn: p.from })));
    expect((await table('dpo', 'DATA_SUBJECT_REQUESTS', p)).rows).toEqual(before);
    const b = (await table('dpo-b', 'DATA_SUBJECT_REQUESTS', p)).rows;
    expect(b).toContainEqual(['ACCESS', 'REFUSED', expect.stringMatching(/^([7-9]|\d\d+)$/)]);
  });
});
