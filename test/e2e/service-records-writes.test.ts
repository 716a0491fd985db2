/**
 * Issue 11, the services subgraph's register writes, end to end through the gateway: every persona of
 * ACTIVE_LOGINS × every services write of issue 11 × where its client is (a client of child welfare, one of
 * family services — another unit of the same region —, one of region-b, an archived client).
 *
 * The expectations come from the rules below, written from DESIGN §4 / §7 and issue 11 (WRITERS, `sees`,
 * `seesRecord`), not from the policy module:
 * - restrictions, assistance requests and medications are case records of a unit: its SOCIAL_WORKER or
 *   MANAGER records them in a unit serving the client (like a decision);
 * - care days, payment commitments and invoices are financial records: BILLING of the client's organisation
 *   (the clients it reaches: not archived) records them, and so does the MANAGER of the unit (a commitment
 *   for a client the unit serves; care days and invoices on the unit's placement / commitment of a client it
 *   sees); STUDENT, AUDITOR, REGISTRAR and PARTNER write none, a SOCIAL_WORKER records no money;
 * - notification (tiedoksianto) and corrections of a decision or placement: SOCIAL_WORKER / MANAGER of the
 *   record's own unit, its client visible through that grant.
 * A refusal answers NOT_FOUND when the caller sees neither the client (writes naming a client) nor the
 * record (writes naming a record by id), else FORBIDDEN; it writes nothing and leaves a DENIED entry (none
 * for another organisation's client: naming it would tell the caller's auditors who is a client there). An
 * allowed write makes exactly its change and one CREATE/UPDATE entry under the role of an allowing grant.
 */
import { DEMO_PARTNER_TOKEN, clientRelationships, clients, decisions, entries, paymentCommitments, placements, revisions } from '@vartija/db';
import { rowsOf } from '@vartija/kit';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, SwitchableAuditSink, type TestStack } from '../testkit';

let t: TestStack;
/** The real chained sink, with a switch to make the log write fail on demand. */
const auditLog = new SwitchableAuditSink(() => t.database);
const db = () => t.database.db;

beforeAll(async () => {
  t = await startTestStack({
    auditSink: auditLog,
  });
}, 120_000);
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// The world (from the seed's DEMO)
// ---------------------------------------------------------------------------------------------

type UnitKey = 'child' | 'family' | 'adult' | 'bChild';
type OrgKey = 'region' | 'region-b' | 'majakka';
type Role = 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT' | 'BILLING' | 'AUDITOR' | 'REGISTRAR' | 'PARTNER';
const UNIT_CODE = { child: 'child-welfare', family: 'family-services', adult: 'adult-services', bChild: 'b-child-welfare' } as const;
const UNIT_ID = Object.fromEntries(Object.entries(UNIT_CODE).map(([k, code]) => [k, DEMO.units[code].id])) as Record<UnitKey, string>;
const UNIT_OF_CODE = new Map(Object.entries(UNIT_CODE).map(([k, code]) => [code as string, k as UnitKey]));
const UNIT_OF_ID = new Map(Object.entries(UNIT_ID).map(([k, id]) => [id, k as UnitKey]));
const ORG_ID: Record<OrgKey, string> = {
  region: DEMO.organisations.region.id,
  'region-b': DEMO.organisations['region-b'].id,
  majakka: DEMO.organisations.majakka.id,
};
const TASK = { child: 'CHILD_WELFARE', family: 'FAMILY_SERVICES', adult: 'ADULT_SOCIAL_WORK', bChild: 'CHILD_WELFARE' } as const;

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
const PERSONAS: Persona[] = ACTIVE_LOGINS.map((login) => {
  if (login === 'majakka') return { login, userId: null, org: 'majakka', grants: [{ role: 'PARTNER', unit: null, org: 'majakka' }] };
  const user = DEMO.users[login];
  const grants = user.grants
    .filter((g) => g.validFromDays <= 0 && (g.validUntilDays === null || g.validUntilDays > 0))
    .map((g) => ({ role: g.role as Role, unit: g.unit ? UNIT_OF_CODE.get(g.unit)! : null, org: user.organisation as OrgKey }));
  return { login, userId: user.id, org: user.organisation as OrgKey, grants };
});
const as = (p: Persona) => (p.login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: p.login });

// ---------------------------------------------------------------------------------------------
// The targets and THE RULES
// ---------------------------------------------------------------------------------------------

type TargetKey = 'own' | 'otherUnit' | 'regionB' | 'archived';
interface Target {
  description: string;
  org: OrgKey;
  unit: UnitKey;
  /** open: served by the unit; archived: its only relationship ended ~18 months ago (beyond the window). */
  state: 'open' | 'archived';
}
const TARGETS: Record<TargetKey, Target> = {
  own: { description: 'client of child welfare', org: 'region', unit: 'child', state: 'open' },
  otherUnit: { description: 'client of family services', org: 'region', unit: 'family', state: 'open' },
  regionB: { description: 'client of region-b', org: 'region-b', unit: 'bChild', state: 'open' },
  archived: { description: 'archived client (child welfare)', org: 'region', unit: 'child', state: 'archived' },
};

/** DESIGN §4 row rule and §1 archive: which clients a grant reaches. */
function sees(g: PersonaGrant, c: Target): boolean {
  switch (g.role) {
    case 'SOCIAL_WORKER':
    case 'MANAGER':
    case 'STUDENT':
      return g.unit === c.unit && c.state !== 'archived';
    case 'BILLING':
    case 'AUDITOR':
      return g.org === c.org && c.state !== 'archived';
    case 'REGISTRAR':
      return g.org === c.org && c.state === 'archived';
    case 'PARTNER':
      return false; // none of these clients is commissioned to majakka
  }
}

type RecordKind = 'Decision' | 'Placement' | 'PaymentCommitment';
/** Records (all in the client's unit) a grant reaches: unit staff their unit's (students no money), billing placements and money. */
function seesRecord(g: PersonaGrant, c: Target, kind: RecordKind): boolean {
  if (!sees(g, c)) return false;
  switch (g.role) {
    case 'SOCIAL_WORKER':
    case 'MANAGER':
      return true;
    case 'STUDENT':
      return kind !== 'PaymentCommitment';
    case 'BILLING':
      return kind !== 'Decision';
    default:
      return false;
  }
}

const MUTATIONS = [
  'recordRestriction',
  'recordAssistanceRequest',
  'recordMedication',
  'recordCareDays',
  'recordPaymentCommitment',
  'recordInvoice',
  'setDecisionNotified',
  'updateDecision',
  'updatePlacement',
] as const;
type Mutation = (typeof MUTATIONS)[number];

/** What a grant must meet: inUnit (the grant's unit is the record's), serves (that unit serves the client), sees (the grant sees the client). */
type Condition = 'inUnit' | 'serves' | 'sees';
const UNIT_STAFF = (...c: Condition[]) => ({ SOCIAL_WORKER: c, MANAGER: c });
const WRITERS: Record<Mutation, Partial<Record<Role, Condition[]>>> = {
  recordRestriction: UNIT_STAFF('inUnit', 'serves'),
  recordAssistanceRequest: UNIT_STAFF('inUnit', 'serves'),
  recordMedication: UNIT_STAFF('inUnit', 'serves'),
  recordCareDays: { BILLING: ['sees'], MANAGER: ['inUnit', 'sees'] },
  recordPaymentCommitment: { BILLING: ['sees'], MANAGER: ['inUnit', 'serves'] },
  recordInvoice: { BILLING: ['sees'], MANAGER: ['inUnit', 'sees'] },
  setDecisionNotified: UNIT_STAFF('inUnit', 'sees'),
  updateDecision: UNIT_STAFF('inUnit', 'sees'),
  updatePlacement: UNIT_STAFF('inUnit', 'sees'),
};
/** The record a mutation names by id (its refusal is NOT_FOUND unless the caller sees that record); others name the client. */
const NAMES_RECORD: Partial<Record<Mutation, RecordKind>> = {
  recordCareDays: 'Placement',
  recordInvoice: 'PaymentCommitment',
  setDecisionNotified: 'Decision',
  updateDecision: 'Decision',
  updatePlacement: 'Placement',
};
const ENTRY_OF: Record<Mutation, string> = {
  recordRestriction: 'CREATE Restriction',
  recordAssistanceRequest: 'CREATE AssistanceRequest',
  recordMedication: 'CREATE Medication',
  recordCareDays: 'CREATE CareDay',
  recordPaymentCommitment: 'CREATE PaymentCommitment',
  recordInvoice: 'CREATE Invoice',
  setDecisionNotified: 'UPDATE Decision',
  updateDecision: 'UPDATE Decision',
  updatePlacement: 'UPDATE Placement',
};

type Answer = 'ALLOWED' | 'FORBIDDEN' | 'NOT_FOUND';
interface Cell {
  persona: Persona;
  mutation: Mutation;
  target: TargetKey;
  answer: Answer;
  allowing: PersonaGrant[];
  title: string;
}

function expectCell(persona: Persona, mutation: Mutation, key: TargetKey): Cell {
  const c = TARGETS[key];
  const holds = (g: PersonaGrant, condition: Condition) =>
    condition === 'inUnit' ? g.unit === c.unit : condition === 'serves' ? c.state === 'open' : sees(g, c);
  const allowing = persona.grants.filter((g) => WRITERS[mutation][g.role]?.every((condition) => holds(g, condition)) ?? false);
  const record = NAMES_RECORD[mutation];
  const visible = persona.grants.some((g) => (record ? seesRecord(g, c, record) : sees(g, c)));
  const answer: Answer = allowing.length > 0 ? 'ALLOWED' : visible ? 'FORBIDDEN' : 'NOT_FOUND';
  const as = allowing.map((g) => `${g.role}@${g.unit ?? 'organisation'}`).join(' | ');
  return { persona, mutation, target: key, answer, allowing, title: `${mutation} · ${c.description} → ${answer}${as ? ` (as ${as})` : ''}` };
}

const CELLS: Cell[] = PERSONAS.flatMap((p) => MUTATIONS.flatMap((m) => (Object.keys(TARGETS) as TargetKey[]).map((k) => expectCell(p, m, k))));

// ---------------------------------------------------------------------------------------------
// Fixtures: per persona and target a client with two decisions, a placement and a commitment
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

interface Fixture {
  clientId: string;
  unit: UnitKey;
  notifyDecision: string;
  updateDecision: string;
  placement: string;
  commitment: string;
}

async function insertFixture(key: TargetKey, label: string): Promise<Fixture> {
  const c = TARGETS[key];
  const f: Fixture = { clientId: randomUUID(), unit: c.unit, notifyDecision: randomUUID(), updateDecision: randomUUID(), placement: randomUUID(), commitment: randomUUID() };
  const unitId = UNIT_ID[c.unit];
  await db().insert(clients).values({ id: f.clientId, organisationId: ORG_ID[c.org], firstName: 'Palvelu', lastName: `Kirjaus ${label}`, municipality: 'Tampere' });
  await db()
    .insert(clientRelationships)
    .values({
      clientId: f.clientId,
      unitId,
      serviceTask: TASK[c.unit],
      startedOn: c.state === 'open' ? day(-300) : day(-900),
      endedOn: c.state === 'open' ? null : day(-548),
    });
  const decided = new Date(Date.now() - (c.state === 'open' ? 100 : 800) * DAY_MS);
  const decision = { clientId: f.clientId, unitId, type: 'OPEN_CARE_SUPPORT' as const, legalAct: 'Lastensuojelulaki 417/2007', legalSection: '36 §', decidedAt: decided, content: 'Alkuperäinen päätös.' };
  await db()
    .insert(decisions)
    .values([
      { id: f.notifyDecision, ...decision },
      { id: f.updateDecision, ...decision },
    ]);
  const starts = c.state === 'open' ? day(-90) : day(-800);
  await db()
    .insert(placements)
    .values({ id: f.placement, clientId: f.clientId, unitId, kind: 'FAMILY_CARE', providerName: 'Alkuperäinen perhekoti', startsOn: starts, endsOn: c.state === 'open' ? null : day(-600) });
  await db()
    .insert(paymentCommitments)
    .values({ id: f.commitment, clientId: f.clientId, unitId, placementId: f.placement, amountCents: 500_000, validFrom: starts });
  return f;
}

/** The request a cell sends (the data is valid: only the policy decides). */
function requestOf(m: Mutation, f: Fixture, open: boolean): { query: string; variables: Record<string, unknown> } {
  const unitId = UNIT_ID[f.unit];
  // The archived client's placement ended long ago: a care day within it.
  const careDay = open ? day(-10) : day(-700);
  const period = open ? [day(-40), day(-11)] : [day(-760), day(-731)];
  switch (m) {
    case 'recordRestriction':
      return {
        query: `mutation M($input: RecordRestrictionInput!) { recordRestriction(input: $input) { id kind reason startsAt endsAt } }`,
        variables: { input: { clientId: f.clientId, unitId, kind: 'CONFISCATION', reason: 'Päihteiden takavarikointi.', startsAt: hoursAgo(5), endsAt: hoursAgo(1) } },
      };
    case 'recordAssistanceRequest':
      return {
        query: `mutation M($input: RecordAssistanceRequestInput!) { recordAssistanceRequest(input: $input) { id requestedFrom status } }`,
        variables: { input: { clientId: f.clientId, unitId, requestedFrom: 'Sisä-Suomen poliisilaitos', reason: 'Kotikäynti.', requestedAt: hoursAgo(2) } },
      };
    case 'recordMedication':
      return {
        query: `mutation M($input: RecordMedicationInput!) { recordMedication(input: $input) { id medicine dose } }`,
        variables: { input: { clientId: f.clientId, unitId, medicine: 'Melatoniini', dose: '3 mg', givenAt: hoursAgo(3), givenBy: 'Ohjaaja' } },
      };
    case 'recordCareDays':
      return {
        query: `mutation M($p: ID!, $days: [CareDayInput!]!) { recordCareDays(placementId: $p, days: $days) { id day costCents } }`,
        variables: { p: f.placement, days: [{ day: careDay, costCents: 12_000 }] },
      };
    case 'recordPaymentCommitment':
      return {
        query: `mutation M($input: RecordPaymentCommitmentInput!) { recordPaymentCommitment(input: $input) { id amountCents validFrom } }`,
        variables: { input: { clientId: f.clientId, unitId, amountCents: 250_000, validFrom: day(0) } },
      };
    case 'recordInvoice':
      return {
        query: `mutation M($input: RecordInvoiceInput!) { recordInvoice(input: $input) { id amountCents status } }`,
        variables: { input: { paymentCommitmentId: f.commitment, periodStart: period[0], periodEnd: period[1], amountCents: 360_000, status: 'SENT' } },
      };
    case 'setDecisionNotified':
      return {
        query: `mutation M($id: ID!, $on: Date!) { setDecisionNotified(id: $id, notifiedOn: $on, method: LETTER_WITH_RECEIPT) { id notifiedOn notificationMethod version } }`,
        variables: { id: f.notifyDecision, on: day(0) },
      };
    case 'updateDecision':
      return {
        query: `mutation M($id: ID!, $input: UpdateDecisionInput!) { updateDecision(id: $id, expectedVersion: 1, input: $input, reason: "Kirjoitusvirhe") { id content version } }`,
        variables: { id: f.updateDecision, input: { content: 'Korjattu päätös.' } },
      };
    case 'updatePlacement':
      return {
        query: `mutation M($id: ID!, $input: UpdatePlacementInput!) { updatePlacement(id: $id, expectedVersion: 1, input: $input, reason: "Väärä perhekoti") { id providerName version } }`,
        variables: { id: f.placement, input: { providerName: 'Korjattu perhekoti' } },
      };
  }
}

/** What each mutation changes on its fixture: the one slot it may touch. */
async function slots(f: Fixture): Promise<Record<Mutation, string>> {
  const [row] = rowsOf<Record<string, string | number | null>>(
    await db().execute(sql`SELECT
      (SELECT count(*)::int FROM services.restrictions WHERE client_id = ${f.clientId}) AS restrictions,
      (SELECT count(*)::int FROM services.assistance_requests WHERE client_id = ${f.clientId}) AS assistance,
      (SELECT count(*)::int FROM services.medications WHERE client_id = ${f.clientId}) AS medications,
      (SELECT count(*)::int FROM services.care_days WHERE placement_id = ${f.placement}) AS care_days,
      (SELECT count(*)::int FROM services.payment_commitments WHERE client_id = ${f.clientId}) AS commitments,
      (SELECT count(*)::int FROM services.invoices WHERE payment_commitment_id = ${f.commitment}) AS invoices,
      (SELECT version || ' ' || coalesce(notified_on::text, '-') || ' ' || coalesce(notification_method, '-') FROM services.decisions WHERE id = ${f.notifyDecision}) AS notified,
      (SELECT version || ' ' || content FROM services.decisions WHERE id = ${f.updateDecision}) AS updated,
      (SELECT version || ' ' || provider_name || ' ' || starts_on::text FROM services.placements WHERE id = ${f.placement}) AS placement,
      (SELECT count(*)::int FROM history.revisions WHERE entity_id = ${f.notifyDecision}) AS h_notified,
      (SELECT count(*)::int FROM history.revisions WHERE entity_id = ${f.updateDecision}) AS h_updated,
      (SELECT count(*)::int FROM history.revisions WHERE entity_id = ${f.placement}) AS h_placement`),
  );
  const r = row!;
  return {
    recordRestriction: `restrictions=${r['restrictions']}`,
    recordAssistanceRequest: `assistanceRequests=${r['assistance']}`,
    recordMedication: `medications=${r['medications']}`,
    recordCareDays: `careDays=${r['care_days']}`,
    recordPaymentCommitment: `paymentCommitments=${r['commitments']}`,
    recordInvoice: `invoices=${r['invoices']}`,
    setDecisionNotified: `decision ${r['notified']} history=${r['h_notified']}`,
    updateDecision: `decision ${r['updated']} history=${r['h_updated']}`,
    updatePlacement: `placement ${r['placement']} history=${r['h_placement']}`,
  };
}

/** The slot after an allowed write, from the slot before. */
function afterAllowed(m: Mutation, before: string): string {
  const bump = (s: string) => s.replace(/=(\d+)$/, (_x, n: string) => `=${Number(n) + 1}`);
  switch (m) {
    case 'setDecisionNotified':
      return `decision 2 ${day(0)} LETTER_WITH_RECEIPT history=1`;
    case 'updateDecision':
      return 'decision 2 Korjattu päätös. history=1';
    case 'updatePlacement':
      return before.replace(/^placement 1 Alkuperäinen perhekoti (\S+) history=0$/, 'placement 2 Korjattu perhekoti $1 history=1');
    default:
      return bump(before);
  }
}

const grantName = (role: string | null, unitId: string | null) => `${role ?? 'none'}@${unitId ? (UNIT_OF_ID.get(unitId) ?? unitId) : 'organisation'}`;

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

describe('services record writes: persona × mutation × target (DESIGN §4, issue 11)', () => {
  it('has every cell of the table', () => {
    expect(CELLS).toHaveLength(ACTIVE_LOGINS.length * MUTATIONS.length * 4);
    // The table is not trivially one-sided.
    expect(CELLS.filter((c) => c.answer === 'ALLOWED').length).toBeGreaterThan(30);
    expect(CELLS.filter((c) => c.answer === 'FORBIDDEN').length).toBeGreaterThan(30);
  });

  describe.each(PERSONAS.map((p) => [p.login, p] as const))('%s', (_login, persona) => {
    const observed = new Map<string, { answer: string; slotBefore: string; slotAfter: string; writes: string[]; denied: string[]; message?: string }>();

    beforeAll(async () => {
      const keys = Object.keys(TARGETS) as TargetKey[];
      const fixtures = await Promise.all(keys.map((k) => insertFixture(k, `${persona.login}-${k}`)));
      await Promise.all(
        keys.map(async (key, i) => {
          const f = fixtures[i]!;
          const before = await slots(f);
          const results = await Promise.all(MUTATIONS.map((m) => t.execute({ ...as(persona), ...requestOf(m, f, TARGETS[key].state === 'open') })));
          const after = await slots(f);
          const requestIds = results.map((r) => r.headers['x-request-id']!);
          const logged = await db().select().from(entries).where(and(inArray(entries.requestId, requestIds), ne(entries.action, 'READ')));
          MUTATIONS.forEach((m, j) => {
            const r = results[j]!;
            const mine = logged.filter((e) => e.requestId === requestIds[j]);
            // The mutation's own answer (the gateway may also answer a field the persona never reads with FORBIDDEN).
            const root = r.errors?.find((e) => e.path?.length === 1 && e.path[0] === m) ?? r.errors?.find((e) => !e.path);
            observed.set(`${m}/${key}`, {
              answer: root ? String(root.extensions?.['code']) : 'ALLOWED',
              message: root?.message ?? (r.status === 200 && r.data?.[m] ? undefined : `no answer: ${JSON.stringify(r.errors)}`),
              slotBefore: before[m],
              slotAfter: after[m],
              writes: mine.filter((e) => e.outcome === 'ALLOWED').map((e) => `${e.action} ${e.entityType} client=${e.clientId === f.clientId ? 'target' : e.clientId} as ${grantName(e.actorRole, e.unitId)}`),
              denied: [...new Set(mine.filter((e) => e.outcome === 'DENIED').map((e) => `${e.action} ${e.entityType} client=${e.clientId === f.clientId ? 'target' : e.clientId}`))],
            });
          });
        }),
      );
    }, 120_000);

    const cells = CELLS.filter((c) => c.persona === persona);
    it.each(cells.map((c) => [c.title, c] as const))('%s', (_title, cell) => {
      const o = observed.get(`${cell.mutation}/${cell.target}`)!;
      const c = TARGETS[cell.target];
      const [action, entity] = ENTRY_OF[cell.mutation].split(' ') as [string, string];
      if (cell.answer === 'ALLOWED') {
        expect({ answer: o.answer, message: o.message }).toEqual({ answer: 'ALLOWED', message: undefined });
        expect(o.slotAfter).toBe(afterAllowed(cell.mutation, o.slotBefore));
        // Exactly one entry, under a grant that allows it (an organisation-wide grant names the record's unit).
        expect(o.writes).toHaveLength(1);
        const allowed = cell.allowing.map((g) => `${action} ${entity} client=target as ${g.role}@${g.unit ?? c.unit}`);
        expect(allowed).toContain(o.writes[0]);
        expect(o.denied).toEqual([]);
      } else {
        expect(o.answer).toBe(cell.answer);
        // Nothing written, nothing logged as written.
        expect(o.slotAfter).toBe(o.slotBefore);
        expect(o.writes).toEqual([]);
        // Refusals name clients of the caller's register only: its organisation's, the partner token's issuer's.
        const namesClient = (persona.org === 'majakka' ? 'region' : persona.org) === c.org;
        expect(o.denied).toEqual(namesClient ? [`${action} ${entity} client=target`] : []);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Corrections keep history; input and state answers; what BILLING's answers carry
// ---------------------------------------------------------------------------------------------

const UPDATE_DECISION = `mutation Correct($id: ID!, $v: Int!, $input: UpdateDecisionInput!, $reason: String!) {
  updateDecision(id: $id, expectedVersion: $v, input: $input, reason: $reason) { id type legalAct legalSection content version }
}`;

describe('history: corrections keep every earlier value', () => {
  it('after 3 updateDecision corrections every earlier value is in history with author, time and reason', async () => {
    const f = await insertFixture('own', 'history');
    const steps = [
      { input: { content: 'Korjaus yksi.' }, reason: 'Ensimmäinen korjaus' },
      { input: { legalSection: '37 §', content: 'Korjaus kaksi.' }, reason: 'Väärä pykälä' },
      { input: { type: 'FAMILY_WORK', legalAct: 'Sosiaalihuoltolaki 1301/2014' }, reason: 'Väärä päätöslaji' },
    ];
    const started = Date.now();
    for (const [i, step] of steps.entries()) {
      const r = await t.execute<{ updateDecision: { version: number } }>({ as: 'mgr-child', query: UPDATE_DECISION, variables: { id: f.updateDecision, v: i + 1, ...step } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.updateDecision.version).toBe(i + 2);
    }
    const rows = await db().select().from(revisions).where(eq(revisions.entityId, f.updateDecision)).orderBy(revisions.revision);
    expect(rows.map((r) => ({ revision: r.revision, entityType: r.entityType, clientId: r.clientId, fields: r.fields, previous: r.previous, reason: r.reason, by: r.changedBy }))).toEqual([
      { revision: 1, entityType: 'Decision', clientId: f.clientId, fields: ['content'], previous: { content: 'Alkuperäinen päätös.' }, reason: 'Ensimmäinen korjaus', by: DEMO.users['mgr-child'].id },
      {
        revision: 2,
        entityType: 'Decision',
        clientId: f.clientId,
        fields: ['content', 'legalSection'],
        previous: { content: 'Korjaus yksi.', legalSection: '36 §' },
        reason: 'Väärä pykälä',
        by: DEMO.users['mgr-child'].id,
      },
      {
        revision: 3,
        entityType: 'Decision',
        clientId: f.clientId,
        fields: ['legalAct', 'type'],
        previous: { legalAct: 'Lastensuojelulaki 417/2007', type: 'OPEN_CARE_SUPPORT' },
        reason: 'Väärä päätöslaji',
        by: DEMO.users['mgr-child'].id,
      },
    ]);
    for (const r of rows) expect(r.changedAt.getTime()).toBeGreaterThanOrEqual(started - 5_000);
    const [current] = await db().select().from(decisions).where(eq(decisions.id, f.updateDecision));
    expect(current).toMatchObject({ type: 'FAMILY_WORK', legalAct: 'Sosiaalihuoltolaki 1301/2014', legalSection: '37 §', content: 'Korjaus kaksi.', version: 4 });
    // Each correction logged once as UPDATE with the fields it wrote, under the manager's grant.
    const logged = await db()
      .select()
      .from(entries)
      .where(and(eq(entries.entityId, f.updateDecision), eq(entries.action, 'UPDATE')))
      .orderBy(entries.at);
    expect(logged.map((e) => [e.outcome, e.actorRole, e.fields.slice().sort()])).toEqual([
      ['ALLOWED', 'MANAGER', ['content']],
      ['ALLOWED', 'MANAGER', ['content', 'legalSection']],
      ['ALLOWED', 'MANAGER', ['legalAct', 'type']],
    ]);
  });

  it('the history query shows them to the unit (through the history API of issue 11)', async () => {
    const f = await insertFixture('own', 'history-api');
    await t.execute({ as: 'sw-child', query: UPDATE_DECISION, variables: { id: f.updateDecision, v: 1, input: { content: 'Uusi.' }, reason: 'Selvennys' } });
    const r = await t.execute<{ history: { revision: number; reason: string; changedBy: string; changes: { field: string; previousValue: string; hidden: boolean }[] }[] }>({
      as: 'mgr-child',
      query: `query H($id: ID!) { history(entityType: "Decision", id: $id) { revision reason changedBy changedAt changes { field previousValue hidden } } }`,
      variables: { id: f.updateDecision },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.history).toEqual([
      expect.objectContaining({ revision: 1, reason: 'Selvennys', changedBy: DEMO.users['sw-child'].id, changes: [{ field: 'content', previousValue: JSON.stringify('Alkuperäinen päätös.'), hidden: false }] }),
    ]);
  });

  it('endPlacement keeps the earlier end in the history with the reason "ended"', async () => {
    const f = await insertFixture('own', 'end');
    const r = await t.execute({ as: 'sw-child', query: `mutation E($id: ID!, $on: Date!) { endPlacement(id: $id, endsOn: $on) { id endsOn version } }`, variables: { id: f.placement, on: day(0) } });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ endPlacement: { id: f.placement, endsOn: day(0), version: 2 } });
    const rows = await db().select().from(revisions).where(eq(revisions.entityId, f.placement));
    expect(rows.map((h) => [h.fields, h.previous, h.reason])).toEqual([[['endsOn'], { endsOn: null }, 'ended']]);
  });
});

describe('input and state answers', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await insertFixture('own', 'inputs');
  });

  const cases: [string, string, () => { query: string; variables: Record<string, unknown> }, string, string][] = [
    [
      'a restriction without a reason',
      'sw-child',
      () => ({ ...requestOf('recordRestriction', f, true), variables: { input: { ...(requestOf('recordRestriction', f, true).variables['input'] as object), reason: '  ' } } }),
      'BAD_USER_INPUT',
      'input.reason',
    ],
    [
      'a restriction without a duration',
      'sw-child',
      () => ({ ...requestOf('recordRestriction', f, true), variables: { input: { ...(requestOf('recordRestriction', f, true).variables['input'] as object), endsAt: null } } }),
      'BAD_USER_INPUT',
      'input.endsAt',
    ],
    ['a negative care-day cost', 'billing', () => ({ ...requestOf('recordCareDays', f, true), variables: { p: f.placement, days: [{ day: day(-3), costCents: -1 }] } }), 'BAD_USER_INPUT', 'days.0.costCents'],
    [
      'an invoice period ending before it starts',
      'billing',
      () => ({ ...requestOf('recordInvoice', f, true), variables: { input: { paymentCommitmentId: f.commitment, periodStart: day(-5), periodEnd: day(-6), amountCents: 1 } } }),
      'BAD_USER_INPUT',
      'input.periodEnd',
    ],
    ['a notification in the future', 'sw-child', () => ({ ...requestOf('setDecisionNotified', f, true), variables: { id: f.notifyDecision, on: day(2) } }), 'BAD_USER_INPUT', 'notifiedOn'],
    ['a notification before the decision', 'sw-child', () => ({ ...requestOf('setDecisionNotified', f, true), variables: { id: f.notifyDecision, on: day(-200) } }), 'BAD_USER_INPUT', 'notifiedOn'],
    [
      'a correction without a reason',
      'sw-child',
      () => ({ query: UPDATE_DECISION, variables: { id: f.updateDecision, v: 1, input: { content: 'x' }, reason: '' } }),
      'BAD_USER_INPUT',
      'reason',
    ],
  ];
  it.each(cases.map(([what, login, request, code, field]) => [`${what} (as ${login}) → ${code} naming ${field}, nothing written`, login, request, code, field] as const))('%s', async (_title, login, request, code, field) => {
    const before = await slots(f);
    const r = await t.execute({ as: login, ...request() });
    expect(codesOf(r)).toEqual([code]);
    expect(r.errors![0]!.extensions!['field']).toBe(field);
    expect(await slots(f)).toEqual(before);
  });

  it('a stale version is CONFLICT and changes nothing', async () => {
    const g = await insertFixture('own', 'stale');
    const ok = await t.execute({ as: 'sw-child', query: UPDATE_DECISION, variables: { id: g.updateDecision, v: 1, input: { content: 'Ensin.' }, reason: 'Korjaus' } });
    expect(ok.errors).toBeUndefined();
    const before = await slots(g);
    const stale = await t.execute({ as: 'mgr-child', query: UPDATE_DECISION, variables: { id: g.updateDecision, v: 1, input: { content: 'Myöhemmin.' }, reason: 'Korjaus' } });
    expect(codesOf(stale)).toEqual(['CONFLICT']);
    const placement = await t.execute({
      as: 'sw-child',
      query: `mutation P($id: ID!) { updatePlacement(id: $id, expectedVersion: 7, input: { kind: KINSHIP_CARE }, reason: "x") { id } }`,
      variables: { id: g.placement },
    });
    expect(codesOf(placement)).toEqual(['CONFLICT']);
    expect(await slots(g)).toEqual(before);
  });

  it('a care day already recorded is CONFLICT naming the day, and none of the call is recorded', async () => {
    const g = await insertFixture('own', 'care-days');
    const query = `mutation D($p: ID!, $days: [CareDayInput!]!) { recordCareDays(placementId: $p, days: $days) { day costCents } }`;
    const first = await t.execute({ as: 'billing', query, variables: { p: g.placement, days: [{ day: day(-5), costCents: 10_000 }] } });
    expect(first.errors).toBeUndefined();
    const again = await t.execute({
      as: 'mgr-child',
      query,
      variables: { p: g.placement, days: [{ day: day(-4), costCents: 10_000 }, { day: day(-5), costCents: 99 }] },
    });
    expect(codesOf(again)).toEqual(['CONFLICT']);
    expect(again.errors![0]!.message).toContain(day(-5));
    const rows = rowsOf<{ day: string; cost_cents: number }>(await db().execute(sql`SELECT day::text, cost_cents FROM services.care_days WHERE placement_id = ${g.placement} ORDER BY day`));
    expect(rows).toEqual([{ day: day(-5), cost_cents: 10_000 }]);
    // Several days at once: one CREATE entry per day, and the answer lists them in calendar order.
    const many = await t.execute<{ recordCareDays: { day: string }[] }>({
      as: 'billing',
      query,
      variables: { p: g.placement, days: [{ day: day(-2), costCents: 1 }, { day: day(-3), costCents: 1 }] },
    });
    expect(many.errors).toBeUndefined();
    expect(many.data!.recordCareDays.map((d) => d.day)).toEqual([day(-3), day(-2)]);
    const logged = await db()
      .select()
      .from(entries)
      .where(and(eq(entries.requestId, many.headers['x-request-id']!), eq(entries.action, 'CREATE')));
    expect(logged.map((e) => [e.entityType, e.actorRole, e.outcome])).toEqual([
      ['CareDay', 'BILLING', 'ALLOWED'],
      ['CareDay', 'BILLING', 'ALLOWED'],
    ]);
  });
});

describe('BILLING records money and reads no case records', () => {
  it('its answers carry no decisions, documents or other case records, and its requests read none', async () => {
    const f = await insertFixture('own', 'billing-answers');
    const requests: { query: string; variables: Record<string, unknown> }[] = [
      {
        query: `mutation A($p: ID!) { recordCareDays(placementId: $p, days: [{ day: "${day(-1)}", costCents: 100 }]) { __typename id day costCents } }`,
        variables: { p: f.placement },
      },
      {
        query: `mutation B($input: RecordPaymentCommitmentInput!) { recordPaymentCommitment(input: $input) { __typename id amountCents validFrom validUntil unit { id } invoices { id } } }`,
        variables: { input: { clientId: f.clientId, unitId: UNIT_ID.child, placementId: f.placement, amountCents: 10, validFrom: day(0) } },
      },
      {
        query: `mutation C($input: RecordInvoiceInput!) { recordInvoice(input: $input) { __typename id periodStart periodEnd amountCents status } }`,
        variables: { input: { paymentCommitmentId: f.commitment, periodStart: day(-30), periodEnd: day(-1), amountCents: 10 } },
      },
    ];
    for (const request of requests) {
      const r = await t.execute({ as: 'billing', ...request });
      expect(r.errors).toBeUndefined();
      const text = JSON.stringify(r.data);
      for (const word of ['Decision', 'Document', 'Restriction', 'Medication', 'AssistanceRequest', 'content', 'Alkuperäinen']) expect(text).not.toContain(word);
      const logged = await db().select().from(entries).where(eq(entries.requestId, r.headers['x-request-id']!));
      expect(logged.filter((e) => ['Decision', 'Document', 'DocumentRevision', 'Restriction', 'Medication', 'AssistanceRequest'].includes(e.entityType))).toEqual([]);
      expect(logged.flatMap((e) => e.categories).filter((c) => c === 'CASE_RECORD' || c === 'HEALTH')).toEqual([]);
      expect(logged.filter((e) => e.action !== 'READ').map((e) => e.actorRole)).toEqual(logged.filter((e) => e.action !== 'READ').map(() => 'BILLING'));
    }
  });

  it('a decision a placement answer could lead to stays out of reach (BILLING sees no decision by id either)', async () => {
    const f = await insertFixture('own', 'billing-decision');
    const r = await t.execute({ as: 'billing', query: UPDATE_DECISION, variables: { id: f.updateDecision, v: 1, input: { content: 'x' }, reason: 'x' } });
    expect(codesOf(r)).toEqual(['NOT_FOUND']);
    expect(r.errors![0]!.message).toBe(`Decision ${f.updateDecision} was not found`);
  });
});

describe('me.permissions shows the new writes', () => {
  const PERMISSIONS = `{ me { permissions { subject actions } } }`;
  const actionsOf = async (login: string) => {
    const r = await t.execute<{ me: { permissions: { subject: string; actions: string[] }[] } }>({ as: login, query: PERMISSIONS });
    expect(r.errors).toBeUndefined();
    return Object.fromEntries(r.data!.me.permissions.map((p) => [p.subject, p.actions]));
  };
  it.each([
    // [login, subject, may create, may update]
    ['sw-child', 'Restriction', true, false],
    ['sw-child', 'Medication', true, false],
    ['sw-child', 'CareDay', false, false],
    ['sw-child', 'Decision', true, true],
    ['mgr-child', 'PaymentCommitment', true, false],
    ['mgr-child', 'Invoice', true, false],
    ['billing', 'CareDay', true, false],
    ['billing', 'PaymentCommitment', true, false],
    ['billing', 'Invoice', true, false],
    ['billing', 'Restriction', false, false],
    ['billing', 'Decision', false, false],
    ['student-child', 'Restriction', false, false],
    ['student-child', 'Decision', false, false],
    ['dpo', 'Invoice', false, false],
  ] as const)('%s: %s create=%s update=%s', async (login, subject, create, update) => {
    const actions = (await actionsOf(login))[subject] ?? [];
    expect(actions.includes('create')).toBe(create);
    expect(actions.includes('update')).toBe(update);
  });
});

describe('fail-closed: a failed log write rolls the change back', () => {
  afterEach(() => {
    auditLog.failing = false;
  });
  it.each(MUTATIONS.map((m) => [m]))('%s', async (m) => {
    const f = await insertFixture('own', `rollback-${m}`);
    const before = await slots(f);
    auditLog.failing = true;
    const login = ['recordCareDays', 'recordPaymentCommitment', 'recordInvoice'].includes(m) ? 'billing' : 'sw-child';
    const r = await t.execute({ as: login, ...requestOf(m, f, true) });
    auditLog.failing = false;
    expect(codesOf(r)).toContain('AUDIT_UNAVAILABLE');
    expect(JSON.stringify(r.data ?? {})).not.toContain('"id"');
    expect(await slots(f)).toEqual(before);
  });
});
