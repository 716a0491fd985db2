/**
 * Issue 13 items 1–2: retention classes and disposal, through the real gateway, on a controlled clock.
 * Expectations from the register statements (seed 003: client data kept about a year after the relationship
 * ends, deleted twice a year in March and October; seeds 000–004: retention follows the archive formation plan
 * and the law; DESIGN.md §1 the demo region's classes) and from the brief: a record is due only under a class
 * and once its trigger has come (never while a relationship, commission or placement of its task is in force,
 * nor while a data-subject request of the client is undecided); a run outside the disposal months removes nothing; a dry run changes nothing; the real run removes exactly what the dry run listed,
 * client by client, logging one DELETE per removed row and leaving the access log's chain intact; ANONYMISE keeps
 * rows without identifiers; only the REGISTRAR plans and disposes, the AUDITOR reads.
 */
import { randomUUID } from 'node:crypto';
import {
  assistanceRequests,
  careDays,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  DEMO_PARTNER_TOKEN,
  decisions,
  disclosureDocuments,
  disclosures,
  disposalRuns,
  disposedEvents,
  documentRevisions,
  documents,
  entries,
  extractRedactions,
  guardians,
  handovers,
  invoices,
  medications,
  paymentCommitments,
  placements,
  restrictions,
  retentionClasses,
  revisions,
} from '@vartija/db';
import { count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { parseDisposalArgs, runDisposalCommand } from '../../subgraphs/documents/src/disposal-cli';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

/** The subgraphs' clock: a December day in a year of no consequence (the demo world is seeded at the real now). */
let fakeNow = new Date('2030-12-10T10:00:00Z');
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ clock: () => fakeNow, grantCacheMs: 60_000 });
}, 120_000);
afterAll(() => t?.close());

const db = () => t.database.db;
const REGION = DEMO.organisations.region.id;
const CHILD_WELFARE = DEMO.units['child-welfare'].id;
const FAMILY = DEMO.units['family-services'].id;
const SW_CHILD = DEMO.users['sw-child'].id;
const ADMIN = DEMO.users.admin.id;
const asPersona = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });

// ---- operations ----

const CONFIGURATION = `{ retentionConfiguration { organisationId version disposalMonths classes { id serviceTask recordType trigger retainMonths action legalSource } } }`;
const SET = `mutation Set($input: RetentionConfigurationInput!, $expectedVersion: Int!) {
  setRetentionConfiguration(input: $input, expectedVersion: $expectedVersion) { version disposalMonths classes { serviceTask recordType trigger retainMonths action legalSource } } }`;
const DUE = `query Due($asOf: Date) { retentionDue(asOf: $asOf) { clientId serviceTask recordType count action retentionEndedOn dueOn legalSource reason } }`;
const RUN = `mutation Run($asOf: Date!, $dryRun: Boolean!) {
  runDisposal(asOf: $asOf, dryRun: $dryRun) { id asOf dryRun status approvedBy startedAt finishedAt clients failedClients
    counts { recordType action count } items { clientId serviceTask recordType count action retentionEndedOn dueOn legalSource reason } } }`;
const RUNS = `query Runs($first: Int) { disposalRuns(first: $first) { id asOf dryRun status approvedBy clients failedClients counts { recordType action count } items { clientId } } }`;

interface Item {
  clientId: string;
  serviceTask: string | null;
  recordType: string;
  count: number;
  action: string;
  retentionEndedOn: string;
  dueOn: string;
  legalSource: string;
  reason: string;
}
interface Run {
  id: string;
  asOf: string;
  dryRun: boolean;
  status: string;
  approvedBy: string | null;
  finishedAt: string | null;
  clients: number;
  failedClients: number;
  counts: { recordType: string; action: string; count: number }[];
  items: Item[] | null;
}
interface ClassInput {
  serviceTask?: string | null;
  recordType?: string | null;
  trigger: string;
  retainMonths: number;
  action: string;
  legalSource: string;
}

const SEED_003_SOURCE = 'Rekisteriseloste (seed 003) 12 kohta: tiedot säilytetään noin vuoden asiakkuuden päättymisestä';
/** Seed 003's plan: every task and type one year after the relationship ends; disposal in March and October. */
const SEED_003 = {
  classes: [{ serviceTask: null, recordType: null, trigger: 'RELATIONSHIP_END', retainMonths: 12, action: 'DELETE', legalSource: SEED_003_SOURCE }],
  disposalMonths: [3, 10],
};

async function configuration() {
  const result = await t.execute<{ retentionConfiguration: { version: number; disposalMonths: number[]; classes: (ClassInput & { id: string })[] } }>({ as: 'admin', query: CONFIGURATION });
  expect(result.errors).toBeUndefined();
  return result.data!.retentionConfiguration;
}

async function configure(input: { classes: ClassInput[]; disposalMonths: number[] }) {
  const { version } = await configuration();
  const result = await t.execute({ as: 'admin', query: SET, variables: { input, expectedVersion: version } });
  expect(result.errors).toBeUndefined();
}

async function due(asOf?: string): Promise<Item[]> {
  const result = await t.execute<{ retentionDue: Item[] }>({ as: 'admin', query: DUE, variables: asOf ? { asOf } : {} });
  expect(result.errors).toBeUndefined();
  return result.data!.retentionDue;
}

async function run(asOf: string, dryRun: boolean): Promise<{ run: Run; requestId: string }> {
  const result = await t.execute<{ runDisposal: Run }>({ as: 'admin', query: RUN, variables: { asOf, dryRun } });
  expect(result.errors).toBeUndefined();
  return { run: result.data!.runDisposal, requestId: result.headers['x-request-id']! };
}

const key = (i: Pick<Item, 'clientId' | 'serviceTask' | 'recordType' | 'action' | 'count'>) => `${i.clientId}/${i.serviceTask ?? '*'}/${i.recordType}/${i.action}/${i.count}`;
const keys = (items: readonly Item[]) => items.map(key).sort();
const ofClient = (items: readonly Item[], clientId: string) => items.filter((i) => i.clientId === clientId);

// ---- fixtures (SQL) ----

interface Fixture {
  clientId: string;
  relationshipIds: string[];
  documentIds: string[];
  guardianId: string;
  decisionId: string;
  placementId: string;
}

let codeSerial = 0;
/**
 * A client of the region with a relationship in each given unit (`endedOn` null: open) and in the first unit
 * a guardian, a consent, a commission, a document with a correction, a disclosure of it, a decided data-subject
 * request with a redaction decision, a decision, a placement with care days, a payment commitment with an invoice, a
 * medication and a history row of an earlier phone number; one more document in every other unit.
 */
async function fixture(relationships: { unitId: string; endedOn: string | null }[]): Promise<Fixture> {
  codeSerial += 1;
  const clientId = randomUUID();
  await db()
    .insert(clients)
    .values({
      id: clientId,
      organisationId: REGION,
      firstName: 'Testi',
      lastName: `Hävitettävä${codeSerial}`,
      personalIdentityCode: `010190-9${String(100 + codeSerial).slice(-2)}X`,
      dateOfBirth: '1990-05-17',
      municipality: 'Tampere',
      streetAddress: 'Testikatu 1',
      postalCode: '33100',
      postOffice: 'Tampere',
      phone: '+358 40 000 0000',
      email: 'testi@example.invalid',
      nationality: 'FI',
      maritalStatus: 'naimaton',
    });
  const relationshipIds: string[] = [];
  for (const r of relationships) {
    const [row] = await db()
      .insert(clientRelationships)
      .values({
        clientId,
        unitId: r.unitId,
        serviceTask: r.unitId === FAMILY ? 'FAMILY_SERVICES' : 'CHILD_WELFARE',
        startedOn: '2025-01-01',
        endedOn: r.endedOn,
        responsibleWorkerId: SW_CHILD,
      })
      .returning();
    relationshipIds.push(row!.id);
  }
  const unitId = relationships[0]!.unitId;
  const [guardian] = await db().insert(guardians).values({ clientId, kind: 'PARENT', firstName: 'Huoltaja', lastName: 'Testinen', hasCustody: true, phone: '+358 40 111 1111' }).returning();
  await db().insert(consents).values({ clientId, unitId, recipientName: 'Kela', purpose: 'Toimeentulotuki', givenOn: '2025-02-01' }).returning();
  await db()
    .insert(commissions)
    .values({ clientId, commissionerUnitId: unitId, partnerOrganisationId: DEMO.organisations.majakka.id, kind: 'SUPPORT', startsOn: '2025-02-01', endsOn: '2025-06-30' })
    .returning();
  const documentIds: string[] = [];
  for (const [i, r] of relationships.entries()) {
    const [document] = await db()
      .insert(documents)
      .values({
        clientId,
        unitId: r.unitId,
        relationshipId: relationshipIds[i]!,
        authorId: SW_CHILD,
        authorOrganisationId: REGION,
        type: 'CASE_NOTE',
        title: 'Kotikäynti',
        body: 'Perhe tavattiin kotona.',
        currentRevision: 2,
      })
      .returning();
    documentIds.push(document!.id);
    await db()
      .insert(documentRevisions)
      .values([
        { documentId: document!.id, revision: 1, title: 'Kotikäynti', body: 'Perhe tavatiin.', authorId: SW_CHILD },
        { documentId: document!.id, revision: 2, title: 'Kotikäynti', body: 'Perhe tavattiin kotona.', authorId: SW_CHILD, reason: 'Kirjoitusvirhe' },
      ]);
  }
  const [disclosure] = await db()
    .insert(disclosures)
    .values({ clientId, unitId, recipientName: 'Poliisi', legalBasis: 'Lastensuojelulaki 417/2007 25 §', requestDescription: 'Pyyntö 1/2025', disclosedAt: new Date('2025-03-01T10:00:00Z') })
    .returning();
  await db().insert(disclosureDocuments).values({ disclosureId: disclosure!.id, documentId: documentIds[0]! });
  const [request] = await db()
    .insert(dataSubjectRequests)
    // Decided: an undecided request holds every record of the client (the test below).
    .values({ clientId, unitId, kind: 'ACCESS', status: 'GRANTED', outcome: 'GRANTED', receivedOn: '2025-03-01', decidedOn: '2025-03-20', requesterKind: 'CLIENT', subject: 'Kaikki tiedot' })
    .returning();
  await db().insert(extractRedactions).values({ requestId: request!.id, documentId: documentIds[0]!, withhold: false, reason: 'Ei salattavaa' });
  const [decision] = await db()
    .insert(decisions)
    .values({ clientId, unitId, type: 'OPEN_CARE_SUPPORT', legalAct: 'Lastensuojelulaki 417/2007', legalSection: '36 §', decidedAt: new Date('2025-02-01T10:00:00Z'), content: 'Tukiperhe.' })
    .returning();
  const [placement] = await db()
    .insert(placements)
    .values({ clientId, unitId, decisionId: decision!.id, kind: 'OPEN_CARE_SUPPORT', providerName: 'Tukiperhe Testinen', startsOn: '2025-02-01', endsOn: '2025-02-03' })
    .returning();
  await db()
    .insert(careDays)
    .values(['2025-02-01', '2025-02-02', '2025-02-03'].map((day) => ({ placementId: placement!.id, day, costCents: 5000 })));
  const [commitment] = await db().insert(paymentCommitments).values({ clientId, unitId, placementId: placement!.id, amountCents: 15000, validFrom: '2025-02-01' }).returning();
  await db().insert(invoices).values({ paymentCommitmentId: commitment!.id, periodStart: '2025-02-01', periodEnd: '2025-02-03', amountCents: 15000, status: 'PAID' });
  await db().insert(medications).values({ clientId, unitId, placementId: placement!.id, medicine: 'Burana', dose: '200 mg', givenAt: new Date('2025-02-02T08:00:00Z'), givenBy: 'Tukiperhe' });
  await db()
    .insert(revisions)
    .values({ entityType: 'Client', entityId: clientId, clientId, revision: 1, fields: ['phone'], previous: { phone: '+358 40 999 9999' }, changedBy: SW_CHILD, changedByKind: 'USER', reason: 'Uusi numero' });
  return { clientId, relationshipIds, documentIds, guardianId: guardian!.id, decisionId: decision!.id, placementId: placement!.id };
}

// ---- snapshots ----

/** Every table disposal may touch (the access log aside), by the record type whose rows they hold. */
const PRIMARY: Record<string, PgTable & { clientId?: unknown }> = {
  CLIENT: clients,
  RELATIONSHIP: clientRelationships,
  GUARDIAN: guardians,
  CONSENT: consents,
  COMMISSION: commissions,
  DOCUMENT: documents,
  DECISION: decisions,
  PLACEMENT: placements,
  FINANCIAL: paymentCommitments,
  RESTRICTION: restrictions,
  ASSISTANCE_REQUEST: assistanceRequests,
  MEDICATION: medications,
  DISCLOSURE: disclosures,
  DATA_SUBJECT_REQUEST: dataSubjectRequests,
};
/** Rows removed with their record, each logged too. */
const PARTS: Record<string, PgTable> = { careDays, invoices, documentRevisions, handovers, revisions };
/** Link rows, removed with either side (no entity of their own). */
const LINKS: Record<string, PgTable> = { disclosureDocuments, extractRedactions };
const ALL_TABLES: Record<string, PgTable> = { ...PRIMARY, ...PARTS, ...LINKS, retentionClasses, disposedEvents };

async function counts(tables: Record<string, PgTable> = ALL_TABLES): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await db().select({ n: count() }).from(table);
    out[name] = Number(row!.n);
  }
  return out;
}

/** A fingerprint of every client-keyed row not of the given clients: ids and update times. */
async function othersFingerprint(exclude: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const ids = `{${exclude.join(',')}}`;
  for (const [type, table] of Object.entries(PRIMARY)) {
    const column = type === 'CLIENT' ? sql.raw('id') : sql.raw('client_id');
    const result = await db().execute(sql`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${table} t WHERE NOT (${column} = ANY(${ids}::uuid[]))`);
    const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number; h: string }[];
    out[type] = `${row!.n}:${row!.h}`;
  }
  return out;
}

async function maxSeq(): Promise<number> {
  const [row] = await db().select({ seq: sql<number>`coalesce(max(${entries.seq}), 0)::int` }).from(entries);
  return Number(row!.seq);
}

/** The access log up to `seq`: how many entries and a digest of their hashes (each hash covers its entry). */
async function logDigest(seq: number): Promise<{ n: number; h: string }> {
  const result = await db().execute(sql`SELECT count(*)::int AS n, md5(coalesce(string_agg(hash, '' ORDER BY seq), '')) AS h FROM audit.entries WHERE seq <= ${seq}`);
  const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number; h: string }[];
  return { n: Number(row!.n), h: row!.h };
}

/**
 * The statistics' figures of the region (issue 13 item 4), counted independently: live records plus the facts
 * kept of disposed ones (lifecycle.disposed_events). Disposal must leave them equal.
 */
async function statisticsTotals(): Promise<Record<string, number>> {
  const result = await db().execute(sql`
    SELECT kind, sum(n)::int AS n FROM (
      SELECT 'RELATIONSHIP' AS kind, count(*) AS n FROM clients.client_relationships x JOIN clients.clients c ON c.id = x.client_id WHERE c.organisation_id = ${REGION}::uuid
      UNION ALL SELECT 'DECISION', count(*) FROM services.decisions x JOIN clients.clients c ON c.id = x.client_id WHERE c.organisation_id = ${REGION}::uuid
      UNION ALL SELECT 'PLACEMENT', count(*) FROM services.placements x JOIN clients.clients c ON c.id = x.client_id WHERE c.organisation_id = ${REGION}::uuid
      UNION ALL SELECT 'CARE_DAYS', count(*) FROM services.care_days d JOIN services.placements x ON x.id = d.placement_id JOIN clients.clients c ON c.id = x.client_id WHERE c.organisation_id = ${REGION}::uuid
      UNION ALL SELECT 'DATA_SUBJECT_REQUEST', count(*) FROM documents.data_subject_requests x JOIN clients.clients c ON c.id = x.client_id WHERE c.organisation_id = ${REGION}::uuid
      UNION ALL SELECT kind, sum(quantity) FROM lifecycle.disposed_events WHERE organisation_id = ${REGION}::uuid GROUP BY kind
    ) f GROUP BY kind ORDER BY kind`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { kind: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

// ---- the tests ----

const PERSONAS = ['sw-child', 'mgr-child', 'billing', 'dpo', 'admin', 'student-child', 'sw-adult-student', 'majakka'] as const;
type Operation = 'retentionConfiguration' | 'setRetentionConfiguration' | 'retentionDue' | 'runDisposal' | 'disposalRuns';
const ALLOWED: Record<Operation, readonly string[]> = {
  retentionConfiguration: ['admin', 'dpo'],
  setRetentionConfiguration: ['admin'],
  retentionDue: ['admin'],
  runDisposal: ['admin'],
  disposalRuns: ['admin', 'dpo'],
};

describe('who may plan, list and dispose (persona × operation)', () => {
  it.each(PERSONAS)('%s', async (login) => {
    const current = await configuration();
    const input = { classes: current.classes.map(({ id: _id, ...c }) => c), disposalMonths: current.disposalMonths };
    const calls: Record<Operation, () => Promise<{ errors?: unknown; headers: Record<string, string>; data: unknown }>> = {
      retentionConfiguration: () => t.execute({ ...asPersona(login), query: CONFIGURATION }),
      // The same plan again (the registrar's allowed call changes nothing but the version).
      setRetentionConfiguration: () => t.execute({ ...asPersona(login), query: SET, variables: { input, expectedVersion: current.version } }),
      retentionDue: () => t.execute({ ...asPersona(login), query: DUE }),
      runDisposal: () => t.execute({ ...asPersona(login), query: RUN, variables: { asOf: '2030-12-10', dryRun: true } }),
      disposalRuns: () => t.execute({ ...asPersona(login), query: RUNS, variables: { first: 5 } }),
    };
    const outcome: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const operation of Object.keys(calls) as Operation[]) {
      const result = await calls[operation]();
      const requestId = result.headers['x-request-id']!;
      const codes = codesOf(result as never);
      const denied = await db().select().from(entries).where(eq(entries.requestId, requestId));
      const loggedDenied = denied.some((e) => e.outcome === 'DENIED' && (e.entityType === 'RetentionConfiguration' || e.entityType === 'DisposalRun'));
      outcome[operation] = codes.length === 0 ? 'ALLOWED' : `${codes.join(',')}${loggedDenied ? ' logged DENIED' : ' not logged'}`;
      expected[operation] = ALLOWED[operation].includes(login) ? 'ALLOWED' : 'FORBIDDEN logged DENIED';
    }
    expect({ login, outcome }).toEqual({ login, outcome: expected });
  });

  it('the auditor reads the plan the registrar sets, and the runs', async () => {
    const dpo = await t.execute<{ retentionConfiguration: { organisationId: string; classes: { serviceTask: string; trigger: string; retainMonths: number; legalSource: string }[] } }>({
      as: 'dpo',
      query: CONFIGURATION,
    });
    expect(dpo.errors).toBeUndefined();
    expect(dpo.data!.retentionConfiguration.organisationId).toBe(REGION);
    // The demo region's classes (DESIGN.md §1), each with its legal source.
    expect(dpo.data!.retentionConfiguration.classes.map((c) => [c.serviceTask, c.trigger, c.retainMonths])).toEqual([
      ['CHILD_WELFARE', 'CLIENT_DEATH', 24],
      ['FAMILY_SERVICES', 'RELATIONSHIP_END', 360],
      ['ADULT_SOCIAL_WORK', 'RELATIONSHIP_END', 120],
    ]);
    for (const c of dpo.data!.retentionConfiguration.classes) expect(c.legalSource).toMatch(/254\/2015/);
    const runs = await t.execute<{ disposalRuns: Run[] }>({ as: 'dpo', query: RUNS, variables: { first: 5 } });
    expect(runs.errors).toBeUndefined();
    expect(runs.data!.disposalRuns.length).toBeGreaterThan(0);
    expect(runs.data!.disposalRuns[0]).toMatchObject({ dryRun: true, approvedBy: ADMIN, items: null });
  });
});

describe('setRetentionConfiguration: input', () => {
  const valid = SEED_003.classes[0]!;
  it.each([
    ['a month 13', { classes: [valid], disposalMonths: [3, 13] }, 'input.disposalMonths.1'],
    ['a month twice', { classes: [valid], disposalMonths: [3, 3] }, 'input.disposalMonths'],
    ['two classes for one pair', { classes: [valid, { ...valid, retainMonths: 24 }], disposalMonths: [] }, 'input.classes.1'],
    ['a blank legal source', { classes: [{ ...valid, legalSource: '   ' }], disposalMonths: [] }, 'input.classes.0.legalSource'],
    ['a legal source over 500 characters', { classes: [{ ...valid, legalSource: 'x'.repeat(501) }], disposalMonths: [] }, 'input.classes.0.legalSource'],
    ['over 1800 months', { classes: [{ ...valid, retainMonths: 1801 }], disposalMonths: [] }, 'input.classes.0.retainMonths'],
    ['negative months', { classes: [{ ...valid, retainMonths: -1 }], disposalMonths: [] }, 'input.classes.0.retainMonths'],
  ])('refuses %s (BAD_USER_INPUT naming the field), changing nothing', async (_name, input, field) => {
    const before = await configuration();
    const result = await t.execute({ as: 'admin', query: SET, variables: { input, expectedVersion: before.version } });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions!['field']).toBe(field);
    expect(await configuration()).toEqual(before);
  });

  it('refuses a stale version (CONFLICT), changing nothing', async () => {
    const before = await configuration();
    const result = await t.execute({ as: 'admin', query: SET, variables: { input: SEED_003, expectedVersion: before.version - 1 } });
    expect(codesOf(result)).toEqual(['CONFLICT']);
    expect(await configuration()).toEqual(before);
  });

  it("sets seed 003's plan in one audited change, keeping the previous plan in the history", async () => {
    const before = await configuration();
    const result = await t.execute<{ setRetentionConfiguration: { version: number; disposalMonths: number[]; classes: ClassInput[] } }>({
      as: 'admin',
      query: SET,
      variables: { input: { ...SEED_003, disposalMonths: [10, 3] }, expectedVersion: before.version },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.setRetentionConfiguration).toEqual({ version: before.version + 1, disposalMonths: [3, 10], classes: SEED_003.classes });
    const logged = await db().select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));
    expect(logged.filter((e) => e.action === 'UPDATE').map((e) => [e.entityType, e.entityId, e.outcome, e.actorRole])).toEqual([['RetentionConfiguration', REGION, 'ALLOWED', 'REGISTRAR']]);
    const history = await db().select().from(revisions).where(eq(revisions.entityId, REGION));
    expect(history.find((h) => h.revision === before.version)?.previous).toMatchObject({ disposalMonths: before.disposalMonths });
  });
});

describe("disposal under seed 003's plan, on a controlled clock", () => {
  // The only relationship ended 13 months before the December day: retention ends 2030-11-10, due 1 March 2031.
  let ended: Fixture;
  // Child welfare still open, family services ended with the first: only the family-services records are due.
  let partly: Fixture;
  let dryRun: Run;
  let before: Record<string, number>;

  beforeAll(async () => {
    fakeNow = new Date('2030-12-10T10:00:00Z');
    ended = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);
    partly = await fixture([
      { unitId: CHILD_WELFARE, endedOn: null },
      { unitId: FAMILY, endedOn: '2029-11-10' },
    ]);
  });

  it('lists a relationship ended 13 months ago only from the next 1 March, with the class and why', async () => {
    expect(ofClient(await due(), ended.clientId)).toEqual([]);
    expect(ofClient(await due('2031-02-28'), ended.clientId)).toEqual([]);
    const items = ofClient(await due('2031-03-01'), ended.clientId);
    expect(items.map((i) => `${i.serviceTask ?? '*'}/${i.recordType}/${i.count}/${i.action}`).sort()).toEqual(
      [
        '*/CLIENT/1/DELETE',
        '*/GUARDIAN/1/DELETE',
        'CHILD_WELFARE/COMMISSION/1/DELETE',
        'CHILD_WELFARE/CONSENT/1/DELETE',
        'CHILD_WELFARE/DATA_SUBJECT_REQUEST/1/DELETE',
        'CHILD_WELFARE/DECISION/1/DELETE',
        'CHILD_WELFARE/DISCLOSURE/1/DELETE',
        'CHILD_WELFARE/DOCUMENT/1/DELETE',
        'CHILD_WELFARE/FINANCIAL/1/DELETE',
        'CHILD_WELFARE/MEDICATION/1/DELETE',
        'CHILD_WELFARE/PLACEMENT/1/DELETE',
        'CHILD_WELFARE/RELATIONSHIP/1/DELETE',
      ].sort(),
    );
    for (const item of items) {
      expect(item).toMatchObject({ retentionEndedOn: '2030-11-10', dueOn: '2031-03-01', legalSource: SEED_003_SOURCE });
      expect(item.reason).toMatch(/ended on 2029-11-10, kept 12 months/);
    }
  });

  it('never lists records of a task with an open relationship, nor the client as a whole then', async () => {
    const items = ofClient(await due('2031-03-01'), partly.clientId);
    expect(items.map((i) => `${i.serviceTask}/${i.recordType}`).sort()).toEqual(['FAMILY_SERVICES/DOCUMENT', 'FAMILY_SERVICES/RELATIONSHIP']);
    expect(ofClient(await due('2099-03-01'), DEMO.clients.childWelfareOpen)).toEqual([]);
  });

  it('refuses a date later than today in Finland, dry or not (BAD_USER_INPUT)', async () => {
    for (const dry of [true, false]) {
      const result = await t.execute({ as: 'admin', query: RUN, variables: { asOf: '2030-12-11', dryRun: dry } });
      expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions!['field']).toBe('asOf');
    }
  });

  it('a run in December (not a disposal month) is NOT_DUE and removes nothing', async () => {
    const countsBefore = await counts();
    const { run: notDue } = await run('2030-12-10', false);
    expect(notDue).toMatchObject({ status: 'NOT_DUE', dryRun: false, clients: 0, counts: [], items: [] });
    // Even with something due at the day (the October run was missed): nothing is removed outside the months.
    const dueNow = await due('2030-12-10');
    expect(dueNow.length).toBeGreaterThan(0);
    // A dry run at such a day says so, and still lists what is due.
    const { run: dry } = await run('2030-12-10', true);
    expect(dry).toMatchObject({ status: 'NOT_DUE', dryRun: true });
    expect(keys(dry.items!)).toEqual(keys(dueNow));
    expect(await counts()).toEqual(countsBefore);
  });

  it('computes what is due in a few statements, however many clients are due (no N+1)', async () => {
    const before = t.database.statements.count;
    const items = await due('2031-03-01');
    const statements = t.database.statements.count - before;
    expect(new Set(items.map((i) => i.clientId)).size).toBeGreaterThan(20);
    // The configuration (2), the record groups (1), the references between them (1), the log (a few).
    expect(statements).toBeLessThanOrEqual(8);
  });

  it('on 1 March a dry run lists what is due and changes nothing', async () => {
    fakeNow = new Date('2031-03-01T08:00:00Z');
    before = await counts();
    const listed = await due();
    const result = await run('2031-03-01', true);
    dryRun = result.run;
    expect(dryRun).toMatchObject({ status: 'DRY_RUN', dryRun: true, approvedBy: ADMIN, failedClients: 0 });
    expect(dryRun.finishedAt).not.toBeNull();
    expect(keys(dryRun.items!)).toEqual(keys(listed));
    expect(ofClient(dryRun.items!, ended.clientId)).toHaveLength(12);
    expect(dryRun.clients).toBe(new Set(listed.map((i) => i.clientId)).size);
    expect(await counts()).toEqual(before);
    const [row] = await db().select().from(disposalRuns).where(eq(disposalRuns.id, dryRun.id));
    expect(row).toMatchObject({ status: 'DRY_RUN', organisationId: REGION, approvedBy: ADMIN });
  });

  it('the real run removes exactly what the dry run listed, logs one DELETE per removed row and leaves the rest', async () => {
    const disposedClients = [...new Set(dryRun.items!.map((i) => i.clientId))];
    const othersBefore = await othersFingerprint(disposedClients);
    const seqBefore = await maxSeq();
    const logBefore = await logDigest(seqBefore);
    const statisticsBefore = await statisticsTotals();
    const keyOf = async (id: string) => (await db().select({ key: clients.statisticsKey }).from(clients).where(eq(clients.id, id)))[0]!.key;
    const [endedKey, partlyKey] = [await keyOf(ended.clientId), await keyOf(partly.clientId)];
    const { run: real, requestId } = await run('2031-03-01', false);
    expect(real).toMatchObject({ status: 'COMPLETED', dryRun: false, failedClients: 0, approvedBy: ADMIN });
    expect(keys(real.items!)).toEqual(keys(dryRun.items!));
    expect(real.counts).toEqual(dryRun.counts);

    // Every table lost exactly the listed records (the run's DELETE counts by record type).
    const after = await counts();
    for (const type of Object.keys(PRIMARY)) {
      const listed = dryRun.items!.filter((i) => i.recordType === type && i.action === 'DELETE').reduce((n, i) => n + i.count, 0);
      expect({ type, removed: before[type]! - after[type]! }).toEqual({ type, removed: listed });
    }
    // One DELETE entry per removed row: records and their parts (care days, invoices, revisions, history).
    const removedRows = [...Object.keys(PRIMARY), ...Object.keys(PARTS)].reduce((n, name) => n + before[name]! - after[name]!, 0);
    const logged = await db().select().from(entries).where(eq(entries.requestId, requestId));
    const deletes = logged.filter((e) => e.action === 'DELETE');
    expect(deletes).toHaveLength(removedRows);
    expect(new Set(deletes.map((e) => `${e.entityType}/${e.entityId}`)).size).toBe(removedRows);
    for (const e of deletes) {
      expect(disposedClients).toContain(e.clientId);
      expect(e).toMatchObject({ outcome: 'ALLOWED', actorRole: 'REGISTRAR', actorKind: 'USER', actorId: ADMIN });
      expect(e.reason).toContain(`disposal run ${real.id}`);
    }
    expect(logged.filter((e) => e.action === 'CREATE').map((e) => [e.entityType, e.entityId])).toEqual([['DisposalRun', real.id]]);
    // The fixture's rows are all gone, each logged.
    const fixtureRows = deletes.filter((e) => e.clientId === ended.clientId).map((e) => e.entityType).sort();
    expect(fixtureRows).toEqual(
      [
        'CareDay',
        'CareDay',
        'CareDay',
        'Client',
        'ClientRelationship',
        'Commission',
        'Consent',
        'DataSubjectRequest',
        'Decision',
        'Disclosure',
        'Document',
        'DocumentRevision',
        'DocumentRevision',
        'Guardian',
        'Invoice',
        'Medication',
        'PaymentCommitment',
        'Placement',
        'Revision',
      ].sort(),
    );
    expect(await db().select().from(clients).where(eq(clients.id, ended.clientId))).toEqual([]);

    // The access log: nothing earlier touched, the chain intact.
    expect(await logDigest(seqBefore)).toEqual(logBefore);
    const chain = await t.execute<{ verifyAuditChain: { ok: boolean } }>({ as: 'dpo', query: '{ verifyAuditChain { ok } }' });
    expect(chain.data?.verifyAuditChain.ok).toBe(true);

    // Other clients untouched; the partly due client keeps its open task and itself.
    expect(await othersFingerprint(disposedClients)).toEqual(othersBefore);
    expect(await db().select({ id: documents.id }).from(documents).where(eq(documents.clientId, partly.clientId))).toEqual([{ id: partly.documentIds[0] }]);
    expect(await db().select({ id: clientRelationships.id }).from(clientRelationships).where(eq(clientRelationships.clientId, partly.clientId))).toEqual([{ id: partly.relationshipIds[0] }]);
    expect(await db().select({ id: guardians.id }).from(guardians).where(eq(guardians.clientId, partly.clientId))).toEqual([{ id: partly.guardianId }]);
    expect(await db().select({ id: clients.id }).from(clients).where(eq(clients.id, DEMO.clients.childWelfareOpen))).toHaveLength(1);
    // The statistics facts were kept before the records went (the partly due client's too): the figures stay.
    expect(after['disposedEvents']!).toBeGreaterThan(before['disposedEvents']!);
    expect(await statisticsTotals()).toEqual(statisticsBefore);
    // The partly due client's kept facts carry its statistics key, the key its live records are counted under
    // (one person, not two); the removed client's key went with its row, so its facts link to no one.
    const keptOf = async (key: string) => (await db().select().from(disposedEvents).where(eq(disposedEvents.disposalRunId, real.id))).filter((e) => e.personKey === key);
    expect((await keptOf(partlyKey)).map((e) => `${e.kind}/${e.serviceTask}`).sort()).toEqual(['RELATIONSHIP/FAMILY_SERVICES']);
    expect((await keptOf(endedKey)).map((e) => e.kind).sort()).toEqual(['CARE_DAYS', 'DATA_SUBJECT_REQUEST', 'DECISION', 'PLACEMENT', 'RELATIONSHIP']);
    expect(await db().select({ id: clients.id }).from(clients).where(inArray(clients.statisticsKey, [endedKey]))).toEqual([]);
    expect([endedKey, partlyKey]).not.toContain(ended.clientId);
    const [runRow] = await db().select().from(disposalRuns).where(eq(disposalRuns.id, real.id));
    expect(runRow).toMatchObject({ status: 'COMPLETED', clients: disposedClients.length, failedClients: 0 });
  });

  it('a second run the same day finds nothing left to remove', async () => {
    const { run: again } = await run('2031-03-01', false);
    expect(again).toMatchObject({ status: 'COMPLETED', clients: 0, counts: [], items: [] });
  });

  it('the auditor sees the runs, newest first, without their items', async () => {
    const result = await t.execute<{ disposalRuns: Run[] }>({ as: 'dpo', query: RUNS, variables: { first: 3 } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.disposalRuns.map((r) => [r.status, r.dryRun, r.items])).toEqual([
      ['COMPLETED', false, null],
      ['COMPLETED', false, null],
      ['DRY_RUN', true, null],
    ]);
  });
});

describe('records still in force, or asked for, are not disposed of', () => {
  const DAY = '2031-03-01';
  beforeAll(() => {
    fakeNow = new Date('2031-03-01T08:00:00Z');
  });
  const remaining = async (clientId: string) => (await db().select({ id: clients.id }).from(clients).where(eq(clients.id, clientId))).length;

  it('an open commission or placement, or one ending later, keeps its task and the client, as an open relationship does', async () => {
    // Each: the only relationship ended long ago, the service lasts (a commission to majakka, a placement).
    const openCommission = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);
    await db().update(commissions).set({ endsOn: null }).where(eq(commissions.clientId, openCommission.clientId));
    const laterCommission = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);
    await db().update(commissions).set({ endsOn: '2031-03-02' }).where(eq(commissions.clientId, laterCommission.clientId));
    const openPlacement = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);
    await db().update(placements).set({ endsOn: null }).where(eq(placements.id, openPlacement.placementId));
    // In force in child welfare only: the ended family-services task is due, the client and child welfare stay.
    const partlyInForce = await fixture([
      { unitId: CHILD_WELFARE, endedOn: '2029-11-10' },
      { unitId: FAMILY, endedOn: '2029-11-10' },
    ]);
    await db().update(placements).set({ endsOn: '2032-01-31' }).where(eq(placements.id, partlyInForce.placementId));
    const control = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);

    const items = await due(DAY);
    for (const held of [openCommission, laterCommission, openPlacement]) expect(ofClient(items, held.clientId)).toEqual([]);
    expect(ofClient(items, partlyInForce.clientId).map((i) => `${i.serviceTask}/${i.recordType}`).sort()).toEqual(['FAMILY_SERVICES/DOCUMENT', 'FAMILY_SERVICES/RELATIONSHIP']);
    expect(ofClient(items, control.clientId)).toHaveLength(12);

    const { run: real } = await run(DAY, false);
    expect(new Set(real.items!.map((i) => i.clientId))).toEqual(new Set([partlyInForce.clientId, control.clientId]));
    for (const held of [openCommission, laterCommission, openPlacement, partlyInForce]) expect(await remaining(held.clientId)).toBe(1);
    expect(await db().select({ id: placements.id }).from(placements).where(eq(placements.id, partlyInForce.placementId))).toHaveLength(1);
    expect(await remaining(control.clientId)).toBe(0);

    // Once the commission has ended and its retention has run, it is due like any other.
    await db().update(commissions).set({ endsOn: '2029-11-10' }).where(eq(commissions.clientId, openCommission.clientId));
    expect(ofClient(await due(DAY), openCommission.clientId)).toHaveLength(12);
    // The commission that ended after the relationship: retention counts from its end (a year, then the next 1 October).
    expect(ofClient(await due('2032-03-01'), laterCommission.clientId)).toEqual([]);
    const later = ofClient(await due('2032-10-01'), laterCommission.clientId);
    expect(later).toHaveLength(12);
    for (const item of later) expect(item).toMatchObject({ retentionEndedOn: '2032-03-02', dueOn: '2032-10-01' });
  });

  it.each(['RECEIVED', 'EXTENDED'] as const)('a client with a %s data-subject request is kept whole until it is decided', async (status) => {
    const client = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2029-11-10' }]);
    const [request] = await db()
      .insert(dataSubjectRequests)
      .values({ clientId: client.clientId, unitId: CHILD_WELFARE, kind: 'ACCESS', status, receivedOn: '2031-02-20', requesterKind: 'CLIENT', subject: 'Kaikki tiedot' })
      .returning();
    expect(ofClient(await due(DAY), client.clientId)).toEqual([]);
    const dry = await run(DAY, true);
    expect(ofClient(dry.run.items!, client.clientId)).toEqual([]);
    const real = await run(DAY, false);
    expect(ofClient(real.run.items!, client.clientId)).toEqual([]);
    expect(await remaining(client.clientId)).toBe(1);
    expect(await db().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.clientId, client.clientId))).toHaveLength(2);

    // Decided: the client is due again, and goes.
    await db().update(dataSubjectRequests).set({ status: 'GRANTED', outcome: 'GRANTED', decidedOn: '2031-02-27' }).where(eq(dataSubjectRequests.id, request!.id));
    expect(ofClient(await due(DAY), client.clientId).find((i) => i.recordType === 'DATA_SUBJECT_REQUEST')).toMatchObject({ count: 2 });
    await run(DAY, false);
    expect(await remaining(client.clientId)).toBe(0);
  });
});

describe('an ANONYMISE class keeps the rows without what identifies the person', () => {
  let client: Fixture;
  beforeAll(async () => {
    fakeNow = new Date('2031-03-01T08:00:00Z');
    await configure({
      classes: [
        { trigger: 'RELATIONSHIP_END', retainMonths: 12, action: 'DELETE', legalSource: SEED_003_SOURCE },
        { recordType: 'DOCUMENT', trigger: 'RELATIONSHIP_END', retainMonths: 12, action: 'ANONYMISE', legalSource: 'Arkistonmuodostussuunnitelma: asiakirjat tilastointia varten' },
      ],
      disposalMonths: [],
    });
    client = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2030-01-15' }]);
  });

  it('anonymises the documents, and the client and relationship they refer to; removes the rest', async () => {
    const statisticsBefore = await statisticsTotals();
    const { run: result, requestId } = await run('2031-03-01', false);
    expect(await statisticsTotals()).toEqual(statisticsBefore);
    expect(result.status).toBe('COMPLETED');
    expect(keys(result.items!)).toEqual(
      keys(
        ['CLIENT/ANONYMISE', 'GUARDIAN/DELETE', 'DOCUMENT/ANONYMISE', 'CONSENT/DELETE', 'COMMISSION/DELETE', 'DISCLOSURE/DELETE', 'DATA_SUBJECT_REQUEST/DELETE', 'DECISION/DELETE', 'PLACEMENT/DELETE', 'FINANCIAL/DELETE', 'MEDICATION/DELETE'].map((k) => {
          const [recordType, action] = k.split('/') as [string, string];
          return { clientId: client.clientId, serviceTask: recordType === 'CLIENT' || recordType === 'GUARDIAN' ? null : 'CHILD_WELFARE', recordType, action, count: 1 } as Item;
        }),
      ),
    );
    const [row] = await db().select().from(clients).where(eq(clients.id, client.clientId));
    expect(row).toMatchObject({
      firstName: null,
      lastName: null,
      pseudonym: 'anonymised',
      personalIdentityCode: null,
      dateOfBirth: '1990-01-01',
      streetAddress: null,
      postalCode: null,
      postOffice: null,
      phone: null,
      email: null,
      nationality: null,
      maritalStatus: null,
      municipality: 'Tampere',
    });
    const [document] = await db().select().from(documents).where(eq(documents.id, client.documentIds[0]!));
    expect(document).toMatchObject({ title: 'anonymised', body: '', type: 'CASE_NOTE', relationshipId: client.relationshipIds[0] });
    const docRevisions = await db().select().from(documentRevisions).where(eq(documentRevisions.documentId, client.documentIds[0]!));
    expect(docRevisions.map((r) => [r.revision, r.title, r.body, r.reason]).sort()).toEqual([
      [1, 'anonymised', '', null],
      [2, 'anonymised', '', 'anonymised'],
    ]);
    expect(await db().select().from(clientRelationships).where(eq(clientRelationships.clientId, client.clientId))).toHaveLength(1);
    expect(await db().select().from(decisions).where(eq(decisions.clientId, client.clientId))).toEqual([]);
    expect(await db().select().from(guardians).where(eq(guardians.clientId, client.clientId))).toEqual([]);
    // The history of the client's earlier values is gone with them.
    expect(await db().select().from(revisions).where(eq(revisions.entityId, client.clientId))).toEqual([]);
    const logged = await db().select().from(entries).where(eq(entries.requestId, requestId));
    const updates = logged.filter((e) => e.action === 'UPDATE' && e.clientId === client.clientId);
    expect(updates.map((e) => e.entityType).sort()).toEqual(['Client', 'Document', 'DocumentRevision', 'DocumentRevision']);
    expect(updates.find((e) => e.entityType === 'Client')!.fields).toEqual(expect.arrayContaining(['personalIdentityCode', 'firstName', 'address']));
    // Once anonymised, nothing is due again.
    expect(ofClient(await due(), client.clientId)).toEqual([]);
  });
});

describe('npm run disposal (the scheduled run, as SYSTEM)', () => {
  it('disposes of what is due in each configured organisation, logged as SYSTEM with no approver', async () => {
    fakeNow = new Date('2031-03-01T08:00:00Z');
    const client = await fixture([{ unitId: FAMILY, endedOn: '2030-01-15' }]);
    const seq = await maxSeq();
    const lines: string[] = [];
    const code = await runDisposalCommand(['--operator', 'cron'], t.database, (line) => lines.push(line), () => fakeNow);
    expect(code).toBe(0);
    expect(lines.find((l) => l.startsWith('region:'))).toMatch(/^region: COMPLETED as of 2031-03-01: 1 clients; /);
    // No classes: nothing is ever due there.
    expect(lines).toContain('majakka: no retention classes, nothing is ever due (skipped).');
    const [runRow] = await db().select().from(disposalRuns).where(eq(disposalRuns.organisationId, REGION)).orderBy(sql`${disposalRuns.startedAt} DESC`).limit(1);
    expect(runRow).toMatchObject({ status: 'COMPLETED', approvedBy: null, dryRun: false, clients: 1 });
    const logged = await db().select().from(entries).where(gt(entries.seq, seq));
    const ofClientRows = logged.filter((e) => e.clientId === client.clientId);
    expect(ofClientRows.length).toBeGreaterThan(0);
    for (const e of logged) expect(e).toMatchObject({ actorKind: 'SYSTEM', actorId: 'cli:cron', actorRole: 'REGISTRAR', organisationId: REGION });
    expect(ofClientRows.some((e) => e.action === 'DELETE' && e.entityType === 'Decision')).toBe(true);
    expect(logged.some((e) => e.action === 'CREATE' && e.entityType === 'DisposalRun' && e.entityId === runRow!.id)).toBe(true);
    expect(await db().select().from(decisions).where(inArray(decisions.id, [client.decisionId]))).toEqual([]);
  });

  it('prints its usage, and refuses a day that does not exist before touching the database', async () => {
    const lines: string[] = [];
    expect(await runDisposalCommand(['--help'], t.database, (line) => lines.push(line))).toBe(0);
    expect(lines.join('\n')).toMatch(/--as-of <YYYY-MM-DD>/);
    for (const day of ['2031-02-30', '2031-13-01', '1.3.2031']) expect(() => parseDisposalArgs(['--as-of', day])).toThrow('--as-of must be a calendar day written YYYY-MM-DD.');
    expect(parseDisposalArgs(['--as-of', '2031-03-01', '--dry-run', '--organisation', 'region', '--operator', 'cron'])).toEqual({
      asOf: '2031-03-01',
      dryRun: true,
      organisationCode: 'region',
      operator: 'cron',
    });
  });

  it('a day later than today is refused as for the registrar', async () => {
    await expect(runDisposalCommand(['--as-of', '2031-03-02', '--operator', 'cron'], t.database, () => {}, () => fakeNow)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'asOf' } });
  });
});

describe('a client whose transaction fails is counted and left whole', () => {
  it('disposes of the others and records the run as PARTIAL', async () => {
    fakeNow = new Date('2031-03-01T08:00:00Z');
    const stuck = await fixture([{ unitId: CHILD_WELFARE, endedOn: '2030-01-15' }]);
    const fine = await fixture([{ unitId: FAMILY, endedOn: '2030-01-15' }]);
    // A record of another (still served) client refers to the due client's decision: a reference the plan does
    // not know, so the database refuses the removal and the client's transaction rolls back.
    const other = await fixture([{ unitId: CHILD_WELFARE, endedOn: null }]);
    await db().update(placements).set({ decisionId: stuck.decisionId }).where(eq(placements.id, other.placementId));
    const rowsOf = async (clientId: string) => {
      const out: Record<string, number> = {};
      for (const [type, table] of Object.entries(PRIMARY)) {
        const column = type === 'CLIENT' ? sql.raw('id') : sql.raw('client_id');
        const result = await db().execute(sql`SELECT count(*)::int AS n FROM ${table} t WHERE ${column} = ${clientId}::uuid`);
        out[type] = Number(((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[])[0]!.n);
      }
      return out;
    };
    const stuckBefore = await rowsOf(stuck.clientId);
    const { run: partial, requestId } = await run('2031-03-01', false);
    expect(partial).toMatchObject({ status: 'PARTIAL', failedClients: 1, clients: 1 });
    expect(new Set(partial.items!.map((i) => i.clientId))).toEqual(new Set([fine.clientId]));
    expect(await rowsOf(stuck.clientId)).toEqual(stuckBefore);
    expect(await db().select().from(clients).where(eq(clients.id, fine.clientId))).toHaveLength(1); // anonymised (DOCUMENT class), not removed
    const logged = await db().select().from(entries).where(eq(entries.requestId, requestId));
    expect(logged.filter((e) => e.clientId === stuck.clientId)).toEqual([]);
    expect(logged.some((e) => e.clientId === fine.clientId && e.action === 'DELETE')).toBe(true);
    const [row] = await db().select().from(disposalRuns).where(eq(disposalRuns.id, partial.id));
    expect(row).toMatchObject({ status: 'PARTIAL', failedClients: 1 });
    expect(row!.finishedAt).not.toBeNull();
    // The scheduled run tells cron: exit code 1.
    expect(await runDisposalCommand(['--organisation', 'region', '--operator', 'cron'], t.database, () => {}, () => fakeNow)).toBe(1);
  });
});
