/**
 * Attack review of issue 15's backend (the auditor's console API): each probe asserts the SECURE
 * behaviour, so a hole is a failing test. Other organisations' log, non-auditors through every channel,
 * names of employees, reviews, sampling, the CSV export, the console's dev sign-in and static files, the
 * seeded log history, and failing closed when the log cannot be written.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiTokens, buildDemoLogHistory, buildDemoWorld, DEMO, DEMO_PARTNER_TOKEN, DEMO_PARTNER_TOKEN_ID, type DemoAuditEntry, entries, monitoringRuns, reviews, seedUuid, users } from '@vartija/db';
import { consoleHandler, consoleSettingsOf } from '../../gateway/src/console-route';
import { DbAuditSink } from '@vartija/kit';
import { and, eq, sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
const auditLog = new SwitchableAuditSink(() => t.database);
const DAY_MS = 86_400_000;
/** The last entry of the seeded history: nothing any request wrote. */
let historyHead = 0;

beforeAll(async () => {
  t = await startTestStack({ logHistory: true, auditSink: auditLog });
  const [head] = await t.database.db.select({ seq: sql<number>`max(${entries.seq})::int` }).from(entries);
  historyHead = Number(head?.seq ?? 0);
}, 180_000);
afterAll(() => t?.close());
afterEach(() => {
  auditLog.failing = false;
});

const REGION = DEMO.organisations.region.id;
const REGION_B = DEMO.organisations['region-b'].id;
const idOf = (login: ActiveLogin | 'sw-child-2') => (login === 'majakka' ? DEMO_PARTNER_TOKEN_ID : DEMO.users[login].id);
const as = (login: ActiveLogin) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const run = <T = Record<string, unknown>>(login: ActiveLogin, query: string, variables: Record<string, unknown> = {}) => t.execute<T>({ ...as(login), query, variables });
const historyPeriod = () => ({ from: new Date(t.now.getTime() - 30 * DAY_MS).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
const REGION_B_CLIENTS = new Set<string>(DEMO.regionB.clients);
/** What region-b's auditor may see (roles.ts auditor): its actors' entries, its clients', SYSTEM jobs'. */
const inRegionBScope = (e: { organisationId: string | null; actorKind: string; clientId: string | null }) =>
  e.organisationId === REGION_B || (e.clientId !== null && REGION_B_CLIENTS.has(e.clientId)) || (e.organisationId === null && e.actorKind === 'SYSTEM');
const rowsOf = <R>(result: unknown): R[] => (Array.isArray(result) ? result : (result as { rows: R[] }).rows) as R[];

async function fixture(part: Partial<DemoAuditEntry>): Promise<number> {
  const requestId = seedUuid(`review-issue15/${Math.random()}`);
  await new DbAuditSink(t.database.db).write([
    {
      at: new Date(),
      requestId,
      operationName: 'Probe',
      subgraph: 'clients',
      actorKind: 'USER',
      actorId: DEMO.users['sw-child'].id,
      actorRole: 'SOCIAL_WORKER',
      organisationId: REGION,
      unitId: DEMO.units['child-welfare'].id,
      clientId: DEMO.clients.childWelfareOpen,
      entityType: 'Client',
      entityId: DEMO.clients.childWelfareOpen,
      action: 'READ',
      outcome: 'ALLOWED',
      fields: [],
      categories: [],
      purpose: 'CLIENT_WORK',
      emergency: false,
      callerAddress: null,
      reason: null,
      ...part,
    },
  ]);
  const [row] = await t.database.db.select({ seq: entries.seq }).from(entries).where(eq(entries.requestId, requestId));
  return Number(row!.seq);
}

const deniedCount = async (login: ActiveLogin, operation: string) =>
  (await t.database.db.select().from(entries).where(and(eq(entries.actorId, idOf(login)), eq(entries.outcome, 'DENIED'), eq(entries.entityId, operation)))).length;

// --- 1. Non-auditors, every persona, every operation of the new API -------------------------------------

describe('persona × console operation (all personas, the multi-role ones included)', () => {
  const OPS: [string, string, () => Record<string, unknown>][] = [
    ['auditActors', `{ auditActors(first: 100) { id name login } }`, () => ({})],
    ['auditUnits', `{ auditUnits { id name } }`, () => ({})],
    ['actorActivity', `query ($id: ID!) { actorActivity(actorId: $id, from: "2026-01-01", to: "2026-01-07") { actorName days { accesses } } }`, () => ({ id: DEMO.users['sw-child'].id })],
    ['reviewQueue', `{ reviewQueue(kind: EMERGENCY) { entry { id actorName } } }`, () => ({})],
    ['reviewQueue', `{ reviewQueue(kind: OUTSIDE_CASELOAD) { entry { id } } }`, () => ({})],
    ['reviewQueue', `{ reviewQueue(kind: OUTSIDE_WORKING_HOURS) { entry { id } } }`, () => ({})],
    ['reviewQueue', `{ reviewQueue(kind: HIGH_VOLUME) { entry { id } } }`, () => ({})],
    ['monitoringRuns', `{ monitoringRuns { id entries { id } } }`, () => ({})],
    ['markReviewed', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "probe") { id } }`, () => ({ id: '1' })],
    ['startSampleReview', `mutation ($from: DateTime!, $to: DateTime!) { startSampleReview(size: 2, seed: 1, from: $from, to: $to) { id } }`, historyPeriod],
    // The registrar's new `access` rule on AuditEntry must not open the auditor's old queries.
    ['auditEntries', `{ auditEntries(filter: { outcome: DENIED }, first: 5) { nodes { id } } }`, () => ({})],
    ['auditSample', `{ auditSample(size: 5, seed: 1) { id } }`, () => ({})],
    ['auditCountsPerActorDay', `{ auditCountsPerActorDay { actorId } }`, () => ({})],
  ];
  const auditors: ActiveLogin[] = ['dpo', 'dpo-student', 'dpo-b'];
  const cells = OPS.flatMap(([op, query, vars]) =>
    ACTIVE_LOGINS.filter((l) => !auditors.includes(l) && l !== 'admin').map((login) => [op, login, query, vars] as const),
  );
  cells.push(...OPS.filter(([op]) => !['auditActors', 'auditUnits'].includes(op)).map(([op, q, v]) => [op, 'admin' as ActiveLogin, q, v] as const));

  it.each(cells)('%s as %s: FORBIDDEN, no data, refusal logged', async (operation, login, query, vars) => {
    const before = await deniedCount(login, operation);
    const res = await run(login, query, vars());
    expect(codesOf(res)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(res.data ?? null)).not.toMatch(/"id":/);
    expect(await deniedCount(login, operation)).toBeGreaterThan(before);
  });

  it('dpo-student (AUDITOR + STUDENT) reviews as the AUDITOR: the log names its AUDITOR role and the reviewer', async () => {
    const seq = await fixture({});
    const res = await run<{ markReviewed: { id: string; reviewerId: string } }>('dpo-student', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "checked by trainee dpo") { id reviewerId } }`, { id: String(seq) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.markReviewed.reviewerId).toBe(idOf('dpo-student'));
    const [logged] = await t.database.db.select().from(entries).where(and(eq(entries.entityType, 'AuditReview'), eq(entries.entityId, res.data!.markReviewed.id)));
    expect(logged).toMatchObject({ actorId: idOf('dpo-student'), actorRole: 'AUDITOR', organisationId: REGION, action: 'UPDATE', outcome: 'ALLOWED' });
  });
});

// --- 2. The REGISTRAR's narrower rights ----------------------------------------------------------------

describe("the REGISTRAR's DENIED queue", () => {
  it('reaches no client data through the nested Client of a refused attempt (the registrar reads only archived clients)', async () => {
    const res = await run<{ reviewQueue: { entry: { clientId: string | null; client: { id: string; displayName: string | null } | null } }[] }>(
      'admin',
      `query ($from: DateTime, $to: DateTime) { reviewQueue(kind: DENIED, from: $from, to: $to, includeReviewed: true, first: 500) { entry { clientId client { id displayName } } } }`,
      historyPeriod(),
    );
    const withClient = (res.data?.reviewQueue ?? []).filter((i) => i.entry.clientId === DEMO.clients.childWelfareOpen);
    expect(withClient.length).toBeGreaterThan(0);
    for (const item of withClient) expect(item.entry.client?.displayName ?? null).toBeNull();
  });

  it('sees no monitoring run and no sampled entries by any nested path, and may not start one', async () => {
    const runs = await run('admin', `{ monitoringRuns(first: 1) { id } }`);
    expect(codesOf(runs)).toEqual(['FORBIDDEN']);
    const activity = await run('admin', `query ($id: ID!) { actorActivity(actorId: $id, from: "2026-01-01", to: "2026-01-02") { actorName } }`, { id: idOf('sw-child') });
    expect(codesOf(activity)).toEqual(['FORBIDDEN']);
  });
});

// --- 3. Another organisation ---------------------------------------------------------------------------

describe("another organisation's log, actors, units, reviews and runs", () => {
  it("dpo-b's directory names nobody and nothing of the region", async () => {
    const actors = await run<{ auditActors: { id: string; name: string }[] }>('dpo-b', `{ auditActors(first: 100) { id name } }`);
    expect(actors.errors).toBeUndefined();
    const regionUserIds = new Set(Object.values(DEMO.users).filter((u) => u.organisation !== 'region-b').map((u) => u.id));
    for (const a of actors.data!.auditActors) expect(regionUserIds.has(a.id) || a.id === DEMO_PARTNER_TOKEN_ID).toBe(false);
    const search = await run<{ auditActors: unknown[] }>('dpo-b', `query ($s: String) { auditActors(search: $s) { id } }`, { s: DEMO.users['sw-child'].displayName.split(' ')[0] });
    expect(search.data!.auditActors).toEqual([]);
    const units = await run<{ auditUnits: { organisationId: string }[] }>('dpo-b', `{ auditUnits { id organisationId } }`);
    expect(units.data!.auditUnits.every((u) => u.organisationId === REGION_B)).toBe(true);
  });

  it("an auditor learns no other organisation's employee's name by asking for its activity", async () => {
    const res = await run<{ actorActivity: { actorName: string | null; days: { accesses: number }[] } }>(
      'dpo',
      `query ($id: ID!, $from: Date!, $to: Date!) { actorActivity(actorId: $id, from: $from, to: $to) { actorName days { accesses } } }`,
      { id: idOf('sw-b'), from: '2026-01-01', to: '2026-01-07' },
    );
    // Either refused or anonymous: never "Johanna Aalto" to region's DPO.
    expect(JSON.stringify(res)).not.toContain(DEMO.users['sw-b'].displayName);
  });

  it("markReviewed on another organisation's entry is exactly as unknown as a nonexistent one (code and message)", async () => {
    const regionEntry = await fixture({});
    const gone = '987654321';
    const other = await run('dpo-b', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "x") { id } }`, { id: String(regionEntry) });
    const none = await run('dpo-b', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "x") { id } }`, { id: gone });
    expect(codesOf(other)).toEqual(['NOT_FOUND']);
    expect(other.errors![0]!.message.replace(String(regionEntry), 'N')).toBe(none.errors![0]!.message.replace(gone, 'N'));
    // A non-auditor learns nothing either way.
    const sw1 = await run('sw-b', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "x") { id } }`, { id: String(regionEntry) });
    const sw2 = await run('sw-b', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "x") { id } }`, { id: gone });
    expect([codesOf(sw1), codesOf(sw2)]).toEqual([['FORBIDDEN'], ['FORBIDDEN']]);
    const n = rowsOf<{ n: number }>(await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit.reviews WHERE entry_seq = ${regionEntry}`))[0]!.n;
    expect(Number(n)).toBe(0);
  });

  it("an entry both auditors see (a SYSTEM job's) keeps each organisation's reviews to itself", async () => {
    const seq = await fixture({ actorKind: 'SYSTEM', actorId: 'retention-job', actorRole: null, organisationId: null, unitId: null, clientId: null, entityType: 'AuditLog', entityId: 'retention', subgraph: 'audit' });
    const note = 'region-internal note about Virtanen';
    const review = await run('dpo', `mutation ($id: ID!, $n: String!) { markReviewed(entryId: $id, note: $n) { id } }`, { id: String(seq), n: note });
    expect(review.errors).toBeUndefined();
    const seen = await run<{ auditEntries: { nodes: { id: string; reviews: { note: string }[] }[] } }>(
      'dpo-b',
      `{ auditEntries(filter: { actorId: "retention-job" }, first: 50) { nodes { id reviews { note reviewerName } } } }`,
    );
    expect(seen.errors).toBeUndefined();
    const node = seen.data!.auditEntries.nodes.find((n) => n.id === String(seq));
    expect(node).toBeDefined();
    expect(node!.reviews).toEqual([]);
    expect(JSON.stringify(seen.data)).not.toContain('Virtanen');
  });

  it("dpo-b's monitoring runs list none of the region's, and a region run id is no run of dpo-b's", async () => {
    const period = historyPeriod();
    const started = await run<{ startSampleReview: { id: string } }>('dpo', `mutation ($from: DateTime!, $to: DateTime!) { startSampleReview(size: 3, seed: 99, from: $from, to: $to) { id } }`, period);
    const regionRun = started.data!.startSampleReview.id;
    const runs = await run<{ monitoringRuns: { id: string }[] }>('dpo-b', `{ monitoringRuns(first: 100) { id } }`);
    expect(runs.data!.monitoringRuns.map((r) => r.id)).not.toContain(regionRun);
    const own = await fixture({ actorId: idOf('sw-b'), organisationId: REGION_B, unitId: DEMO.units['b-child-welfare'].id, clientId: DEMO.regionB.open, entityId: DEMO.regionB.open });
    const foreign = await run('dpo-b', `mutation ($id: ID!, $r: ID) { markReviewed(entryId: $id, note: "x", monitoringRunId: $r) { id } }`, { id: String(own), r: regionRun });
    const random = await run('dpo-b', `mutation ($id: ID!, $r: ID) { markReviewed(entryId: $id, note: "x", monitoringRunId: $r) { id } }`, { id: String(own), r: '00000000-0000-4000-8000-000000000000' });
    expect(codesOf(foreign)).toEqual(codesOf(random));
    expect(foreign.errors![0]!.message).toBe(random.errors![0]!.message);
  });

  it("samples never reach another organisation's entries, whatever the seed (no enumeration by reproducible sampling)", async () => {
    const period = historyPeriod();
    for (const seed of [1, 2, 3, 1234567, -5]) {
      const res = await run<{ auditSample: { id: string; organisationId: string | null; actorKind: string; clientId: string | null }[] }>(
        'dpo-b',
        `query ($seed: Int!, $from: DateTime, $to: DateTime) { auditSample(size: 1000, seed: $seed, from: $from, to: $to) { id organisationId actorKind clientId } }`,
        { seed, ...period },
      );
      expect(res.errors).toBeUndefined();
      for (const e of res.data!.auditSample) expect(inRegionBScope(e)).toBe(true);
      const runRes = await run<{ startSampleReview: { entries: { organisationId: string | null; actorKind: string; clientId: string | null }[] } }>(
        'dpo-b',
        `mutation ($seed: Int!, $from: DateTime!, $to: DateTime!) { startSampleReview(size: 50, seed: $seed, from: $from, to: $to) { entries { organisationId actorKind clientId } } }`,
        { seed, ...period },
      );
      for (const e of runRes.data!.startSampleReview.entries) expect(inRegionBScope(e)).toBe(true);
    }
  });

  it("dpo-b's CSV export holds only region-b's part of the log, even filtered by a region client or actor", async () => {
    const auth = `Bearer ${await t.tokenFor('dpo-b')}`;
    for (const query of [{ first: 2000 }, { clientId: DEMO.clients.childWelfareOpen }, { actorId: idOf('sw-child') }]) {
      const res = await t.gateway().get('/exports/audit-entries.csv').query(query).set('authorization', auth);
      expect(res.status).toBe(200);
      const [header, ...rows] = parseCsv(res.text);
      const col = (name: string) => header!.indexOf(name);
      for (const row of rows) {
        const e = { organisationId: row[col('organisationId')] || null, actorKind: row[col('actorKind')]!, clientId: row[col('clientId')] || null };
        expect([row[0], inRegionBScope(e)]).toEqual([row[0], true]);
      }
      if ('clientId' in query || 'actorId' in query) expect(rows).toEqual([]);
    }
  });
});

// --- 4. Reviews: logged with the reviewer, never the note -----------------------------------------------

describe('reviews in the log', () => {
  it('a note with personal data is stored with the review, never copied into any log entry', async () => {
    const seq = await fixture({});
    const note = 'Checked with Matti Meikäläinen, hetu 131052-308T, all fine';
    const res = await run<{ markReviewed: { id: string } }>('dpo', `mutation ($id: ID!, $n: String!) { markReviewed(entryId: $id, note: $n) { id } }`, { id: String(seq), n: note });
    expect(res.errors).toBeUndefined();
    const n = rowsOf<{ n: number }>(await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit.entries e WHERE e::text LIKE '%131052-308T%' OR e::text LIKE '%Meikäläinen%'`))[0]!.n;
    expect(Number(n)).toBe(0);
    const logged = await t.database.db.select().from(entries).where(and(eq(entries.entityType, 'AuditReview'), eq(entries.entityId, res.data!.markReviewed.id)));
    expect(logged).toEqual([expect.objectContaining({ actorId: idOf('dpo'), actorKind: 'USER', outcome: 'ALLOWED' })]);
  });

  it('the log and the review agree on who reviewed (the reviewer is the caller, not an argument)', async () => {
    const seq = await fixture({});
    const res = await run('dpo', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "ok", reviewerId: "${idOf('sw-child')}") { id } }`, { id: String(seq) });
    expect(codesOf(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

// --- 5. The CSV export ---------------------------------------------------------------------------------

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
  it('no cell a spreadsheet would run: reasons, entity ids, purposes and names beginning with = + - @ tab CR', async () => {
    const payloads = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(1)', '\t=1+1', '\r=1+1', '=cmd|\' /C calc\'!A0'];
    const requestId = seedUuid(`review-issue15/csv/${Date.now()}`);
    await new DbAuditSink(t.database.db).write(
      payloads.map((p) => ({
        at: new Date(),
        requestId,
        operationName: 'Probe',
        subgraph: 'clients',
        actorKind: 'USER' as const,
        actorId: idOf('sw-child'),
        actorRole: 'SOCIAL_WORKER',
        organisationId: REGION,
        unitId: DEMO.units['child-welfare'].id,
        clientId: DEMO.clients.childWelfareOpen,
        entityType: 'Client',
        entityId: p,
        action: 'READ' as const,
        outcome: 'ALLOWED' as const,
        fields: [p],
        categories: [],
        purpose: p,
        emergency: false,
        callerAddress: p,
        reason: p,
      })),
    );
    const res = await t.gateway().get('/exports/audit-entries.csv').query({ requestId }).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(res.status).toBe(200);
    const [, ...rows] = parseCsv(res.text);
    expect(rows.length).toBe(payloads.length);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('a huge export stops at 10 000 rows and logs every page it read as EXPORT', async () => {
    const res = await t.gateway().get('/exports/audit-entries.csv').query({ first: 10000 }).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(res.status).toBe(200);
    const rows = parseCsv(res.text).length - 1;
    expect(rows).toBeGreaterThan(1000);
    expect(rows).toBeLessThanOrEqual(10000);
    const logged = await t.database.db.select().from(entries).where(eq(entries.requestId, res.headers['x-request-id'] as string));
    expect(logged.length).toBe(Math.ceil(rows / 100));
    for (const e of logged) expect(e).toMatchObject({ actorId: idOf('dpo'), action: 'EXPORT', outcome: 'ALLOWED' });
  }, 120_000);

  it.each(['billing-student', 'sw-adult-student', 'sw-b', 'mgr-family-sw-child'] as const)('refuses %s (403), logged', async (login) => {
    const res = await t.gateway().get('/exports/audit-entries.csv').set('authorization', `Bearer ${await t.tokenFor(login)}`);
    expect(res.status).toBe(403);
    expect(res.text).not.toMatch(/^id,/);
    const logged = await t.database.db.select().from(entries).where(eq(entries.requestId, res.headers['x-request-id'] as string));
    expect(logged).toEqual([expect.objectContaining({ actorId: idOf(login), outcome: 'DENIED' })]);
  });

  it('a bad token gets 401 and nothing else; no CORS grant to a foreign origin', async () => {
    const res = await t.gateway().get('/exports/audit-entries.csv').set('authorization', 'Bearer abc.def.ghi').set('origin', 'https://evil.example');
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

// --- 6. The console's dev sign-in ------------------------------------------------------------------------

describe('POST /console/dev-token', () => {
  const post = (body: string, type = 'application/json') => t.gateway().post('/console/dev-token').set('content-type', type).send(body);

  it('mints only for the demo personas, short-lived', async () => {
    const ok = await post(JSON.stringify({ login: 'dpo' }));
    expect(ok.status).toBe(200);
    const claims = decodeJwt(ok.body.token as string);
    expect(claims.sub).toBe('dpo');
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(30 * 60);
    for (const login of ['sw-child-2', 'nobody', '__proto__', 'constructor', '', null, ['dpo'], { $ne: null }]) {
      const res = await post(JSON.stringify({ login }));
      expect([JSON.stringify(login), res.status, res.body.token]).toEqual([JSON.stringify(login), 400, undefined]);
    }
  });

  it('no CSRF: form and text posts are refused, and a foreign origin gets no CORS grant', async () => {
    expect((await post('login=dpo', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('{"login":"dpo"}', 'text/plain')).status).toBe(415);
    const preflight = await t.gateway().options('/console/dev-token').set('origin', 'https://evil.example').set('access-control-request-method', 'POST').set('access-control-request-headers', 'content-type');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const cross = await t.gateway().post('/console/dev-token').set('origin', 'https://evil.example').set('content-type', 'application/json').send('{"login":"dpo"}');
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    expect((await t.gateway().get('/console/dev-token')).status).toBe(405);
  });

  describe('under NODE_ENV=production', () => {
    const saved = process.env['NODE_ENV'];
    afterEach(() => {
      process.env['NODE_ENV'] = saved;
    });

    async function serve(handler: ReturnType<typeof consoleHandler>, method: string, url: string, body?: string) {
      const server = http.createServer((req, res) => void handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      try {
        return await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: { 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          });
          req.on('error', reject);
          req.end(body);
        });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }

    it('issues no token even when given the key, and offers no personas', async () => {
      process.env['NODE_ENV'] = 'production';
      const handler = consoleHandler({ devTokenKey: t.keys.tokenSigning.privateJwk });
      const res = await serve(handler, 'POST', '/console/dev-token', '{"login":"dpo"}');
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('"token"');
      const config = await serve(handler, 'GET', '/console/config.json');
      expect(JSON.parse(config.body).devSignIn).toBeNull();
      expect(consoleSettingsOf({ CONSOLE_OIDC_SCOPE: 'openid' }, { tokenSigning: { privateJwk: t.keys.tokenSigning.privateJwk } }).devTokenKey).toBeUndefined();
    });

    it('a handler made in development stops issuing once the process runs as production', async () => {
      process.env['NODE_ENV'] = 'development';
      const handler = consoleHandler({ devTokenKey: t.keys.tokenSigning.privateJwk });
      process.env['NODE_ENV'] = 'production';
      const res = await serve(handler, 'POST', '/console/dev-token', '{"login":"dpo"}');
      expect(res.status).toBe(404);
    });
  });
});

// --- 7. The console's static files ----------------------------------------------------------------------

describe('GET /console static files', () => {
  let root = '';
  let server: http.Server;
  let port = 0;
  const SECRET = 'TOP-SECRET-OUTSIDE-DIST';

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'review15-'));
    const dist = path.join(root, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'assets', 'evil.html'), '<script>alert(1)</script>');
    writeFileSync(path.join(root, 'secret.txt'), SECRET);
    mkdirSync(path.join(root, 'dist-evil'));
    writeFileSync(path.join(root, 'dist-evil', 'x.txt'), SECRET);
    const handler = consoleHandler({ distDir: dist });
    server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  const raw = (url: string, method = 'GET') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: url }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end();
    });

  it.each([
    '/console/../secret.txt',
    '/console/%2e%2e/secret.txt',
    '/console/..%2fsecret.txt',
    '/console/%2e%2e%2fsecret.txt',
    '/console/..%5csecret.txt',
    '/console/..\\secret.txt',
    '/console/%252e%252e%252fsecret.txt',
    '/console/assets/../../secret.txt',
    '/console/assets/..%2f..%2fsecret.txt',
    '/console/..%2fdist-evil%2fx.txt',
    '/console/%2fetc%2fpasswd',
    '/console//etc/passwd',
    '/console/%00index.html',
  ])('no file outside dist: %s', async (url) => {
    const res = await raw(url);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toMatch(/root:x:0:0/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it('serves files with their own types, nosniff and a strict CSP; no eval, no framing', async () => {
    const js = await raw('/console/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const index = await raw('/console/some/view');
    expect(index.status).toBe(200);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect((await raw('/console/assets/missing.js')).status).toBe(404);
    expect((await raw('/console/index.html', 'POST')).status).toBe(405);
  });
});

// --- 8. The seeded log history ---------------------------------------------------------------------------

describe('the demo log history', () => {
  it('verifies as a chain', async () => {
    const res = await run<{ verifyAuditChain: { ok: boolean } }>('dpo', `{ verifyAuditChain { ok reason } }`);
    expect(res.data!.verifyAuditChain.ok).toBe(true);
  });

  it("pretends to be no other organisation's: every user entry carries its user's organisation, every token entry its token's", async () => {
    const mismatchedUsers = await t.database.db
      .select({ seq: entries.seq })
      .from(entries)
      .innerJoin(users, sql`${users.id}::text = ${entries.actorId}`)
      .where(and(sql`${entries.seq} <= ${historyHead}`, sql`${entries.organisationId} IS DISTINCT FROM ${users.organisationId}`));
    expect(mismatchedUsers).toEqual([]);
    const mismatchedTokens = await t.database.db
      .select({ seq: entries.seq })
      .from(entries)
      .innerJoin(apiTokens, sql`${apiTokens.id}::text = ${entries.actorId}`)
      .where(and(sql`${entries.seq} <= ${historyHead}`, sql`${entries.organisationId} IS DISTINCT FROM ${apiTokens.organisationId}`));
    expect(mismatchedTokens).toEqual([]);
    const regionB = await t.database.db.select({ seq: entries.seq }).from(entries).where(and(sql`${entries.seq} <= ${historyHead}`, eq(entries.organisationId, REGION_B)));
    expect(regionB).toEqual([]);
  });

  it("holds no access across registers: no user of one organisation reads another organisation's client (any day it is seeded)", async () => {
    const crossing = await t.database.db.execute(sql`
      SELECT e.seq, e.actor_role, e.entity_type FROM audit.entries e JOIN clients.clients c ON c.id = e.client_id
       WHERE e.seq <= ${historyHead} AND e.actor_kind = 'USER' AND e.organisation_id IS DISTINCT FROM c.organisation_id`);
    expect(rowsOf(crossing)).toEqual([]);
    // The history depends on the day it is seeded: try a month of days.
    for (let d = 0; d < 30; d += 1) {
      const now = new Date(t.now.getTime() - d * DAY_MS);
      const world = buildDemoWorld(now);
      const orgOf = new Map(world.clients.map((c) => [c.id, c.organisationId]));
      const bad = buildDemoLogHistory(world, now).entries.filter((e) => e.actorKind === 'USER' && e.clientId && orgOf.get(e.clientId) !== e.organisationId);
      expect([now.toISOString().slice(0, 10), bad.map((e) => `${e.actorRole} ${e.entityType} ${e.clientId}`)]).toEqual([now.toISOString().slice(0, 10), []]);
    }
  });

  it('is in time order along the chain and lies in the past (no backdated entry after a newer one, none in the future)', async () => {
    const result = await t.database.db.execute(sql`
      SELECT count(*)::int AS n FROM (
        SELECT at, lag(at) OVER (ORDER BY seq) AS prev FROM audit.entries WHERE seq <= ${historyHead}
      ) s WHERE s.at < s.prev`);
    expect(Number(rowsOf<{ n: number }>(result)[0]!.n)).toBe(0);
    const [future] = rowsOf<{ n: number }>(await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit.entries WHERE seq <= ${historyHead} AND at > ${t.now.toISOString()}::timestamptz`));
    expect(Number(future!.n)).toBe(0);
  });
});

// --- 9. Fail closed --------------------------------------------------------------------------------------

describe('with the access log failing', () => {
  it('answers no names, queues, runs or activity', async () => {
    auditLog.failing = true;
    for (const query of [
      `{ auditActors(first: 100) { id name login } }`,
      `{ auditUnits { id name } }`,
      `{ reviewQueue(kind: DENIED, first: 500, includeReviewed: true) { entry { id actorName clientId } } }`,
      `{ monitoringRuns { id entries { id actorName } } }`,
      `query { actorActivity(actorId: "${idOf('sw-child')}", from: "2026-01-01", to: "2026-01-31") { actorName days { accesses } } }`,
    ]) {
      const res = await run('dpo', query);
      expect([query, res.data ?? null]).toEqual([query, null]);
      expect(JSON.stringify(res)).not.toContain(DEMO.users['sw-child'].displayName);
    }
  });

  it('records no review and no monitoring run', async () => {
    const seq = await fixture({});
    const count = async () => {
      const [r] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(reviews);
      const [m] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(monitoringRuns);
      return [Number(r!.n), Number(m!.n)];
    };
    const before = await count();
    auditLog.failing = true;
    const review = await run('dpo', `mutation ($id: ID!) { markReviewed(entryId: $id, note: "while the log is down") { id } }`, { id: String(seq) });
    const started = await run('dpo', `mutation ($from: DateTime!, $to: DateTime!) { startSampleReview(size: 3, seed: 5, from: $from, to: $to) { id } }`, historyPeriod());
    auditLog.failing = false;
    expect(review.data?.markReviewed ?? null).toBeNull();
    expect(started.data?.startSampleReview ?? null).toBeNull();
    expect(await count()).toEqual(before);
  });

  it('exports no CSV', async () => {
    auditLog.failing = true;
    const res = await t.gateway().get('/exports/audit-entries.csv').query({ first: 50 }).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    auditLog.failing = false;
    expect(res.status).toBe(503);
    expect(res.text).not.toMatch(/^id,/);
  });
});
