import { entries } from '@vartija/db';
import { and, eq } from 'drizzle-orm';
import { ClientPageDocument } from '../generated/graphql';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
const client = DEMO.clients.childWelfareOpen;
const swChild = DEMO.users['sw-child'];

interface Entry {
  id: string;
  requestId: string;
  actorId: string;
  actorRole: string | null;
  clientId: string | null;
  entityType: string;
  entityId: string | null;
  action: string;
  outcome: string;
  purpose: string | null;
  fields: string[];
  categories: string[];
}
const ENTRY_FIELDS = 'id requestId actorId actorRole clientId entityType entityId action outcome purpose fields categories';

/** The entries one request wrote (read as the auditor, which logs that read too). */
async function entriesOf(requestId: string): Promise<Entry[]> {
  const res = await t.execute<{ auditEntries: { nodes: Entry[] } }>({
    as: 'dpo',
    query: `query ($requestId: String) { auditEntries(filter: { requestId: $requestId }, first: 100) { nodes { ${ENTRY_FIELDS} } } }`,
    variables: { requestId },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.auditEntries.nodes;
}

beforeAll(async () => {
  t = await startTestStack();
  // Some use of the client's data to report on: sw-child opens the client page twice.
  for (let i = 0; i < 2; i += 1) {
    const page = await t.execute({ as: 'sw-child', query: ClientPageDocument, variables: { id: client } });
    expect(page.errors).toBeUndefined();
  }
});
afterAll(() => t?.close());

const AUDITOR_QUERIES: [string, string, Record<string, unknown>][] = [
  ['auditEntries', `{ auditEntries { totalCount } }`, {}],
  ['clientAccessReport', `query ($id: ID!) { clientAccessReport(clientId: $id) { totalEntries } }`, { id: client }],
  ['verifyAuditChain', `{ verifyAuditChain { ok } }`, {}],
  ['auditSample', `{ auditSample(size: 5, seed: 1) { id } }`, {}],
  ['auditCountsPerActorDay', `{ auditCountsPerActorDay { actorId day count } }`, {}],
];

describe('auditor queries are for auditors only', () => {
  it.each(AUDITOR_QUERIES)('dpo may run %s', async (_name, query, variables) => {
    const res = await t.execute({ as: 'dpo', query, variables });
    expect(res.errors).toBeUndefined();
    expect(res.data).toBeTruthy();
  });

  it.each(
    AUDITOR_QUERIES.flatMap(([name, query, variables]) => (['sw-child', 'billing'] as const).map((persona) => [persona, name, query, variables] as const)),
  )('%s gets FORBIDDEN for %s', async (persona, _name, query, variables) => {
    const res = await t.execute({ as: persona, query, variables });
    expect(codesOf(res)).toContain('FORBIDDEN');
    expect(JSON.stringify(res.data ?? null)).not.toMatch(/totalEntries|"ok"|"count"|"totalCount"/);
  });

  it('logs a refused attempt as DENIED', async () => {
    const res = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { clientAccessReport(clientId: $id) { totalEntries } }`, variables: { id: client } });
    expect(codesOf(res)).toContain('FORBIDDEN');
    const entries = await entriesOf(res.headers['x-request-id']!);
    expect(entries).toEqual([
      expect.objectContaining({ actorId: swChild.id, entityType: 'AuditLog', entityId: 'clientAccessReport', clientId: client, outcome: 'DENIED' }),
    ]);
  });
});

describe("auditors' own queries are logged", () => {
  it.each(AUDITOR_QUERIES)('%s writes an AuditLog entry for the auditor', async (name, query, variables) => {
    const res = await t.execute({ as: 'dpo', query, variables });
    expect(res.errors).toBeUndefined();
    const entries = await entriesOf(res.headers['x-request-id']!);
    expect(entries).toEqual([
      expect.objectContaining({
        actorId: DEMO.users.dpo.id,
        actorRole: 'AUDITOR',
        entityType: 'AuditLog',
        entityId: name,
        action: 'READ',
        outcome: 'ALLOWED',
        purpose: 'LOG_MONITORING',
        clientId: name === 'clientAccessReport' ? client : null,
      }),
    ]);
  });

  it('names the client when auditEntries is filtered by one', async () => {
    const res = await t.execute({
      as: 'dpo',
      query: `query ($id: ID) { auditEntries(filter: { clientId: $id }) { totalCount } }`,
      variables: { id: client },
    });
    expect(res.errors).toBeUndefined();
    const [entry] = await entriesOf(res.headers['x-request-id']!);
    expect(entry).toMatchObject({ entityType: 'AuditLog', entityId: 'auditEntries', clientId: client });
  });
});

describe('clientAccessReport', () => {
  const REPORT = `
    query Report($id: ID!, $from: DateTime, $to: DateTime, $includeEmployees: Boolean, $reason: String) {
      clientAccessReport(clientId: $id, from: $from, to: $to, includeEmployees: $includeEmployees, reason: $reason) {
        clientId from to includesEmployees totalEntries
        rows {
          date organisationId unitId role purpose categories actions emergency entries employeeIds
          unit { code name }
          organisation { name }
        }
      }
    }`;
  type Report = {
    clientAccessReport: {
      clientId: string;
      from: string;
      to: string;
      includesEmployees: boolean;
      totalEntries: number;
      rows: {
        date: string;
        organisationId: string | null;
        unitId: string | null;
        role: string | null;
        purpose: string | null;
        categories: string[];
        actions: string[];
        emergency: boolean;
        entries: number;
        employeeIds: string[] | null;
        unit: { code: string; name: string } | null;
        organisation: { name: string } | null;
      }[];
    };
  };

  it('groups the uses by day, organisation, unit, role and purpose, without times or employees', async () => {
    const res = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: client } });
    expect(res.errors).toBeUndefined();
    const report = res.data!.clientAccessReport;
    expect(report.includesEmployees).toBe(false);
    // Last 2 years by default.
    const span = Date.parse(report.to) - Date.parse(report.from);
    expect(span / (365.25 * 24 * 3600 * 1000)).toBeCloseTo(2, 1);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.employeeIds).toBeNull();
      expect(row.entries).toBeGreaterThan(0);
    }
    const social = report.rows.find((r) => r.role === 'SOCIAL_WORKER' && r.unitId === DEMO.units['child-welfare'].id);
    expect(social).toMatchObject({
      organisationId: DEMO.organisations.region.id,
      purpose: 'CLIENT_WORK',
      actions: ['READ'],
      emergency: false,
      unit: { code: 'child-welfare', name: DEMO.units['child-welfare'].name },
      organisation: { name: DEMO.organisations.region.name },
    });
    expect(social!.categories.length).toBeGreaterThan(0);
    // What kinds of data were used, over all rows: the client page shows identity and personal id.
    const categories = new Set(report.rows.flatMap((r) => r.categories));
    expect([...categories]).toEqual(expect.arrayContaining(['IDENTITY', 'PERSONAL_ID']));
    expect(report.totalEntries).toBe(report.rows.reduce((sum, r) => sum + r.entries, 0));
    // Nothing in the extract names an employee.
    expect(JSON.stringify(report)).not.toContain(swChild.id);
  });

  it('names employees only with a stated reason, which is logged', async () => {
    const noReason = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: client, includeEmployees: true } });
    expect(codesOf(noReason)).toEqual(['BAD_USER_INPUT']);
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ field: 'reason' });
    const blank = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: client, includeEmployees: true, reason: '   ' } });
    expect(codesOf(blank)).toEqual(['BAD_USER_INPUT']);

    const reason = 'client asked who read the placement record (request 2024/17)';
    const res = await t.execute<Report>({ as: 'dpo', query: REPORT, variables: { id: client, includeEmployees: true, reason } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.clientAccessReport.includesEmployees).toBe(true);
    const named = res.data!.clientAccessReport.rows.flatMap((r) => r.employeeIds ?? []);
    expect(named).toContain(swChild.id);

    const res2 = await t.execute<{ auditEntries: { nodes: { reason?: string; entityId: string }[] } }>({
      as: 'dpo',
      query: `query ($r: String) { auditEntries(filter: { requestId: $r }) { nodes { entityId } } }`,
      variables: { r: res.headers['x-request-id'] },
    });
    expect(res2.data!.auditEntries.nodes).toEqual([{ entityId: 'clientAccessReport' }]);
  });

  it('gives an empty extract for a range without uses, and refuses bad input', async () => {
    const old = await t.execute<Report>({
      as: 'dpo',
      query: REPORT,
      variables: { id: client, from: '2001-01-01T00:00:00Z', to: '2002-01-01T00:00:00Z' },
    });
    expect(old.errors).toBeUndefined();
    expect(old.data!.clientAccessReport).toMatchObject({ rows: [], totalEntries: 0 });

    const reversed = await t.execute({ as: 'dpo', query: REPORT, variables: { id: client, from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' } });
    expect(codesOf(reversed)).toEqual(['BAD_USER_INPUT']);
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ field: 'from' });
    const badId = await t.execute({ as: 'dpo', query: REPORT, variables: { id: 'not-a-client' } });
    expect(codesOf(badId)).toEqual(['BAD_USER_INPUT']);
    expect(badId.errors?.[0]?.extensions).toMatchObject({ field: 'clientId' });
  });
});

describe('auditSample', () => {
  const SAMPLE = `query ($size: Int!, $seed: Int!, $from: DateTime, $to: DateTime) { auditSample(size: $size, seed: $seed, from: $from, to: $to) { id at actorId } }`;
  type Sample = { auditSample: { id: string; at: string; actorId: string }[] };

  it('is reproducible for a seed and differs between seeds', async () => {
    // A fixed window so that the auditor's own logged queries do not change the population.
    const to = new Date().toISOString();
    const a = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 3, seed: 42, to } });
    const b = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 3, seed: 42, to } });
    expect(a.errors).toBeUndefined();
    expect(a.data!.auditSample).toHaveLength(3);
    expect(b.data!.auditSample).toEqual(a.data!.auditSample);
    const ids = a.data!.auditSample.map((e) => Number(e.id));
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);

    const seeds = await Promise.all([1, 2, 3, 4, 5].map((seed) => t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 3, seed, to } })));
    const distinct = new Set(seeds.map((s) => JSON.stringify(s.data!.auditSample.map((e) => e.id))));
    expect(distinct.size).toBeGreaterThan(1);
    for (const s of seeds) for (const e of s.data!.auditSample) expect(Date.parse(e.at)).toBeLessThan(Date.parse(to));
  });

  it('returns the whole range when it is smaller than the sample', async () => {
    const all = await t.execute<{ auditEntries: { totalCount: number } }>({ as: 'dpo', query: `{ auditEntries { totalCount } }` });
    const res = await t.execute<Sample>({ as: 'dpo', query: SAMPLE, variables: { size: 1000, seed: 7 } });
    expect(res.errors).toBeUndefined();
    // The count query was logged before it answered, and so was this sample's query.
    expect(res.data!.auditSample.length).toBeGreaterThanOrEqual(all.data!.auditEntries.totalCount);
  });

  it.each([
    [{ size: 0, seed: 1 }, 'size'],
    [{ size: 1001, seed: 1 }, 'size'],
    [{ size: 5, seed: 1, from: '2024-02-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }, 'from'],
  ])('refuses %j naming %s', async (variables, field) => {
    const res = await t.execute({ as: 'dpo', query: SAMPLE, variables });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.extensions).toMatchObject({ field });
  });
});

describe('auditCountsPerActorDay', () => {
  const COUNTS = `query ($from: DateTime, $to: DateTime, $minCount: Int, $first: Int) {
    auditCountsPerActorDay(from: $from, to: $to, minCount: $minCount, first: $first) { actorId day count clients }
  }`;
  type Counts = { auditCountsPerActorDay: { actorId: string; day: string; count: number; clients: number }[] };

  it("counts each actor's entries per day, busiest first", async () => {
    const res = await t.execute<Counts>({ as: 'dpo', query: COUNTS });
    expect(res.errors).toBeUndefined();
    const rows = res.data!.auditCountsPerActorDay;
    const sw = rows.find((r) => r.actorId === swChild.id);
    expect(sw).toMatchObject({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(sw!.count).toBeGreaterThanOrEqual(2);
    expect(sw!.clients).toBeGreaterThanOrEqual(1);
    const counts = rows.map((r) => r.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);

    const busy = await t.execute<Counts>({ as: 'dpo', query: COUNTS, variables: { minCount: sw!.count + 1000 } });
    expect(busy.data!.auditCountsPerActorDay).toEqual([]);
    const top = await t.execute<Counts>({ as: 'dpo', query: COUNTS, variables: { first: 1 } });
    expect(top.data!.auditCountsPerActorDay).toHaveLength(1);
  });

  it.each([
    [{ from: '2020-01-01T00:00:00Z', to: '2022-01-01T00:00:00Z' }, 'from'],
    [{ from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' }, 'from'],
    [{ minCount: 0 }, 'minCount'],
    [{ first: 0 }, 'first'],
    [{ first: 5000 }, 'first'],
  ])('refuses %j naming %s', async (variables, field) => {
    const res = await t.execute({ as: 'dpo', query: COUNTS, variables });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.extensions).toMatchObject({ field });
  });
});

describe('verifyAuditChain over ranges', () => {
  it('verifies the whole log and a time range', async () => {
    const all = await t.execute<{ verifyAuditChain: { ok: boolean; checkedEntries: number; fromSeq: number; toSeq: number } }>({
      as: 'dpo',
      query: `{ verifyAuditChain { ok checkedEntries firstBadSeq reason fromSeq toSeq } }`,
    });
    expect(all.errors).toBeUndefined();
    expect(all.data!.verifyAuditChain).toMatchObject({ ok: true, fromSeq: 1 });
    expect(all.data!.verifyAuditChain.checkedEntries).toBe(all.data!.verifyAuditChain.toSeq);

    const future = await t.execute<{ verifyAuditChain: { ok: boolean; checkedEntries: number } }>({
      as: 'dpo',
      query: `{ verifyAuditChain(from: "2999-01-01T00:00:00Z") { ok checkedEntries } }`,
    });
    expect(future.data!.verifyAuditChain).toEqual({ ok: true, checkedEntries: 0 });

    const reversed = await t.execute({ as: 'dpo', query: `{ verifyAuditChain(from: "2024-02-01T00:00:00Z", to: "2024-01-01T00:00:00Z") { ok } }` });
    expect(codesOf(reversed)).toEqual(['BAD_USER_INPUT']);
  });
});

describe("a reference to a client the asker may not see (attack review, session 10)", () => {
  it('answers its fields null and logs one DENIED entry naming the client, however many entries refer to it', async () => {
    const archived = DEMO.clients.childWelfareArchived;
    // Two refused look-ups give the archived client two entries in the log.
    for (let i = 0; i < 2; i++) await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { id } }`, variables: { id: archived } });
    const result = await t.execute<{ auditEntries: { nodes: { clientId: string; client: { id: string; displayName: string | null } | null }[] } }>({
      as: 'dpo',
      query: `query ($id: ID!) { auditEntries(filter: { clientId: $id }, first: 10) { nodes { clientId client { id displayName } } } }`,
      variables: { id: archived },
    });
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.auditEntries.nodes;
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    for (const n of nodes) expect(n.client?.displayName ?? null).toBeNull();
    const denied = await t.database.db
      .select()
      .from(entries)
      .where(and(eq(entries.requestId, result.headers['x-request-id']!), eq(entries.outcome, 'DENIED')));
    expect(denied.map((e) => [e.entityType, e.clientId, e.subgraph])).toEqual([['Client', archived, 'clients']]);
  });
});
