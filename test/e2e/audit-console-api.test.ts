/**
 * The auditor's console API (issue 15): names for the log's ids, per-actor activity counted in accesses,
 * the review queues over the demo log history, reviews and random-sample monitoring runs, the CSV export
 * of a search — each under the one policy module (AUDITOR; the REGISTRAR only where it concerns it) with
 * refusals FORBIDDEN and logged, and without N+1.
 */
import { buildDemoLogHistory, buildDemoWorld, DEMO_PARTNER_TOKEN, DEMO_PARTNER_TOKEN_ID, type DemoAuditEntry, entries, Random, seedUuid } from '@vartija/db';
import { DbAuditSink, finnishDateOf } from '@vartija/kit';
import { and, eq, sql } from 'drizzle-orm';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
let anomalies: ReturnType<typeof buildDemoLogHistory>['anomalies'];
const DAY_MS = 86_400_000;

beforeAll(async () => {
  // A long grant cache keeps the authentication query out of the counted statements.
  t = await startTestStack({ logHistory: true, grantCacheMs: 60_000 });
  anomalies = buildDemoLogHistory(buildDemoWorld(t.now), t.now).anomalies;
}, 120_000);
afterAll(() => t?.close());

type Login = keyof typeof DEMO.users | 'majakka';
const idOf = (login: Login) => (login === 'majakka' ? DEMO_PARTNER_TOKEN_ID : DEMO.users[login].id);
const as = (login: Login) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });

async function run<T = Record<string, unknown>>(login: Login, query: string, variables: Record<string, unknown> = {}) {
  return t.execute<T>({ ...as(login), query, variables });
}

/** The history's period: every seeded entry is in it, no test request is. (first: 500 with reviews fits the cost budget.) */
const historyPeriod = () => ({ from: new Date(t.now.getTime() - 30 * DAY_MS).toISOString(), to: t.now.toISOString() });

const ENTRY = 'id at requestId actorId actorName actorRole organisationId organisationName unitId unitName clientId entityType action outcome intent callerAddress reason emergency';
interface Entry {
  id: string;
  at: string;
  requestId: string;
  actorId: string;
  actorName: string | null;
  actorRole: string | null;
  organisationId: string | null;
  organisationName: string | null;
  unitId: string | null;
  unitName: string | null;
  clientId: string | null;
  entityType: string;
  action: string;
  outcome: string;
  intent: string;
  callerAddress: string | null;
  reason: string | null;
  emergency: boolean;
}
interface Item {
  entry: Entry;
  why: string;
  reviewed: boolean;
}

const QUEUE = `query ($kind: ReviewQueueKind!, $from: DateTime, $to: DateTime, $all: Boolean, $first: Int) {
  reviewQueue(kind: $kind, from: $from, to: $to, includeReviewed: $all, first: $first) { why reviewed entry { ${ENTRY} reviews { id note } } }
}`;
async function queue(kind: string, login: Login = 'dpo', extra: Record<string, unknown> = {}): Promise<Item[]> {
  const res = await run<{ reviewQueue: Item[] }>(login, QUEUE, { kind, ...historyPeriod(), all: true, first: 500, ...extra });
  expect(res.errors).toBeUndefined();
  return res.data!.reviewQueue;
}

/** Refused attempts of an actor's query or mutation, as the log holds them. */
async function deniedEntries(login: Login, operation: string) {
  return t.database.db
    .select()
    .from(entries)
    .where(and(eq(entries.actorId, idOf(login)), eq(entries.outcome, 'DENIED'), eq(entries.entityId, operation)));
}

// --- The policy table ---------------------------------------------------------------------------------

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
const PERSONAS: Login[] = ['dpo', 'admin', 'sw-child', 'mgr-child', 'student-child', 'billing', 'majakka', 'dpo-b'];

/** Who may do what: AUDITOR everything of its organisation; REGISTRAR the names and the DENIED queue. */
const TABLE: [string, string, () => Record<string, unknown>, Partial<Record<Login, Outcome>>][] = [
  ['auditActors', `{ auditActors(search: "a") { id name } }`, () => ({}), { dpo: 'ok', admin: 'ok', 'dpo-b': 'ok' }],
  ['auditUnits', `{ auditUnits { id name organisationName } }`, () => ({}), { dpo: 'ok', admin: 'ok', 'dpo-b': 'ok' }],
  [
    'actorActivity',
    `query ($id: ID!, $from: Date!, $to: Date!) { actorActivity(actorId: $id, from: $from, to: $to) { days { day accesses } usual { accessesMedian } } }`,
    () => ({ id: DEMO.users['sw-child'].id, from: finnishDateOf(new Date(t.now.getTime() - 7 * DAY_MS)), to: finnishDateOf(t.now) }),
    { dpo: 'ok', 'dpo-b': 'ok' },
  ],
  ['reviewQueue', `{ reviewQueue(kind: EMERGENCY) { why } }`, () => ({}), { dpo: 'ok', 'dpo-b': 'ok' }],
  ['reviewQueue', `{ reviewQueue(kind: DENIED) { why entry { id outcome } } }`, () => ({}), { dpo: 'ok', admin: 'ok', 'dpo-b': 'ok' }],
  ['reviewQueue', `{ reviewQueue(kind: HIGH_VOLUME) { why } }`, () => ({}), { dpo: 'ok', 'dpo-b': 'ok' }],
  ['monitoringRuns', `{ monitoringRuns { id seed } }`, () => ({}), { dpo: 'ok', 'dpo-b': 'ok' }],
  [
    'startSampleReview',
    `mutation ($from: DateTime!, $to: DateTime!) { startSampleReview(size: 3, seed: 7, from: $from, to: $to) { id entries { id } } }`,
    () => historyPeriod(),
    { dpo: 'ok', 'dpo-b': 'ok' },
  ],
  // dpo-b may review, but not an entry of another organisation's log: that one is as unknown as a nonexistent id.
  ['markReviewed', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "checked") { id } }`, () => ({ id: emergencyEntryId }), { dpo: 'ok', 'dpo-b': 'NOT_FOUND' }],
];
let emergencyEntryId = '';

describe('who may use the console API (persona × operation)', () => {
  beforeAll(async () => {
    const [item] = (await queue('EMERGENCY')).filter((i) => i.entry.clientId === anomalies.emergency.clientId);
    emergencyEntryId = item!.entry.id;
  });

  const cells = TABLE.flatMap(([operation, query, variables, allowed]) =>
    PERSONAS.map((login) => [operation, login, allowed[login] ?? 'FORBIDDEN', query, variables] as const),
  );
  it.each(cells)('%s as %s: %s', async (operation, login, expected, query, variables) => {
    const before = (await deniedEntries(login, operation)).length;
    const res = await run(login, query, variables());
    if (expected === 'ok') {
      expect(res.errors).toBeUndefined();
      expect(res.data).toBeTruthy();
      return;
    }
    expect(codesOf(res)).toEqual([expected]);
    if (expected === 'FORBIDDEN') {
      // The refusal is in the log, named by the operation refused.
      const denied = await deniedEntries(login, operation);
      expect(denied.length).toBeGreaterThan(before);
      expect(denied.at(-1)).toMatchObject({ entityType: 'AuditLog', outcome: 'DENIED' });
    }
  });

  it('the REGISTRAR reads refused attempts of its own organisation only, and may not review them', async () => {
    const items = await queue('DENIED', 'admin');
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.entry.outcome).toBe('DENIED');
      expect(item.entry.organisationId).toBe(DEMO.organisations.region.id);
    }
    const review = await run('admin', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "fine") { id } }`, { id: items[0]!.entry.id });
    expect(codesOf(review)).toEqual(['FORBIDDEN']);
  });

  it("another region's auditor sees none of the region's entries in its queues", async () => {
    for (const kind of ['DENIED', 'OUTSIDE_CASELOAD', 'HIGH_VOLUME']) {
      for (const item of await queue(kind, 'dpo-b')) expect(item.entry.organisationId).not.toBe(DEMO.organisations.region.id);
    }
  });

  it("me.permissions shows the monitoring actions to the auditor, the registrar's reads, nothing to a social worker", async () => {
    const permissions = async (login: Login) => {
      const res = await run<{ me: { permissions: { subject: string; actions: string[] }[] } }>(login, `{ me { permissions { subject actions } } }`);
      return Object.fromEntries(res.data!.me.permissions.filter((p) => ['AuditReview', 'MonitoringRun', 'AuditReviewQueue', 'AuditDirectory'].includes(p.subject)).map((p) => [p.subject, p.actions]));
    };
    expect(await permissions('dpo')).toEqual({ AuditDirectory: ['read'], AuditReviewQueue: ['read'], AuditReview: ['read', 'create'], MonitoringRun: ['read', 'create'] });
    expect(await permissions('admin')).toEqual({ AuditDirectory: ['read'], AuditReviewQueue: ['read'], AuditReview: ['read'], MonitoringRun: [] });
    expect(await permissions('sw-child')).toEqual({ AuditDirectory: [], AuditReviewQueue: [], AuditReview: [], MonitoringRun: [] });
  });
});

// --- Names, caller address and intent -------------------------------------------------------------------

describe('entries carry names, the caller address and the intent', () => {
  it('names actors, units and organisations, and finds actors by name', async () => {
    const res = await run<{ auditEntries: { nodes: Entry[] } }>('dpo', `query ($a: String) { auditEntries(filter: { actorId: $a, outcome: ALLOWED }, first: 3) { nodes { ${ENTRY} } } }`, { a: DEMO.users['sw-child'].id });
    expect(res.errors).toBeUndefined();
    for (const e of res.data!.auditEntries.nodes) {
      expect(e.actorName).toBe(DEMO.users['sw-child'].displayName);
      expect(e.unitName).toBe(DEMO.units['child-welfare'].name);
      expect(e.organisationName).toBe(DEMO.organisations.region.name);
    }
    const found = await run<{ auditActors: { id: string; kind: string; name: string; login: string | null }[] }>('dpo', `query ($s: String) { auditActors(search: $s) { id kind name login } }`, { s: 'sw-child' });
    expect(found.data!.auditActors).toEqual(expect.arrayContaining([{ id: DEMO.users['sw-child'].id, kind: 'USER', name: DEMO.users['sw-child'].displayName, login: 'sw-child' }]));
    const tokens = await run<{ auditActors: { id: string; kind: string; name: string }[] }>('dpo', `{ auditActors(search: "majakka") { id kind name } }`);
    expect(tokens.data!.auditActors).toEqual([expect.objectContaining({ id: DEMO_PARTNER_TOKEN_ID, kind: 'PARTNER', name: expect.stringContaining(DEMO.organisations.majakka.name) })]);
    const units = await run<{ auditUnits: { id: string; name: string; organisationName: string }[] }>('dpo', `{ auditUnits { id name organisationName } }`);
    expect(units.data!.auditUnits.map((u) => u.id).sort()).toEqual([DEMO.units['child-welfare'].id, DEMO.units['family-services'].id, DEMO.units['adult-services'].id].sort());
  });

  it('a printed document is intent PRINT with the caller address; a query is VIEW', async () => {
    const res = await t.gateway().get(`/documents/client-access-report/${DEMO.clients.childWelfareOpen}`).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(res.status).toBe(200);
    const requestId = res.headers['x-request-id'] as string;
    const logged = await run<{ auditEntries: { nodes: Entry[] } }>('dpo', `query ($r: String) { auditEntries(filter: { requestId: $r }) { nodes { ${ENTRY} } } }`, { r: requestId });
    const nodes = logged.data!.auditEntries.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    for (const e of nodes) {
      expect(e.intent).toBe('PRINT');
      expect(e.callerAddress).toMatch(/127\.0\.0\.1|::1/);
    }
    const views = await run<{ auditEntries: { nodes: Entry[] } }>('dpo', `{ auditEntries(filter: { action: READ }, first: 5) { nodes { intent } } }`);
    expect(views.data!.auditEntries.nodes.every((e) => e.intent === 'VIEW')).toBe(true);
  });
});

// --- Activity counted in accesses -----------------------------------------------------------------------

describe('per-actor activity in accesses, with the usual range', () => {
  // Fixture entries 60–54 days back, where the seeded history does not reach: two actors' work, with
  // several entries per access, refused attempts and entries about no client (neither is an access),
  // and times around Finnish midnight (a UTC day is not the Finnish day).
  const fixture: DemoAuditEntry[] = [];
  const a = DEMO.users['sw-child-2'];
  const b = DEMO.users['mgr-child'];
  const clientsPool = [DEMO.clients.childWelfareOpen, DEMO.clients.childWelfareNonDisclosureOwn, DEMO.clients.childWelfareNonDisclosureOther, DEMO.clients.childAndFamily, DEMO.clients.childAndAdult];
  let fromDay = '';
  let toDay = '';

  beforeAll(async () => {
    const rng = new Random('audit-console-api/activity');
    const base = t.now.getTime() - 60 * DAY_MS;
    fromDay = finnishDateOf(new Date(base));
    toDay = finnishDateOf(new Date(base + 6 * DAY_MS));
    let n = 0;
    for (let d = 0; d < 6; d += 1) {
      for (const actor of [a, b]) {
        const requests = actor === a ? rng.int(2, 12) : rng.int(1, 4);
        for (let r = 0; r < requests; r += 1) {
          const requestId = seedUuid(`audit-console-api/request/${(n += 1)}`);
          // Some requests at 23:30–00:30 Finnish time (21:30–22:30 UTC in winter, 20:30–21:30 in summer).
          const at = new Date(base + d * DAY_MS + (r === 0 ? 21.5 * 3_600_000 + rng.int(0, 3_600_000) : rng.int(6, 16) * 3_600_000));
          for (const clientId of rng.shuffle(clientsPool).slice(0, rng.int(1, 3))) {
            for (const subgraph of ['clients', 'documents', 'services'].slice(0, rng.int(1, 3))) {
              fixture.push(entry(actor, { at, requestId, clientId, subgraph }));
            }
          }
          if (rng.chance(0.3)) fixture.push(entry(actor, { at, requestId, clientId: rng.pick(clientsPool), subgraph: 'clients', outcome: 'DENIED' }));
          if (rng.chance(0.3)) fixture.push(entry(actor, { at, requestId, clientId: null, subgraph: 'audit' }));
        }
      }
    }
    fixture.sort((x, y) => x.at.getTime() - y.at.getTime());
    await new DbAuditSink(t.database.db).write(fixture);
  });

  function entry(actor: { id: string; role: string }, part: Pick<DemoAuditEntry, 'at' | 'requestId' | 'clientId' | 'subgraph'> & Partial<DemoAuditEntry>): DemoAuditEntry {
    return {
      operationName: 'Fixture',
      actorKind: 'USER',
      actorId: actor.id,
      actorRole: actor.role,
      organisationId: DEMO.organisations.region.id,
      unitId: DEMO.units['child-welfare'].id,
      entityType: 'Client',
      entityId: part.clientId,
      action: 'READ',
      outcome: 'ALLOWED',
      fields: [],
      categories: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      callerAddress: null,
      reason: null,
      ...part,
    };
  }

  /** Independently of the service: accesses and distinct clients per actor and Finnish day. */
  function expected() {
    const perActorDay = new Map<string, { accesses: Set<string>; clients: Set<string> }>();
    for (const e of fixture) {
      if (e.outcome !== 'ALLOWED' || !e.clientId) continue;
      const key = `${e.actorId}|${finnishDateOf(e.at)}`;
      const day = perActorDay.get(key) ?? { accesses: new Set(), clients: new Set() };
      day.accesses.add(`${e.requestId}|${e.clientId}`);
      day.clients.add(e.clientId);
      perActorDay.set(key, day);
    }
    return perActorDay;
  }

  /** percentile_cont: linear interpolation between the closest ranks. */
  function percentile(values: number[], p: number): number {
    const sorted = [...values].sort((x, y) => x - y);
    const position = p * (sorted.length - 1);
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
  }

  it('counts distinct request × client pairs and distinct clients per Finnish day, every day listed', async () => {
    // Nothing but the fixture is in the period (the sanity of the comparison).
    const result = await t.database.db.execute(
      sql`SELECT count(*)::int AS other FROM audit.entries WHERE at >= ${new Date(t.now.getTime() - 61 * DAY_MS).toISOString()}::timestamptz AND at < ${new Date(t.now.getTime() - 53 * DAY_MS).toISOString()}::timestamptz AND operation_name IS DISTINCT FROM 'Fixture'`,
    );
    const [counted] = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as { other: number }[];
    expect(Number(counted?.other)).toBe(0);

    const res = await run<{ actorActivity: { actorId: string; actorName: string; days: { day: string; accesses: number; distinctClients: number }[]; usual: Record<string, number> } }>(
      'dpo',
      `query ($id: ID!, $from: Date!, $to: Date!) { actorActivity(actorId: $id, from: $from, to: $to) { actorId actorName days { day accesses distinctClients } usual { accessesMedian accessesP90 distinctClientsMedian distinctClientsP90 actorDays } } }`,
      { id: a.id, from: fromDay, to: toDay },
    );
    expect(res.errors).toBeUndefined();
    const activity = res.data!.actorActivity;
    expect(activity.actorName).toBe(a.displayName);
    const want = expected();
    const days: string[] = [];
    for (let d = fromDay; d <= toDay; d = new Date(Date.parse(`${d}T12:00:00Z`) + DAY_MS).toISOString().slice(0, 10)) days.push(d);
    expect(activity.days).toEqual(
      days.map((day) => {
        const got = want.get(`${a.id}|${day}`);
        return { day, accesses: got?.accesses.size ?? 0, distinctClients: got?.clients.size ?? 0 };
      }),
    );
    // Not raw entries: the fixture wrote several entries per access.
    const raw = fixture.filter((e) => e.actorId === a.id && e.outcome === 'ALLOWED' && e.clientId).length;
    expect(activity.days.reduce((sum, d) => sum + d.accesses, 0)).toBeLessThan(raw);

    // The usual range: over every actor-day of the period with an access.
    const actorDays = [...want.entries()].filter(([key]) => {
      const day = key.split('|')[1]!;
      return day >= fromDay && day <= toDay;
    });
    const accesses = actorDays.map(([, v]) => v.accesses.size);
    const clients = actorDays.map(([, v]) => v.clients.size);
    expect(activity.usual.actorDays).toBe(actorDays.length);
    expect(activity.usual.accessesMedian).toBeCloseTo(percentile(accesses, 0.5), 6);
    expect(activity.usual.accessesP90).toBeCloseTo(percentile(accesses, 0.9), 6);
    expect(activity.usual.distinctClientsMedian).toBeCloseTo(percentile(clients, 0.5), 6);
    expect(activity.usual.distinctClientsP90).toBeCloseTo(percentile(clients, 0.9), 6);
  });

  it('refuses a period that is reversed, too long or not calendar days', async () => {
    const q = `query ($from: Date!, $to: Date!) { actorActivity(actorId: "${a.id}", from: $from, to: $to) { actorId } }`;
    expect(codesOf(await run('dpo', q, { from: '2026-02-02', to: '2026-02-01' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await run('dpo', q, { from: '2024-01-01', to: '2026-01-01' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await run('dpo', q, { from: '2026-13-01', to: '2026-12-01' }))).toEqual(['BAD_USER_INPUT']);
  });
});

// --- Review queues over the seeded history ---------------------------------------------------------------

describe('each review queue finds its seeded anomaly, and nothing of the ordinary work', () => {
  const fromHistory = (items: Item[]) => items.filter((i) => new Date(i.entry.at) < t.now);

  it('EMERGENCY: the break-glass access', async () => {
    const items = fromHistory(await queue('EMERGENCY'));
    expect(items.map((i) => [i.entry.actorId, i.entry.clientId, finnishDateOf(new Date(i.entry.at))])).toEqual([[idOf('sw-child'), anomalies.emergency.clientId, anomalies.emergency.day]]);
    expect(items[0]!.entry.emergency).toBe(true);
    expect(items[0]!.why).toMatch(/Emergency/);
  });

  it("OUTSIDE_CASELOAD: sw-child's read of sw-child-2's client", async () => {
    const items = fromHistory(await queue('OUTSIDE_CASELOAD'));
    expect(items.map((i) => [i.entry.actorId, i.entry.clientId, finnishDateOf(new Date(i.entry.at))])).toEqual([[idOf('sw-child'), anomalies.outsideCaseload.clientId, anomalies.outsideCaseload.day]]);
  });

  it('OUTSIDE_WORKING_HOURS: the Saturday evening, one item per access', async () => {
    const items = fromHistory(await queue('OUTSIDE_WORKING_HOURS'));
    expect(items.map((i) => i.entry.clientId).sort()).toEqual([...anomalies.outsideWorkingHours.clientIds].sort());
    for (const i of items) {
      expect(i.entry.actorId).toBe(idOf('sw-adult'));
      expect(finnishDateOf(new Date(i.entry.at))).toBe(anomalies.outsideWorkingHours.day);
      expect(i.why).toMatch(/Saturday/);
    }
  });

  it('DENIED: the refused attempts', async () => {
    const items = fromHistory(await queue('DENIED'));
    expect(items.map((i) => [i.entry.actorId, i.entry.clientId, i.entry.entityType]).sort()).toEqual(
      anomalies.denied.map((d) => [idOf(d.login), d.clientId, d.entityType]).sort(),
    );
  });

  it("HIGH_VOLUME: sw-family's day far above its own median", async () => {
    const items = fromHistory(await queue('HIGH_VOLUME'));
    expect(items).toHaveLength(1);
    expect(items[0]!.entry.actorId).toBe(idOf('sw-family'));
    expect(finnishDateOf(new Date(items[0]!.entry.at))).toBe(anomalies.highVolume.day);
    expect(items[0]!.why).toContain(`${anomalies.highVolume.accesses} accesses`);
  });

  it('the log with its history verifies', async () => {
    const res = await run<{ verifyAuditChain: { ok: boolean; checkedEntries: number } }>('dpo', `{ verifyAuditChain { ok checkedEntries reason } }`);
    expect(res.data!.verifyAuditChain).toMatchObject({ ok: true });
    expect(res.data!.verifyAuditChain.checkedEntries).toBeGreaterThan(1000);
  });

  it('refuses a period over a year and a first out of range', async () => {
    expect(codesOf(await run('dpo', QUEUE, { kind: 'DENIED', from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await run('dpo', QUEUE, { kind: 'DENIED', first: 501 }))).toEqual(['BAD_USER_INPUT']);
  });
});

// --- Reviews ---------------------------------------------------------------------------------------------

describe('markReviewed', () => {
  it('records the review, shows it on the entry, takes the entry off the queue and logs the review', async () => {
    const [item] = (await queue('OUTSIDE_CASELOAD', 'dpo', { all: false })).filter((i) => i.entry.clientId === anomalies.outsideCaseload.clientId);
    expect(item?.reviewed).toBe(false);
    const res = await run<{ markReviewed: { id: string; entryId: string; reviewerId: string; reviewerName: string; note: string } }>(
      'dpo',
      `mutation ($id: ID!, $note: String!) { markReviewed(entryId: $id, note: $note) { id entryId reviewerId reviewerName note reviewedAt monitoringRunId } }`,
      { id: item!.entry.id, note: '  Asked the manager: covering for sw-child-2 on sick leave.  ' },
    );
    expect(res.errors).toBeUndefined();
    const review = res.data!.markReviewed;
    expect(review).toMatchObject({ entryId: item!.entry.id, reviewerId: idOf('dpo'), reviewerName: DEMO.users.dpo.displayName, note: 'Asked the manager: covering for sw-child-2 on sick leave.' });

    const open = await queue('OUTSIDE_CASELOAD', 'dpo', { all: false });
    expect(open.find((i) => i.entry.id === item!.entry.id)).toBeUndefined();
    const all = await queue('OUTSIDE_CASELOAD');
    expect(all.find((i) => i.entry.id === item!.entry.id)?.reviewed).toBe(true);

    const withReviews = await run<{ auditEntries: { nodes: { id: string; reviews: { id: string; note: string }[] }[] } }>(
      'dpo',
      `query ($r: String) { auditEntries(filter: { requestId: $r }) { nodes { id reviews { id note } } } }`,
      { r: item!.entry.requestId },
    );
    expect(withReviews.data!.auditEntries.nodes.find((n) => n.id === item!.entry.id)?.reviews).toEqual([{ id: review.id, note: review.note }]);

    // The review is in the log itself: an UPDATE of AuditReview about the same client, never the note.
    const logged = await run<{ auditEntries: { nodes: Entry[] } }>('dpo', `query ($c: ID) { auditEntries(filter: { clientId: $c, action: UPDATE }, first: 20) { nodes { ${ENTRY} } } }`, {
      c: anomalies.outsideCaseload.clientId,
    });
    const entry = logged.data!.auditEntries.nodes.find((e) => e.entityType === 'AuditReview');
    expect(entry).toMatchObject({ actorId: idOf('dpo'), actorRole: 'AUDITOR', outcome: 'ALLOWED', reason: expect.stringMatching(new RegExp(`^review of entry ${item!.entry.id}\\b`)) });
    expect(JSON.stringify(logged.data)).not.toContain('sick leave');
  });

  it.each([
    ['an empty note', { note: ' \u200b ' }, 'BAD_USER_INPUT'],
    ['a note over 2000 characters', { note: 'x'.repeat(2001) }, 'BAD_USER_INPUT'],
    ['an id that is no entry id', { id: 'abc' }, 'BAD_USER_INPUT'],
    ['an entry that does not exist', { id: '999999999' }, 'NOT_FOUND'],
  ])('refuses %s', async (_what, change, code) => {
    const res = await run('dpo', `mutation ($id: ID!, $note: String!) { markReviewed(entryId: $id, note: $note) { id } }`, { id: emergencyEntryId || '1', note: 'ok', ...change });
    expect(codesOf(res)).toEqual([code]);
  });
});

// --- Random-sample monitoring runs -----------------------------------------------------------------------

describe('startSampleReview', () => {
  const START = `mutation ($size: Int!, $seed: Int!, $from: DateTime!, $to: DateTime!) {
    startSampleReview(size: $size, seed: $seed, from: $from, to: $to) { id seed size from to startedBy startedByName reviewedCount entries { id at } }
  }`;
  type Run = { id: string; seed: number; size: number; startedBy: string; startedByName: string; reviewedCount: number; entries: { id: string; at: string }[] };
  const period = () => ({ from: new Date(t.now.getTime() - 20 * DAY_MS).toISOString(), to: new Date(t.now.getTime() - 10 * DAY_MS).toISOString() });

  it('the same seed, size and period give the same entries, the ones auditSample gives; the run is recorded and reviewed', async () => {
    const first = await run<{ startSampleReview: Run }>('dpo', START, { size: 12, seed: 4242, ...period() });
    const again = await run<{ startSampleReview: Run }>('dpo', START, { size: 12, seed: 4242, ...period() });
    const other = await run<{ startSampleReview: Run }>('dpo', START, { size: 12, seed: 4243, ...period() });
    expect(first.errors).toBeUndefined();
    const ids = first.data!.startSampleReview.entries.map((e) => e.id);
    expect(ids).toHaveLength(12);
    expect(again.data!.startSampleReview.entries.map((e) => e.id)).toEqual(ids);
    expect(other.data!.startSampleReview.entries.map((e) => e.id)).not.toEqual(ids);
    for (const e of first.data!.startSampleReview.entries) {
      expect(new Date(e.at).getTime()).toBeGreaterThanOrEqual(Date.parse(period().from));
      expect(new Date(e.at).getTime()).toBeLessThan(Date.parse(period().to));
    }
    const sample = await run<{ auditSample: { id: string }[] }>('dpo', `query ($from: DateTime, $to: DateTime) { auditSample(size: 12, seed: 4242, from: $from, to: $to) { id } }`, period());
    expect(sample.data!.auditSample.map((e) => e.id)).toEqual(ids);
    expect(first.data!.startSampleReview).toMatchObject({ seed: 4242, size: 12, startedBy: idOf('dpo'), startedByName: DEMO.users.dpo.displayName, reviewedCount: 0 });

    // Reviewing a sampled entry counts towards the run named.
    const runId = first.data!.startSampleReview.id;
    const review = await run<{ markReviewed: { monitoringRunId: string } }>('dpo', `mutation ($id: ID!, $run: ID) { markReviewed(entryId: $id, note: "sampled, fine", monitoringRunId: $run) { monitoringRunId } }`, { id: ids[0], run: runId });
    expect(review.data!.markReviewed.monitoringRunId).toBe(runId);
    const notSampled = await run('dpo', `mutation ($id: ID!, $run: ID) { markReviewed(entryId: $id, note: "x", monitoringRunId: $run) { id } }`, { id: emergencyEntryId, run: runId });
    expect(codesOf(notSampled)).toEqual(['BAD_USER_INPUT']);

    const runs = await run<{ monitoringRuns: { id: string; reviewedCount: number }[] }>('dpo', `{ monitoringRuns(first: 5) { id reviewedCount } }`);
    const listed = runs.data!.monitoringRuns;
    expect(listed.slice(0, 3).map((r) => r.id)).toEqual([other.data!.startSampleReview.id, again.data!.startSampleReview.id, runId]);
    expect(listed.find((r) => r.id === runId)?.reviewedCount).toBe(1);

    // The run is logged: a CREATE of MonitoringRun by the auditor.
    const [logged] = await t.database.db.select().from(entries).where(and(eq(entries.entityType, 'MonitoringRun'), eq(entries.entityId, runId)));
    expect(logged).toMatchObject({ actorId: idOf('dpo'), action: 'CREATE', outcome: 'ALLOWED' });
  });

  it.each([
    ['size 0', { size: 0 }],
    ['size over 1000', { size: 1001 }],
    ['a reversed period', { from: new Date(Date.now()).toISOString(), to: new Date(Date.now() - DAY_MS).toISOString() }],
  ])('refuses %s', async (_what, change) => {
    expect(codesOf(await run('dpo', START, { size: 5, seed: 1, ...period(), ...change }))).toEqual(['BAD_USER_INPUT']);
  });
});

// --- CSV export ------------------------------------------------------------------------------------------

/** RFC 4180 with CRLF lines, as the export writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('GET /exports/audit-entries.csv', () => {
  const COLUMNS = 'id at requestId operationName subgraph actorKind actorId actorName actorRole organisationId organisationName unitId unitName clientId entityType entityId action outcome intent fields categories purpose emergency callerAddress reason';

  it('equals the GraphQL search, page after page, and is logged as EXPORT', async () => {
    const actorId = idOf('sw-child');
    const res = await t.gateway().get('/exports/audit-entries.csv').query({ actorId, first: 150 }).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-entries.csv"/);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(COLUMNS.split(' '));
    expect(rows).toHaveLength(150);

    const page = `query ($a: String, $after: String) { auditEntries(filter: { actorId: $a }, first: 100, after: $after) { nodes { ${COLUMNS} } pageInfo { endCursor } } }`;
    type Page = { auditEntries: { nodes: Record<string, unknown>[]; pageInfo: { endCursor: string } } };
    const one = await run<Page>('dpo', page, { a: actorId });
    const two = await run<Page>('dpo', page, { a: actorId, after: one.data!.auditEntries.pageInfo.endCursor });
    const nodes = [...one.data!.auditEntries.nodes, ...two.data!.auditEntries.nodes].slice(0, 150);
    const asCell = (v: unknown) => (v === null ? '' : Array.isArray(v) ? v.join(';') : String(v));
    expect(rows).toEqual(nodes.map((n) => header!.map((c) => asCell(n[c]))));

    // The export is in the log: each page's query as an EXPORT of the log by the auditor, under the export's request id.
    const logged = await t.database.db.select().from(entries).where(eq(entries.requestId, res.headers['x-request-id'] as string));
    expect(logged.length).toBe(2);
    for (const e of logged) expect(e).toMatchObject({ actorId: idOf('dpo'), entityType: 'AuditLog', entityId: 'auditEntries', action: 'EXPORT', outcome: 'ALLOWED' });
  });

  it.each([
    ['sw-child', 403, 'FORBIDDEN'],
    ['admin', 403, 'FORBIDDEN'],
    ['majakka', 403, 'FORBIDDEN'],
  ] as const)('refuses %s (%s), and logs the refusal', async (login, status, code) => {
    const token = login === 'majakka' ? DEMO_PARTNER_TOKEN : await t.tokenFor(login);
    const res = await t.gateway().get('/exports/audit-entries.csv').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(status);
    expect(res.body.errors[0].extensions.code).toBe(code);
    const logged = await t.database.db.select().from(entries).where(eq(entries.requestId, res.headers['x-request-id'] as string));
    expect(logged).toEqual([expect.objectContaining({ actorId: idOf(login), outcome: 'DENIED', entityType: 'AuditLog' })]);
  });

  it('answers 401 without a token and 400 for unknown or bad parameters', async () => {
    expect((await t.gateway().get('/exports/audit-entries.csv')).status).toBe(401);
    const auth = `Bearer ${await t.tokenFor('dpo')}`;
    for (const query of ['first=10001', 'first=0', 'clientID=x', 'actorId=a&actorId=b', 'clientId=not-a-uuid']) {
      const res = await t.gateway().get(`/exports/audit-entries.csv?${query}`).set('authorization', auth);
      expect([query, res.status]).toEqual([query, 400]);
    }
  });
});

// --- No N+1 ----------------------------------------------------------------------------------------------

describe('no N+1: names, reviews and queue entries load by SQL IN', () => {
  async function statements(query: string, variables: Record<string, unknown>): Promise<{ statements: number; data: Record<string, unknown[]> }> {
    await run('dpo', query, variables); // warm
    const before = t.database.statements.count;
    const res = await run<Record<string, unknown[]>>('dpo', query, variables);
    expect(res.errors).toBeUndefined();
    return { statements: t.database.statements.count - before, data: res.data! };
  }

  it('a page of entries with names and reviews costs the same statements for 5 and for 100 entries', async () => {
    // One actor's work, so that both pages name units (a refusal names none) and hold no reviews.
    const q = `query ($first: Int, $a: String) { auditEntries(filter: { actorId: $a, outcome: ALLOWED }, first: $first) { nodes { actorName unitName organisationName reviews { note reviewerName } } } }`;
    const small = await statements(q, { first: 5, a: idOf('sw-family') });
    const large = await statements(q, { first: 100, a: idOf('sw-family') });
    expect((large.data['auditEntries'] as unknown as { nodes: unknown[] }).nodes).toHaveLength(100);
    expect(large.statements).toBe(small.statements);
  });

  it('a queue costs the same statements for 2 and for many items', async () => {
    const q = `query ($first: Int, $from: DateTime, $to: DateTime) { reviewQueue(kind: OUTSIDE_WORKING_HOURS, first: $first, from: $from, to: $to, includeReviewed: true) { entry { actorName unitName reviews { note } } } }`;
    // The activity fixture's period: its requests around Finnish midnight are outside working hours.
    const fixturePeriod = { from: new Date(t.now.getTime() - 61 * DAY_MS).toISOString(), to: new Date(t.now.getTime() - 53 * DAY_MS).toISOString() };
    const small = await statements(q, { first: 2, ...fixturePeriod });
    const large = await statements(q, { first: 60, ...fixturePeriod });
    expect(small.data['reviewQueue']!.length).toBe(2);
    expect(large.data['reviewQueue']!.length).toBeGreaterThanOrEqual(8);
    expect(large.statements).toBe(small.statements);
  });

  it('monitoring runs with their entries cost the same statements for 1 and for all runs', async () => {
    const q = `query ($first: Int) { monitoringRuns(first: $first) { startedByName reviewedCount entries { actorName unitName } } }`;
    const small = await statements(q, { first: 1 });
    const large = await statements(q, { first: 20 });
    expect(large.data['monitoringRuns']!.length).toBeGreaterThan(1);
    expect(large.statements).toBe(small.statements);
  });
});
