/**
 * THE policy matrix (DESIGN.md §4, issue 3): every persona of §7 × every sensitive field of the
 * supergraph's catalogue × a visible and an invisible client, end to end through the gateway.
 *
 * The expectations are written from DESIGN §4 — not from the policy module — in the two tables below
 * (POLICY: fields per role and category; ROWS: which rows a role reaches). The query is generated from
 * SENSITIVE_FIELDS and REACH, so a new sensitive field, a new category or an unreachable type fails here
 * until it has a rule.
 */
import {
  assistanceRequests,
  clientRelationships,
  clients,
  DEMO,
  decisions,
  disclosures,
  documents,
  medications,
  paymentCommitments,
  placements,
  restrictions,
} from '@vartija/db';
import { SENSITIVE_CATEGORIES, SENSITIVE_FIELDS, type SensitiveCategory, type SensitiveField } from '@vartija/kit';
import { eq, inArray } from 'drizzle-orm';
import { codesOf, startTestStack, type TestStack } from '../testkit';
import { entitiesIn, type Mismatch, namePath, type Outcome, evaluateVisible } from './matrix/evaluate';
import { insertClientFixture, insertOtherOrganisationClient } from './matrix/fixtures';
import { planMatrixQuery, type Reach } from './matrix/query';

// ---------------------------------------------------------------------------------------------
// The expectation table, from DESIGN §4
// ---------------------------------------------------------------------------------------------

type Role = 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT' | 'BILLING' | 'AUDITOR' | 'REGISTRAR';
type DocumentType = 'CASE_NOTE' | 'CLIENT_PLAN' | 'NEEDS_ASSESSMENT' | 'MEETING_MEMO' | 'STATEMENT' | 'REPORT' | 'CHILD_WELFARE_NOTIFICATION';

interface CellContext {
  field: SensitiveField;
  persona: PersonaCase;
  client: ClientFacts;
}
/** 'yes' | 'no' | only these `Type.field`s (`Type.*` = every field of the type in that category) | a row condition. */
type Rule = 'yes' | 'no' | { only: readonly string[] } | { when: (cell: CellContext) => boolean; because: string };

const NAMES_ONLY: Rule = { only: ['Client.displayName', 'Client.firstName', 'Client.lastName'] };
/** Turvakielto: a social worker sees a non-disclosure client's contact data only as its responsible worker. */
const CONTACT_UNLESS_NON_DISCLOSURE: Rule = {
  because: 'non-disclosure client: only its responsible worker',
  when: ({ client, persona }) =>
    !client.nonDisclosure || client.responsibleWorkers.some((r) => r.workerId === persona.userId && persona.unitIds.includes(r.unitId)),
};

const POLICY: Readonly<Record<Role, Readonly<Record<SensitiveCategory, Rule>>>> = {
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
 * Row rules: records kept in a unit (documents, decisions, placements, …) are seen only if recorded in one of
 * the actor's units ('units') or, for the organisation-wide roles, in any unit of the organisation.
 */
const ROWS: Readonly<Record<Role, { scope: 'units' | 'organisation' | 'none'; hiddenDocumentTypes: readonly DocumentType[] }>> = {
  SOCIAL_WORKER: { scope: 'units', hiddenDocumentTypes: [] },
  MANAGER: { scope: 'units', hiddenDocumentTypes: [] },
  STUDENT: { scope: 'units', hiddenDocumentTypes: ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'] },
  BILLING: { scope: 'organisation', hiddenDocumentTypes: [] },
  AUDITOR: { scope: 'organisation', hiddenDocumentTypes: [] },
  REGISTRAR: { scope: 'none', hiddenDocumentTypes: [] },
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
type ClientKey = DemoClientKey | 'otherOrganisation';
type Login = 'sw-child' | 'sw-family' | 'sw-adult' | 'mgr-child' | 'student-child' | 'billing' | 'dpo' | 'admin';

interface PersonaCase {
  login: Login;
  role: Role;
  userId: string;
  unitIds: string[];
  visible: readonly ClientKey[];
  invisible: readonly ClientKey[];
}

const CHILD_VISIBLE: readonly ClientKey[] = ['childWelfareOpen', 'childWelfareNonDisclosureOwn', 'childWelfareNonDisclosureOther'];
const CHILD_INVISIBLE: readonly ClientKey[] = ['adultOnly', 'familyOnly', 'childWelfareArchived', 'otherOrganisation'];
const CASES: Readonly<Record<Login, { visible: readonly ClientKey[]; invisible: readonly ClientKey[] }>> = {
  'sw-child': { visible: CHILD_VISIBLE, invisible: CHILD_INVISIBLE },
  'sw-family': { visible: ['familyOnly'], invisible: ['childWelfareOpen', 'adultOnly', 'otherOrganisation'] },
  'sw-adult': { visible: ['adultOnly'], invisible: ['childWelfareOpen', 'familyOnly', 'otherOrganisation'] },
  'mgr-child': { visible: CHILD_VISIBLE, invisible: CHILD_INVISIBLE },
  'student-child': { visible: CHILD_VISIBLE, invisible: CHILD_INVISIBLE },
  billing: { visible: ['childWelfareOpen', 'familyOnly', 'adultOnly'], invisible: ['childWelfareArchived', 'otherOrganisation'] },
  dpo: { visible: ['childWelfareOpen', 'familyOnly', 'adultOnly'], invisible: ['childWelfareArchived', 'otherOrganisation'] },
  admin: { visible: ['childWelfareArchived'], invisible: ['childWelfareOpen', 'adultOnly', 'otherOrganisation'] },
};

const PERSONAS: readonly PersonaCase[] = (Object.keys(CASES) as Login[]).map((login) => {
  const user = DEMO.users[login];
  return {
    login,
    role: user.role as Role,
    userId: user.id,
    unitIds: user.unit ? [DEMO.units[user.unit].id] : [],
    ...CASES[login],
  };
});

/** Unit per fixture client: one record of every kind is added there; "foreign" gets records in another unit. */
const FIXTURES: readonly { client: DemoClientKey; unit: keyof typeof DEMO.units; foreign?: keyof typeof DEMO.units }[] = [
  { client: 'childWelfareOpen', unit: 'child-welfare', foreign: 'adult-services' },
  { client: 'childWelfareNonDisclosureOwn', unit: 'child-welfare' },
  { client: 'childWelfareNonDisclosureOther', unit: 'child-welfare' },
  { client: 'familyOnly', unit: 'family-services', foreign: 'child-welfare' },
  { client: 'adultOnly', unit: 'adult-services', foreign: 'child-welfare' },
];

const NONEXISTENT = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------------------------------------
// Facts read from the database once
// ---------------------------------------------------------------------------------------------

interface ClientFacts {
  key: ClientKey;
  id: string;
  nonDisclosure: boolean;
  /** Responsible workers of the client's open relationships. */
  responsibleWorkers: { unitId: string; workerId: string | null }[];
  /** The stored contact values, to search a response for them wherever they might surface. */
  contact: Partial<Record<'address' | 'phone' | 'email', string>>;
}

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
] as const;

interface RecordedRow {
  typename: string;
  id: string;
  clientId: string;
  unitId: string;
  documentType?: string;
}

let t: TestStack;
const plan = planMatrixQuery(SENSITIVE_FIELDS, REACH);
const facts = new Map<ClientKey, ClientFacts>();
const recorded = new Map<string, RecordedRow>();
const totals = { checked: 0, implied: 0, invisible: 0, rowChecks: 0 };
const allMismatches: Mismatch[] = [];

beforeAll(async () => {
  t = await startTestStack();
  const db = t.database.db;
  for (const f of FIXTURES) {
    await insertClientFixture(db, t.now, { clientId: DEMO.clients[f.client], unitId: DEMO.units[f.unit].id });
    if (f.foreign) await insertClientFixture(db, t.now, { clientId: DEMO.clients[f.client], unitId: DEMO.units[f.foreign].id, unitScopedOnly: true });
  }
  const otherOrganisation = await insertOtherOrganisationClient(db);
  // The registrar's archive view of an archived client: every identity field holds a value.
  await db.update(clients).set({ pseudonym: 'Arkisto' }).where(eq(clients.id, DEMO.clients.childWelfareArchived));

  const ids: Record<ClientKey, string> = { ...(DEMO.clients as unknown as Record<DemoClientKey, string>), otherOrganisation };
  const keys = [...new Set(PERSONAS.flatMap((p) => [...p.visible, ...p.invisible]))];
  const clientRows = await db.select().from(clients).where(inArray(clients.id, keys.map((k) => ids[k])));
  const relationships = await db.select().from(clientRelationships).where(inArray(clientRelationships.clientId, keys.map((k) => ids[k])));
  for (const key of keys) {
    const row = clientRows.find((c) => c.id === ids[key]);
    if (!row) throw new Error(`matrix: client ${key} not found`);
    facts.set(key, {
      key,
      id: row.id,
      nonDisclosure: row.addressNonDisclosure,
      responsibleWorkers: relationships
        .filter((r) => r.clientId === row.id && r.endedOn === null)
        .map((r) => ({ unitId: r.unitId, workerId: r.responsibleWorkerId })),
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
    const rows = await db.select().from(table).where(inArray(table.clientId, keys.map((k) => ids[k])));
    for (const row of rows as { id: string; clientId: string; unitId: string; type?: string }[]) {
      recorded.set(row.id, { typename, id: row.id, clientId: row.clientId, unitId: row.unitId, ...(typename === 'Document' ? { documentType: row.type } : {}) });
    }
  }
});

afterAll(async () => {
  const cells = totals.checked + totals.implied + totals.invisible;
  console.log(
    `policy matrix: ${cells} cells (${totals.checked} observed, ${totals.implied} implied by a denied enclosing list, ` +
      `${totals.invisible} on invisible clients), ${totals.rowChecks} row checks, ${allMismatches.length} mismatches` +
      (allMismatches.length ? `\n${allMismatches.map((m) => `  ${m.persona} | ${m.client} | ${m.cell} | expected ${m.expected} | got ${m.got}`).join('\n')}` : ''),
  );
  await t?.close();
});

// ---------------------------------------------------------------------------------------------
// Expectation per cell and row checks
// ---------------------------------------------------------------------------------------------

function expectedOutcome(persona: PersonaCase, client: ClientFacts, field: SensitiveField): Outcome | { noRule: string } {
  const rule = (POLICY[persona.role] as Partial<Record<string, Rule>> | undefined)?.[field.category];
  if (rule === undefined) return { noRule: `no rule for ${persona.role} × ${field.category} in the policy table` };
  if (rule === 'yes') return 'allowed';
  if (rule === 'no') return 'denied';
  if ('only' in rule) {
    const hit = rule.only.includes(`${field.type}.${field.field}`) || rule.only.includes(`${field.type}.*`);
    return hit ? 'allowed' : 'denied';
  }
  return rule.when({ field, persona, client }) ? 'allowed' : 'denied';
}

const UNIT_CODE = new Map<string, string>(Object.values(DEMO.units).map((u) => [u.id, u.code]));
const ORGANISATION_UNITS = Object.values(DEMO.units).map((u) => u.id);

/** Which unit-recorded rows come back: all and only those of the role's scope, restricted types hidden where the role says. */
function rowMismatches(persona: PersonaCase, client: ClientFacts, data: unknown): Mismatch[] {
  const rows = ROWS[persona.role];
  const scopeUnits = rows.scope === 'units' ? persona.unitIds : rows.scope === 'organisation' ? ORGANISATION_UNITS : [];
  const allowedRow = (r: RecordedRow) =>
    r.clientId === client.id && scopeUnits.includes(r.unitId) && !(r.documentType && rows.hiddenDocumentTypes.includes(r.documentType as DocumentType));
  const describeRow = (r: RecordedRow | undefined, id: string) =>
    r ? `${r.typename} ${id.slice(0, 8)} recorded in ${UNIT_CODE.get(r.unitId)}${r.documentType ? ` (${r.documentType})` : ''}${r.clientId === client.id ? '' : ' of another client'}` : `unknown ${id}`;
  const out: Mismatch[] = [];
  const add = (cell: string, expected: string, got: string) => out.push({ persona: persona.login, client: client.key, cell, expected, got });
  const root = (data as { client?: Record<string, unknown> } | null)?.client;
  if (!root) return out;

  // Nothing outside the scope, wherever it is nested (e.g. Disclosure.documents).
  const kinds = new Set<string>(UNIT_RECORDED.map((u) => u.typename));
  for (const e of entitiesIn(root, ['client'])) {
    if (!kinds.has(e.typename)) continue;
    totals.rowChecks += 1;
    const r = recorded.get(e.id);
    if (!r || !allowedRow(r)) add(`rows ${e.path}`, 'only rows of the actor\'s scope', `leaked ${describeRow(r, e.id)}`);
  }
  // Everything inside the scope, for each list the role may read.
  for (const { typename, field } of UNIT_RECORDED) {
    const list = root[field];
    if (!Array.isArray(list)) continue;
    totals.rowChecks += 1;
    const returned = new Set(list.map((o) => (o as { id?: string }).id));
    const missing = [...recorded.values()].filter((r) => r.typename === typename && allowedRow(r) && !returned.has(r.id));
    if (missing.length > 0) add(`rows Client.${field}`, `every ${typename} of the scope`, `missing ${missing.map((r) => describeRow(r, r.id)).join(', ')}`);
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
    if (!catalogued || expectedOutcome(persona, client, catalogued) !== 'denied') continue;
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
    expect(f('childWelfareNonDisclosureOwn').nonDisclosure).toBe(true);
    expect(f('childWelfareNonDisclosureOwn').responsibleWorkers.map((r) => r.workerId)).toContain(sw('sw-child'));
    expect(f('childWelfareNonDisclosureOther').nonDisclosure).toBe(true);
    expect(f('childWelfareNonDisclosureOther').responsibleWorkers.map((r) => r.workerId)).not.toContain(sw('sw-child'));
    expect(f('childWelfareOpen').nonDisclosure).toBe(false);
    expect(f('childWelfareArchived').responsibleWorkers).toEqual([]);
    // The restricted types exist for the child-welfare client, so hiding them from the student means something.
    const restricted = [...recorded.values()].filter((r) => r.clientId === f('childWelfareOpen').id && ['STATEMENT', 'CHILD_WELFARE_NOTIFICATION'].includes(r.documentType ?? ''));
    expect(new Set(restricted.map((r) => r.documentType))).toEqual(new Set(['STATEMENT', 'CHILD_WELFARE_NOTIFICATION']));
  });
});

describe.each(PERSONAS.map((p) => [p.login, p] as const))('policy matrix: %s', (_login, persona) => {
  const visible = persona.visible.map((k) => [k] as const);
  const invisible = persona.invisible.map((k) => [k] as const);

  if (visible.length > 0) {
    it.each(visible)(`visible %s: every sensitive field as §4 says (${persona.role})`, async (key) => {
      const client = facts.get(key)!;
      const result = await t.execute<{ client: unknown }>({ as: persona.login, query: plan.query, variables: { id: client.id } });
      expect(result.status).toBe(200);
      const evaluation = evaluateVisible({
        persona: persona.login,
        client: key,
        plan,
        data: result.data as never,
        errors: result.errors,
        expect: (field) => expectedOutcome(persona, client, field),
      });
      totals.checked += evaluation.checked;
      totals.implied += evaluation.implied;
      const mismatches = report([...evaluation.mismatches, ...rowMismatches(persona, client, result.data), ...contactLeaks(persona, client, result.data)]);
      expect(mismatches).toEqual([]);
    });
  }

  it.each(invisible)('invisible %s: null like a nonexistent id, no error, nothing leaks', async (key) => {
    const client = facts.get(key)!;
    const result = await t.execute({ as: persona.login, query: plan.query, variables: { id: client.id } });
    const unknown = await t.execute({ as: persona.login, query: plan.query, variables: { id: NONEXISTENT } });
    totals.invisible += SENSITIVE_FIELDS.length;
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
    expect(report(mismatches)).toEqual([]);
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
