/**
 * THE policy matrix (DESIGN.md §4, issue 3; policy v2 from issue 9): every persona of §7 × every sensitive field
 * of the supergraph's catalogue × visible and invisible clients, end to end through the gateway.
 *
 * The expectations are written from DESIGN §4 — not from the policy module — in the two tables below
 * (POLICY: fields per role and category; ROWS: which rows a role reaches). Policy v2 reads them per grant:
 * a persona holds several grants, every object of an answer is visible through some of them (matrix/grants.ts),
 * and a field of it is expected readable iff one of those grants allows it. The access log of every request
 * must name, for each entity it lists as read, a grant that sees the entity and allows its fields
 * (matrix/log.ts). The query is generated from SENSITIVE_FIELDS and REACH, so a new sensitive field, a new
 * category or an unreachable type fails here until it has a rule.
 */
import {
  assistanceRequests,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  DEMO,
  decisions,
  disclosures,
  documents,
  entries,
  medications,
  paymentCommitments,
  placements,
  restrictions,
} from '@vartija/db';
import { SENSITIVE_CATEGORIES, SENSITIVE_FIELDS, type SensitiveField } from '@vartija/kit';
import { and, eq, inArray } from 'drizzle-orm';
import { codesOf, startTestStack, type TestStack } from '../testkit';
import { entitiesIn, evaluateVisible, type Mismatch, namePath, type Outcome } from './matrix/evaluate';
import { insertClientFixture, insertOtherOrganisationClient } from './matrix/fixtures';
import {
  type ClientFacts,
  type GrantCase,
  GrantExpectations,
  grantLabel,
  type PersonaCase as PersonaCaseOf,
  type PolicyTable,
  type RecordedRow,
  type Role,
  type RowsTable,
  type Rule,
} from './matrix/grants';
import { logMismatches } from './matrix/log';
import { planMatrixQuery, type Reach } from './matrix/query';

// ---------------------------------------------------------------------------------------------
// The expectation table, from DESIGN §4
// ---------------------------------------------------------------------------------------------

// Rule: 'yes' | 'no' | only these `Type.field`s (`Type.*` = every field of the type in that category) | a row
// condition; each is the rule of ONE grant (its role), asked about an object visible through that grant.

const NAMES_ONLY: Rule = { only: ['Client.displayName', 'Client.firstName', 'Client.lastName'] };
/**
 * Turvakielto: a social worker sees a non-disclosure client's contact data only as its responsible worker —
 * of the relationship with the grant's unit (a social worker of one unit is not responsible in another).
 */
const CONTACT_UNLESS_NON_DISCLOSURE: Rule = {
  because: 'non-disclosure client: only its responsible worker',
  when: ({ client, persona, grant }) =>
    !client.nonDisclosure || client.relationships.some((r) => r.endedOn === null && r.workerId === persona.userId && r.unitId === grant.unitId),
};

const POLICY: PolicyTable = {
  SOCIAL_WORKER: {
    IDENTITY: 'yes',
    PERSONAL_ID: 'yes',
    CONTACT: CONTACT_UNLESS_NON_DISCLOSURE,
    FAMILY: 'yes',
    WELFARE: 'yes',
    HEALTH: 'yes',
    CASE_RECORD: 'yes', // own units' documents: see ROWS
    FINANCIAL: 'yes',
  },
  MANAGER: {
    IDENTITY: 'yes',
    PERSONAL_ID: 'yes',
    CONTACT: 'yes', // incl. non-disclosure
    FAMILY: 'yes',
    WELFARE: 'yes',
    HEALTH: 'yes',
    CASE_RECORD: 'yes', // own units' documents: see ROWS
    FINANCIAL: 'yes',
  },
  STUDENT: {
    IDENTITY: 'yes',
    PERSONAL_ID: 'no',
    CONTACT: 'no',
    FAMILY: 'yes',
    WELFARE: 'yes',
    HEALTH: 'no',
    CASE_RECORD: 'yes', // own units' documents, not restricted types: see ROWS
    FINANCIAL: 'no',
  },
  BILLING: {
    IDENTITY: NAMES_ONLY,
    PERSONAL_ID: 'yes',
    CONTACT: { only: ['Client.municipality'] },
    FAMILY: 'no',
    WELFARE: { only: ['Client.placements', 'Placement.*', 'CareDay.*'] },
    HEALTH: 'no',
    CASE_RECORD: 'no',
    FINANCIAL: 'yes',
  },
  AUDITOR: {
    IDENTITY: NAMES_ONLY,
    PERSONAL_ID: 'yes',
    CONTACT: 'no',
    FAMILY: 'no',
    WELFARE: 'no',
    HEALTH: 'no',
    CASE_RECORD: 'no',
    FINANCIAL: 'no',
  },
  // The archive only (DESIGN §1): archived clients' identity, nothing else; records stay out of reach (ROWS).
  REGISTRAR: {
    IDENTITY: 'yes',
    PERSONAL_ID: 'yes',
    CONTACT: 'no',
    FAMILY: 'no',
    WELFARE: 'no',
    HEALTH: 'no',
    CASE_RECORD: 'no',
    FINANCIAL: 'no',
  },
};

/**
 * Row rules, per grant: a unit role sees the clients with a relationship with the grant's unit (open or ended
 * within the unit's window) and the records kept in that unit (documents, decisions, placements, …,
 * relationships, commissions); the organisation-wide roles the organisation's clients that are not archived
 * and their records in any unit; the registrar the archive. A record is also only reached by a role that may
 * read the list leading to it (a student reads no medications: no HEALTH). Identity codes are unique per
 * organisation: each register sees only its own record of a person.
 */
const ROWS: RowsTable = {
  SOCIAL_WORKER: { clients: 'units', records: 'units', hiddenDocumentTypes: [] },
  MANAGER: { clients: 'units', records: 'units', hiddenDocumentTypes: [] },
  STUDENT: { clients: 'units', records: 'units', hiddenDocumentTypes: ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'] },
  BILLING: { clients: 'organisation', records: 'organisation', hiddenDocumentTypes: [] },
  AUDITOR: { clients: 'organisation', records: 'organisation', hiddenDocumentTypes: [] },
  REGISTRAR: { clients: 'archive', records: 'none', hiddenDocumentTypes: [] },
};

/** How each type holding sensitive fields is reached from Client (the hop itself is a sensitive list field). */
const REACH: Reach = {
  Guardian: { parent: 'Client', via: 'guardians' },
  ClientRelationship: { parent: 'Client', via: 'relationships' },
  Commission: { parent: 'Client', via: 'commissions' },
  Consent: { parent: 'Client', via: 'consents' },
  Decision: { parent: 'Client', via: 'decisions' },
  Placement: { parent: 'Client', via: 'placements' },
  CareDay: { parent: 'Placement', via: 'careDays' },
  PaymentCommitment: { parent: 'Client', via: 'paymentCommitments' },
  Invoice: { parent: 'PaymentCommitment', via: 'invoices' },
  Restriction: { parent: 'Client', via: 'restrictions' },
  AssistanceRequest: { parent: 'Client', via: 'assistanceRequests' },
  Medication: { parent: 'Client', via: 'medications' },
  Document: { parent: 'Client', via: 'documents' },
  DocumentRevision: { parent: 'Document', via: 'revisions' },
  Disclosure: { parent: 'Client', via: 'disclosures' },
  DataSubjectRequest: { parent: 'Client', via: 'dataSubjectRequests' },
};

// ---------------------------------------------------------------------------------------------
// Personas (§7) and the clients each one must and must not see
// ---------------------------------------------------------------------------------------------

type DemoClientKey = { [K in keyof typeof DEMO.clients]: (typeof DEMO.clients)[K] extends string ? K : never }[keyof typeof DEMO.clients];
/**
 * Clients not named in DEMO.clients: one of another organisation (the partner's), region-b's open client, and
 * the same person (with address non-disclosure) in both registers: `sharedRegion` in the region, `sharedB` in region-b.
 */
type ClientKey = DemoClientKey | 'otherOrganisation' | 'regionBOpen' | 'sharedRegion' | 'sharedB';
type SingleRoleLogin = 'sw-child' | 'sw-family' | 'sw-adult' | 'mgr-child' | 'student-child' | 'billing' | 'dpo' | 'admin';
type Login = SingleRoleLogin | 'sw-adult-student' | 'mgr-family-sw-child' | 'billing-student' | 'dpo-student' | 'sw-b' | 'dpo-b';
type PersonaCase = PersonaCaseOf<Login, ClientKey>;
type UnitCode = keyof typeof DEMO.units;

/** Region-b is another register: none of its clients is visible to anyone of the region. */
const REGION_B: readonly ClientKey[] = ['regionBOpen', 'sharedB'];
const CHILD_VISIBLE: readonly ClientKey[] = ['childWelfareOpen', 'childWelfareNonDisclosureOwn', 'childWelfareNonDisclosureOther'];
const CHILD_INVISIBLE: readonly ClientKey[] = ['adultOnly', 'familyOnly', 'childWelfareArchived', 'otherOrganisation', ...REGION_B];
const CASES: Readonly<Record<Login, { visible: readonly ClientKey[]; invisible: readonly ClientKey[] }>> = {
  'sw-child': { visible: [...CHILD_VISIBLE, 'sharedRegion'], invisible: CHILD_INVISIBLE },
  'sw-family': { visible: ['familyOnly'], invisible: ['childWelfareOpen', 'adultOnly', 'otherOrganisation', ...REGION_B] },
  'sw-adult': { visible: ['adultOnly'], invisible: ['childWelfareOpen', 'familyOnly', 'otherOrganisation', ...REGION_B] },
  'mgr-child': { visible: CHILD_VISIBLE, invisible: CHILD_INVISIBLE },
  'student-child': { visible: CHILD_VISIBLE, invisible: CHILD_INVISIBLE },
  billing: { visible: ['childWelfareOpen', 'familyOnly', 'adultOnly'], invisible: ['childWelfareArchived', 'otherOrganisation', ...REGION_B] },
  dpo: { visible: ['childWelfareOpen', 'familyOnly', 'adultOnly', 'sharedRegion'], invisible: ['childWelfareArchived', 'otherOrganisation', ...REGION_B] },
  admin: { visible: ['childWelfareArchived'], invisible: ['childWelfareOpen', 'adultOnly', 'otherOrganisation', ...REGION_B] },
  // Several grants (policy v2): each client as the grants that see it would read it, and no more.
  'sw-adult-student': {
    // child welfare only as the student; adult services as the social worker (not responsible for adultNonDisclosure); both for childAndAdult
    visible: ['childWelfareOpen', 'childWelfareNonDisclosureOwn', 'adultOnly', 'adultNonDisclosure', 'childAndAdult'],
    invisible: ['familyOnly', 'childWelfareArchived', 'otherOrganisation', ...REGION_B],
  },
  'mgr-family-sw-child': {
    // family services as the manager (non-disclosure contact data included); child welfare as a social worker responsible for nobody
    visible: ['childWelfareOpen', 'childWelfareNonDisclosureOwn', 'familyOnly', 'familyNonDisclosure', 'childAndFamily'],
    invisible: ['adultOnly', 'childWelfareArchived', 'otherOrganisation', ...REGION_B],
  },
  'billing-student': {
    visible: ['childWelfareOpen', 'childWelfareNonDisclosureOwn', 'familyOnly', 'adultOnly', 'childAndAdult'],
    invisible: ['childWelfareArchived', 'otherOrganisation', ...REGION_B],
  },
  'dpo-student': {
    visible: ['childWelfareOpen', 'childWelfareNonDisclosureOther', 'familyOnly', 'adultOnly'],
    invisible: ['childWelfareArchived', 'otherOrganisation', ...REGION_B],
  },
  // Region-b: its own clients (the shared person: its own record only), nothing of the region.
  'sw-b': { visible: REGION_B, invisible: ['sharedRegion', 'childWelfareOpen', 'adultOnly', 'otherOrganisation'] },
  'dpo-b': { visible: REGION_B, invisible: ['sharedRegion', 'childWelfareOpen', 'familyOnly', 'otherOrganisation'] },
};

const PERSONAS: readonly PersonaCase[] = (Object.keys(CASES) as Login[]).map((login) => {
  const user = DEMO.users[login];
  return {
    login,
    userId: user.id,
    organisationId: DEMO.organisations[user.organisation].id,
    grants: user.grants.map((g): GrantCase => ({ role: g.role as Role, unitId: g.unit ? DEMO.units[g.unit].id : null, unit: g.unit ?? 'organisation' })),
    ...CASES[login],
  };
});
const personaOf = (login: Login): PersonaCase => PERSONAS.find((p) => p.login === login)!;
/** `SOCIAL_WORKER` for a one-grant persona (as the matrix always named it), every grant with its unit otherwise. */
const rolesOf = (p: PersonaCase): string => (p.grants.length === 1 ? p.grants[0]!.role : p.grants.map(grantLabel).join(' + '));

/** The shared person with address non-disclosure (in both registers). */
const SHARED = DEMO.regionB.sharedPersons.find((p) => p.addressNonDisclosure)!;

/** Unit per fixture client: one record of every kind is added there; "foreign" gets records in another unit. */
const FIXTURES: readonly { client: ClientKey; unit: UnitCode; foreign?: UnitCode }[] = [
  { client: 'childWelfareOpen', unit: 'child-welfare', foreign: 'adult-services' },
  { client: 'childWelfareNonDisclosureOwn', unit: 'child-welfare' },
  { client: 'childWelfareNonDisclosureOther', unit: 'child-welfare' },
  { client: 'familyOnly', unit: 'family-services', foreign: 'child-welfare' },
  { client: 'adultOnly', unit: 'adult-services', foreign: 'child-welfare' },
  // Clients of two units: records in both, each to be read under the grant of its own unit.
  { client: 'childAndAdult', unit: 'child-welfare', foreign: 'adult-services' },
  { client: 'childAndFamily', unit: 'child-welfare', foreign: 'family-services' },
  { client: 'familyNonDisclosure', unit: 'family-services' },
  { client: 'adultNonDisclosure', unit: 'adult-services' },
  { client: 'sharedRegion', unit: 'child-welfare' },
  { client: 'regionBOpen', unit: 'b-child-welfare' },
  { client: 'sharedB', unit: 'b-child-welfare' },
];

const NONEXISTENT = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------------------------------------
// Facts read from the database once
// ---------------------------------------------------------------------------------------------

/** Records kept in a unit, reached from Client by a list field. */
const UNIT_RECORDED = [
  { typename: 'Decision', field: 'decisions', table: decisions },
  { typename: 'Placement', field: 'placements', table: placements },
  { typename: 'PaymentCommitment', field: 'paymentCommitments', table: paymentCommitments },
  { typename: 'Restriction', field: 'restrictions', table: restrictions },
  { typename: 'AssistanceRequest', field: 'assistanceRequests', table: assistanceRequests },
  { typename: 'Medication', field: 'medications', table: medications },
  { typename: 'Document', field: 'documents', table: documents },
  { typename: 'Disclosure', field: 'disclosures', table: disclosures },
  // Consents and data-subject requests belong to the unit where they arose (service-task separation).
  { typename: 'Consent', field: 'consents', table: consents },
  { typename: 'DataSubjectRequest', field: 'dataSubjectRequests', table: dataSubjectRequests },
] as const;
/** Every list of unit-recorded rows: the records above, relationships (by unit) and commissions (by commissioning unit). */
const RECORD_LISTS: readonly { typename: string; field: string }[] = [
  ...UNIT_RECORDED,
  { typename: 'ClientRelationship', field: 'relationships' },
  { typename: 'Commission', field: 'commissions' },
];

let t: TestStack;
let expectations: GrantExpectations;
const plan = planMatrixQuery(SENSITIVE_FIELDS, REACH);
const facts = new Map<ClientKey, ClientFacts>();
const ids = {} as Record<ClientKey, string>;
const recorded = new Map<string, RecordedRow>();
const totals = { checked: 0, implied: 0, invisible: 0, objects: 0, rowChecks: 0, logEntries: 0 };
const perPersona = new Map<Login, number>();
const allMismatches: Mismatch[] = [];

/** Today minus the units' visibility window (12 months), as YYYY-MM-DD. */
function cutoffOf(now: Date, months: number): string {
  const date = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}
const isoDay = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

beforeAll(async () => {
  t = await startTestStack();
  const db = t.database.db;
  Object.assign(ids, DEMO.clients as unknown as Record<DemoClientKey, string>, {
    otherOrganisation: await insertOtherOrganisationClient(db),
    regionBOpen: DEMO.regionB.open,
    sharedRegion: SHARED.regionClientId,
    sharedB: SHARED.regionBClientId,
  });
  for (const f of FIXTURES) {
    await insertClientFixture(db, t.now, { clientId: ids[f.client], unitId: DEMO.units[f.unit].id });
    if (f.foreign) await insertClientFixture(db, t.now, { clientId: ids[f.client], unitId: DEMO.units[f.foreign].id, unitScopedOnly: true });
  }
  // The registrar's archive view of an archived client: every identity field holds a value.
  await db.update(clients).set({ pseudonym: 'Arkisto' }).where(eq(clients.id, DEMO.clients.childWelfareArchived));

  const keys = [...new Set(PERSONAS.flatMap((p) => [...p.visible, ...p.invisible]))];
  const clientIds = keys.map((k) => ids[k]);
  const clientRows = await db.select().from(clients).where(inArray(clients.id, clientIds));
  const relationships = await db.select().from(clientRelationships).where(inArray(clientRelationships.clientId, clientIds));
  for (const key of keys) {
    const row = clientRows.find((c) => c.id === ids[key]);
    if (!row) throw new Error(`matrix: client ${key} not found`);
    facts.set(key, {
      key,
      id: row.id,
      organisationId: row.organisationId,
      nonDisclosure: row.addressNonDisclosure,
      relationships: relationships
        .filter((r) => r.clientId === row.id)
        .map((r) => ({ id: r.id, unitId: r.unitId, endedOn: isoDay(r.endedOn), workerId: r.responsibleWorkerId })),
      contact: Object.fromEntries(
        (
          [
            ['address', row.streetAddress],
            ['phone', row.phone],
            ['email', row.email],
          ] as const
        ).filter(([, v]) => v),
      ),
    });
  }
  for (const { typename, table } of UNIT_RECORDED) {
    const rows = await db.select().from(table).where(inArray(table.clientId, clientIds));
    for (const row of rows as { id: string; clientId: string; unitId: string; type?: string }[]) {
      recorded.set(row.id, { typename, id: row.id, clientId: row.clientId, unitId: row.unitId, ...(typename === 'Document' ? { documentType: row.type } : {}) });
    }
  }
  for (const r of relationships) recorded.set(r.id, { typename: 'ClientRelationship', id: r.id, clientId: r.clientId, unitId: r.unitId, endedOn: isoDay(r.endedOn) });
  for (const c of await db.select().from(commissions).where(inArray(commissions.clientId, clientIds))) {
    recorded.set(c.id, { typename: 'Commission', id: c.id, clientId: c.clientId, unitId: c.commissionerUnitId });
  }
  expectations = new GrantExpectations({ policy: POLICY, rows: ROWS, reach: REACH, recorded, cutoff: cutoffOf(t.now, 12) });
});

afterAll(async () => {
  const cells = totals.checked + totals.implied + totals.invisible;
  console.log(
    `policy matrix: ${cells} cells (${totals.checked} observed, ${totals.implied} implied by a denied enclosing list, ` +
      `${totals.invisible} on invisible clients), ${totals.objects} field values compared object by object, ${totals.rowChecks} row checks, ` +
      `${totals.logEntries} log entries checked against their grant, ${allMismatches.length} mismatches\n` +
      `  cells per persona: ${[...perPersona].map(([login, n]) => `${login} ${n}`).join(', ')}` +
      (allMismatches.length ? `\n${allMismatches.map((m) => `  ${m.persona} | ${m.client} | ${m.cell} | expected ${m.expected} | got ${m.got}`).join('\n')}` : ''),
  );
  await t?.close();
});

const count = (login: Login, cells: number) => perPersona.set(login, (perPersona.get(login) ?? 0) + cells);

// ---------------------------------------------------------------------------------------------
// Row checks and leak checks
// ---------------------------------------------------------------------------------------------

const UNIT_CODE = new Map<string, string>(Object.values(DEMO.units).map((u) => [u.id, u.code]));

/** Which unit-recorded rows come back: all and only those visible through some grant of the persona. */
function rowMismatches(persona: PersonaCase, client: ClientFacts, data: unknown): Mismatch[] {
  const allowedRow = (r: RecordedRow) => expectations.recordGrants(persona, client, r).length > 0;
  const describeRow = (r: RecordedRow | undefined, id: string) =>
    r ? `${r.typename} ${id.slice(0, 8)} recorded in ${UNIT_CODE.get(r.unitId)}${r.documentType ? ` (${r.documentType})` : ''}${r.clientId === client.id ? '' : ' of another client'}` : `unknown ${id}`;
  const out: Mismatch[] = [];
  const add = (cell: string, expected: string, got: string) => out.push({ persona: persona.login, client: client.key, cell, expected, got });
  const root = (data as { client?: Record<string, unknown> } | null)?.client;
  if (!root) return out;

  // Nothing outside the grants' scopes, wherever it is nested (e.g. Disclosure.documents).
  const kinds = new Set<string>(RECORD_LISTS.map((u) => u.typename));
  for (const e of entitiesIn(root, ['client'])) {
    if (!kinds.has(e.typename)) continue;
    totals.rowChecks += 1;
    const r = recorded.get(e.id);
    if (!r || !allowedRow(r)) add(`rows ${e.path}`, "only rows visible through the actor's grants", `leaked ${describeRow(r, e.id)}`);
  }
  // Everything inside them, for each list the persona may read.
  for (const { typename, field } of RECORD_LISTS) {
    const list = root[field];
    if (!Array.isArray(list)) continue;
    totals.rowChecks += 1;
    const returned = new Set(list.map((o) => (o as { id?: string }).id));
    const missing = [...recorded.values()].filter((r) => r.typename === typename && r.clientId === client.id && allowedRow(r) && !returned.has(r.id));
    if (missing.length > 0) add(`rows Client.${field}`, `every ${typename} visible through a grant`, `missing ${missing.map((r) => describeRow(r, r.id)).join(', ')}`);
  }
  return out;
}

/**
 * A client's contact data the actor may not read must not surface anywhere else in the answer either
 * (e.g. as a guardian's address when the guardian lives at the client's non-disclosed address).
 */
function contactLeaks(persona: PersonaCase, client: ClientFacts, data: unknown): Mismatch[] {
  const strings: { path: string; value: string }[] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (typeof v === 'string') strings.push({ path: namePath(p), value: v });
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, inner] of Object.entries(v)) walk(inner, [...p, k]);
  };
  walk(data, []);
  const out: Mismatch[] = [];
  for (const [field, stored] of Object.entries(client.contact)) {
    const catalogued = SENSITIVE_FIELDS.find((f) => f.type === 'Client' && f.field === field);
    if (!catalogued || expectations.clientOutcome(persona, client, catalogued) !== 'denied') continue;
    totals.rowChecks += 1;
    const found = strings.filter((x) => x.value === stored);
    if (found.length > 0) {
      const at = [...new Set(found.map((x) => x.path))].join(', ');
      out.push({ persona: persona.login, client: client.key, cell: `Client.${field} via ${at}`, expected: 'denied (nowhere in the answer)', got: `the client's ${field} "${stored}" ${found.length}× at ${at}` });
    }
  }
  return out;
}

function report(mismatches: Mismatch[]): Mismatch[] {
  allMismatches.push(...mismatches);
  return mismatches;
}

const outcomeOn = (persona: PersonaCase, key: ClientKey, field: SensitiveField): Outcome | { noRule: string } =>
  expectations.clientOutcome(persona, facts.get(key)!, field);
const clientField = (name: string): SensitiveField => SENSITIVE_FIELDS.find((f) => f.type === 'Client' && f.field === name)!;

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('policy matrix (DESIGN §4): coverage of the catalogue', () => {
  it('has a rule for every role × category and reaches every sensitive field from Client', () => {
    const problems: string[] = [];
    for (const role of Object.keys(POLICY) as Role[]) {
      for (const category of new Set([...SENSITIVE_CATEGORIES, ...SENSITIVE_FIELDS.map((f) => f.category)])) {
        if ((POLICY[role] as Partial<Record<string, Rule>>)[category] === undefined) problems.push(`no rule for ${role} × ${category}`);
      }
    }
    for (const u of plan.unreachable) problems.push(`${u.cell} (${u.category}) unreachable: ${u.reason}`);
    expect(problems).toEqual([]);
    expect(plan.fields).toHaveLength(SENSITIVE_FIELDS.length);
  });

  it('stands on a demo world with the clients §7 promises', () => {
    const f = (k: ClientKey) => facts.get(k)!;
    const sw = (login: Login | 'sw-child-2') => DEMO.users[login].id;
    const responsible = (k: ClientKey) => f(k).relationships.filter((r) => r.endedOn === null).map((r) => r.workerId);
    expect(f('childWelfareNonDisclosureOwn').nonDisclosure).toBe(true);
    expect(responsible('childWelfareNonDisclosureOwn')).toContain(sw('sw-child'));
    expect(f('childWelfareNonDisclosureOther').nonDisclosure).toBe(true);
    expect(responsible('childWelfareNonDisclosureOther')).not.toContain(sw('sw-child'));
    expect(f('childWelfareOpen').nonDisclosure).toBe(false);
    expect(responsible('childWelfareArchived')).toEqual([]);
    // The restricted types exist for the child-welfare client, so hiding them from the student means something.
    const restricted = [...recorded.values()].filter((r) => r.clientId === f('childWelfareOpen').id && ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'].includes(r.documentType ?? ''));
    expect(new Set(restricted.map((r) => r.documentType))).toEqual(new Set(['STATEMENT', 'CHILD_WELFARE_NOTIFICATION']));
  });

  it('stands on the multi-grant and second-organisation facts policy v2 is about', () => {
    const f = (k: ClientKey) => facts.get(k)!;
    const unitsOf = (k: ClientKey) => new Set(f(k).relationships.filter((r) => r.endedOn === null).map((r) => UNIT_CODE.get(r.unitId)));
    expect(unitsOf('childAndAdult')).toEqual(new Set(['child-welfare', 'adult-services']));
    expect(unitsOf('childAndFamily')).toEqual(new Set(['child-welfare', 'family-services']));
    // Non-disclosure clients whose contact data a multi-grant persona reads under one grant and not under the other.
    expect(f('adultNonDisclosure').nonDisclosure).toBe(true);
    expect(f('familyNonDisclosure').nonDisclosure).toBe(true);
    for (const login of ['sw-adult-student', 'mgr-family-sw-child'] as const) {
      for (const k of personaOf(login).visible) expect(f(k).relationships.map((r) => r.workerId)).not.toContain(DEMO.users[login].id);
    }
    // Records of both units of the two-unit clients, restricted ones in child welfare.
    const childAndAdultRecords = [...recorded.values()].filter((r) => r.clientId === f('childAndAdult').id && r.typename === 'Document');
    expect(new Set(childAndAdultRecords.map((r) => `${UNIT_CODE.get(r.unitId)} ${r.documentType === 'STATEMENT' ? 'restricted' : 'open'}`))).toEqual(
      new Set(['child-welfare restricted', 'child-welfare open', 'adult-services restricted', 'adult-services open']),
    );
    // The same person in both registers: each organisation holds its own record.
    expect(f('sharedRegion').organisationId).toBe(DEMO.organisations.region.id);
    expect(f('sharedB').organisationId).toBe(DEMO.organisations['region-b'].id);
    expect(f('sharedRegion').nonDisclosure && f('sharedB').nonDisclosure).toBe(true);
  });

  it('lists, for every persona, the clients the §4 row rule makes visible through some grant and no others', () => {
    const problems: string[] = [];
    for (const p of PERSONAS) {
      for (const k of p.visible) if (expectations.clientGrants(p, facts.get(k)!).length === 0) problems.push(`${p.login}: ${k} listed visible, seen through no grant`);
      for (const k of p.invisible) {
        const through = expectations.clientGrants(p, facts.get(k)!);
        if (through.length > 0) problems.push(`${p.login}: ${k} listed invisible, seen through ${through.map(grantLabel).join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    // The multi-grant cases the matrix must have: a client seen through each grant alone, and one through both.
    const through = (login: Login, k: ClientKey) => expectations.clientGrants(personaOf(login), facts.get(k)!).map(grantLabel).sort();
    expect(through('sw-adult-student', 'childWelfareOpen')).toEqual(['STUDENT/child-welfare']);
    expect(through('sw-adult-student', 'adultOnly')).toEqual(['SOCIAL_WORKER/adult-services']);
    expect(through('sw-adult-student', 'childAndAdult')).toEqual(['SOCIAL_WORKER/adult-services', 'STUDENT/child-welfare']);
    expect(through('mgr-family-sw-child', 'childAndFamily')).toEqual(['MANAGER/family-services', 'SOCIAL_WORKER/child-welfare']);
    expect(through('billing-student', 'childWelfareOpen')).toEqual(['BILLING/organisation', 'STUDENT/child-welfare']);
    expect(through('billing-student', 'adultOnly')).toEqual(['BILLING/organisation']);
    expect(through('dpo-student', 'childWelfareNonDisclosureOther')).toEqual(['AUDITOR/organisation', 'STUDENT/child-welfare']);
    // What the per-grant reading means, spelled out for the cases issue 9 names.
    const pic = clientField('personalIdentityCode');
    const phone = clientField('phone');
    expect(outcomeOn(personaOf('sw-adult-student'), 'childWelfareOpen', pic)).toBe('denied');
    expect(outcomeOn(personaOf('sw-adult-student'), 'adultOnly', pic)).toBe('allowed');
    expect(outcomeOn(personaOf('sw-adult-student'), 'childAndAdult', pic)).toBe('allowed');
    expect(outcomeOn(personaOf('sw-adult-student'), 'childWelfareOpen', phone)).toBe('denied');
    expect(outcomeOn(personaOf('mgr-family-sw-child'), 'childWelfareNonDisclosureOwn', phone)).toBe('denied');
    expect(outcomeOn(personaOf('mgr-family-sw-child'), 'familyNonDisclosure', phone)).toBe('allowed');
    expect(outcomeOn(personaOf('billing-student'), 'childWelfareOpen', pic)).toBe('allowed');
    expect(outcomeOn(personaOf('billing-student'), 'childWelfareOpen', phone)).toBe('denied');
  });
});

describe.each(PERSONAS.map((p) => [p.login, p] as const))('policy matrix: %s', (_login, persona) => {
  const visible = persona.visible.map((k) => [k] as const);
  const invisible = persona.invisible.map((k) => [k] as const);

  if (visible.length > 0) {
    it.each(visible)(`visible %s: every sensitive field as §4 says (${rolesOf(persona)})`, async (key) => {
      const client = facts.get(key)!;
      const result = await t.execute<{ client: unknown }>({ as: persona.login, query: plan.query, variables: { id: client.id } });
      expect(result.status).toBe(200);
      const evaluation = evaluateVisible({
        persona: persona.login,
        client: key,
        plan,
        data: result.data as never,
        errors: result.errors,
        expect: (field, lineage) => expectations.outcome(persona, client, field, lineage),
      });
      totals.checked += evaluation.checked;
      totals.implied += evaluation.implied;
      totals.objects += evaluation.objects;
      count(persona.login, evaluation.checked + evaluation.implied);
      const log = await logMismatches({
        db: t.database.db,
        requestId: result.headers['x-request-id'],
        persona,
        client,
        data: result.data as never,
        reach: REACH,
        expectations,
      });
      totals.logEntries += log.entries;
      const mismatches = report([...evaluation.mismatches, ...rowMismatches(persona, client, result.data), ...contactLeaks(persona, client, result.data), ...log.mismatches]);
      expect(mismatches).toEqual([]);
    });
  }

  it.each(invisible)('invisible %s: null like a nonexistent id, no error, nothing leaks', async (key) => {
    const client = facts.get(key)!;
    const result = await t.execute({ as: persona.login, query: plan.query, variables: { id: client.id } });
    const unknown = await t.execute({ as: persona.login, query: plan.query, variables: { id: NONEXISTENT } });
    totals.invisible += SENSITIVE_FIELDS.length;
    count(persona.login, SENSITIVE_FIELDS.length);
    const shape = (r: typeof result) => ({ status: r.status, data: r.data, errors: (r.errors ?? []).map((e) => [e.extensions?.['code'], namePath(e.path), e.message]) });
    const mismatches: Mismatch[] = [];
    const got = shape(result);
    if (got.status !== 200 || JSON.stringify(got.data) !== JSON.stringify({ client: null }) || got.errors.length > 0) {
      const returned = (got.data as { client?: Record<string, unknown> | null } | null | undefined)?.client;
      const summary = returned
        ? `client returned, non-null: ${Object.entries(returned).filter(([, v]) => v !== null).map(([k]) => k).join(', ')}`
        : `client ${JSON.stringify(returned)}`;
      mismatches.push({ persona: persona.login, client: key, cell: 'client', expected: 'null, no error', got: `status ${got.status}; ${summary}; ${got.errors.length} errors` });
    }
    if (JSON.stringify(got) !== JSON.stringify(shape(unknown))) {
      mismatches.push({ persona: persona.login, client: key, cell: 'client', expected: 'the same answer as a nonexistent id', got: 'a different answer (see above)' });
    }
    // Nothing of the client was read, so the log holds no ALLOWED entry about it for this request.
    const requestId = result.headers['x-request-id'] ?? '';
    const allowed = await t.database.db
      .select()
      .from(entries)
      .where(and(eq(entries.requestId, requestId), eq(entries.clientId, client.id), eq(entries.outcome, 'ALLOWED')));
    if (allowed.length > 0) {
      mismatches.push({ persona: persona.login, client: key, cell: 'log', expected: 'no ALLOWED entry about the client', got: allowed.map((e) => `${e.entityType} [${e.fields.join(', ')}]`).join('; ') });
    }
    expect(report(mismatches)).toEqual([]);
  });
});

describe('policy matrix: the log names the grant that allowed each field (policy v2, §5)', () => {
  /** `ROLE/unit-code` of every ALLOWED READ entry of one matrix request, per entity. */
  async function logged(login: Login, key: ClientKey) {
    const result = await t.execute({ as: login, query: plan.query, variables: { id: ids[key] } });
    expect(result.status).toBe(200);
    const rows = await t.database.db
      .select()
      .from(entries)
      .where(and(eq(entries.requestId, result.headers['x-request-id'] ?? ''), eq(entries.outcome, 'ALLOWED'), eq(entries.action, 'READ')));
    expect(rows.length).toBeGreaterThan(0);
    return rows.map((e) => ({
      grant: `${e.actorRole}/${e.unitId === null ? 'organisation' : UNIT_CODE.get(e.unitId)}`,
      entity: e.entityType,
      unit: e.entityId ? UNIT_CODE.get(recorded.get(e.entityId)?.unitId ?? '') : undefined,
      fields: e.fields,
      categories: e.categories,
    }));
  }

  it("sw-adult-student: a child-welfare client's fields are logged under the student grant only", async () => {
    const log = await logged('sw-adult-student', 'childWelfareOpen');
    expect(new Set(log.map((e) => e.grant))).toEqual(new Set(['STUDENT/child-welfare']));
    expect(log.flatMap((e) => e.categories)).not.toContain('PERSONAL_ID');
  });

  it("sw-adult-student: an adult-services client's fields are logged under the social-worker grant only", async () => {
    const log = await logged('sw-adult-student', 'adultOnly');
    expect(new Set(log.map((e) => e.grant))).toEqual(new Set(['SOCIAL_WORKER/adult-services']));
    // The client's fields are logged by two subgraphs (clients, and services for its record lists): all of them.
    expect(log.filter((e) => e.entity === 'Client').flatMap((e) => e.fields)).toContain('personalIdentityCode');
  });

  it('sw-adult-student on a client of both units: each record under the grant of its unit, the identity code under the social worker', async () => {
    const log = await logged('sw-adult-student', 'childAndAdult');
    const records = log.filter((e) => e.unit !== undefined);
    expect(records.length).toBeGreaterThan(0);
    for (const e of records) expect([e.entity, e.unit, e.grant]).toEqual([e.entity, e.unit, e.unit === 'child-welfare' ? 'STUDENT/child-welfare' : 'SOCIAL_WORKER/adult-services']);
    expect(new Set(records.map((e) => e.unit))).toEqual(new Set(['child-welfare', 'adult-services']));
    const client = log.filter((e) => e.entity === 'Client');
    expect(client.filter((e) => e.fields.includes('personalIdentityCode')).map((e) => e.grant)).toEqual(['SOCIAL_WORKER/adult-services']);
    for (const e of client.filter((x) => x.grant === 'STUDENT/child-welfare')) expect(e.categories.filter((c) => ['PERSONAL_ID', 'CONTACT', 'HEALTH', 'FINANCIAL'].includes(c))).toEqual([]);
  });

  it('billing-student: the identity code under the billing grant, decisions under the student grant', async () => {
    const log = await logged('billing-student', 'childWelfareOpen');
    expect(log.filter((e) => e.fields.includes('personalIdentityCode')).map((e) => e.grant)).toEqual(['BILLING/organisation']);
    const decisionEntries = log.filter((e) => e.entity === 'Decision');
    expect(decisionEntries.length).toBeGreaterThan(0);
    for (const e of decisionEntries) expect(e.grant).toBe('STUDENT/child-welfare');
    for (const e of log.filter((x) => x.entity === 'PaymentCommitment' || x.entity === 'Invoice')) expect(e.grant).toBe('BILLING/organisation');
  });

  it('mgr-family-sw-child on a client of both units: family records under the manager, child-welfare records under the social worker', async () => {
    const log = await logged('mgr-family-sw-child', 'childAndFamily');
    const records = log.filter((e) => e.unit !== undefined);
    expect(new Set(records.map((e) => e.unit))).toEqual(new Set(['child-welfare', 'family-services']));
    for (const e of records) expect([e.entity, e.unit, e.grant]).toEqual([e.entity, e.unit, e.unit === 'child-welfare' ? 'SOCIAL_WORKER/child-welfare' : 'MANAGER/family-services']);
  });
});

describe('policy matrix: the same person in two registers', () => {
  let code: string;
  beforeAll(async () => {
    const rows = await t.database.db.select().from(clients).where(inArray(clients.id, [ids.sharedRegion, ids.sharedB]));
    const codes = new Set(rows.map((r) => r.personalIdentityCode));
    expect(rows).toHaveLength(2);
    expect(codes.size).toBe(1);
    code = rows[0]!.personalIdentityCode!;
  });

  it.each([
    ['sw-child', 'sharedRegion'],
    ['dpo', 'sharedRegion'],
    ['sw-b', 'sharedB'],
    ['dpo-b', 'sharedB'],
    ['sw-family', null],
  ] as const)('%s looks the identity code up and finds its own organisation’s record (%s) only', async (login, key) => {
    const result = await t.execute<{ clientByPersonalIdentityCode: { id: string } | null }>({
      as: login,
      query: 'query ($code: String!) { clientByPersonalIdentityCode(code: $code) { id } }',
      variables: { code },
    });
    expect(result.status).toBe(200);
    expect(result.errors ?? []).toEqual([]);
    expect(result.data?.clientByPersonalIdentityCode?.id ?? null).toBe(key ? ids[key] : null);
  });
});

describe('policy matrix: student-ended', () => {
  it('is refused outright with 403 FORBIDDEN (internship ended yesterday)', async () => {
    const result = await t.execute({ as: 'student-ended', query: plan.query, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(result.status).toBe(403);
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data ?? null).toBeNull();
  });
});
