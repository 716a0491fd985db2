/**
 * Issue 11, items 3 and 5: `recordDisclosure` (luovutus) and `history(entityType, id)`.
 * Expectations are written from DESIGN.md §4 and the register statements (seeds 000, 001, 003, 004),
 * not derived from the policy module.
 */
import { clients, consents, DEMO_PARTNER_TOKEN, disclosureDocuments, disclosures, documentRevisions, entries } from '@vartija/db';
import { type AuditSink, DbAuditSink } from '@vartija/kit';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import { ACTIVE_LOGINS, type ActiveLogin, codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;

/** The real access-log sink, which a test can make fail for writes made inside a mutation's transaction. */
let failTransactionalAuditWrites = false;
const switchableAuditSink: AuditSink = {
  async write(batch, via) {
    if (failTransactionalAuditWrites && via) throw new Error('audit log unavailable (test)');
    return new DbAuditSink(t.database.db).write(batch, via);
  },
};

beforeAll(async () => {
  t = await startTestStack({ auditSink: switchableAuditSink });
});
afterAll(() => t?.close());
afterEach(() => {
  failTransactionalAuditWrites = false;
});

const db = () => t.database.db;
const UNITS = {
  child: DEMO.units['child-welfare'].id,
  family: DEMO.units['family-services'].id,
  adult: DEMO.units['adult-services'].id,
  regionB: DEMO.units['b-child-welfare'].id,
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const errorOf = (result: { errors?: readonly GraphQLFormattedError[] | undefined }) => result.errors?.[0];
/** A persona's credentials: the seeded partner token for majakka, a signed staff token otherwise. */
const asPersona = (login: string) => (login === 'majakka' ? { token: DEMO_PARTNER_TOKEN } : { as: login });
const logOf = (result: { headers: Record<string, string> }) => db().select().from(entries).where(eq(entries.requestId, result.headers['x-request-id']!));

// ------------------------------------------------------------------------------------------------
// history
// ------------------------------------------------------------------------------------------------

const HISTORY = /* GraphQL */ `
  query History($entityType: String!, $id: ID!) {
    history(entityType: $entityType, id: $id) {
      revision entityType entityId changedAt changedBy changedByKind changedByName reason
      changes { field previousValue hidden }
    }
  }
`;
interface FieldChange {
  field: string;
  previousValue: string | null;
  hidden: boolean;
}
interface Revision {
  revision: number;
  entityType: string;
  entityId: string;
  changedAt: string;
  changedBy: string | null;
  changedByKind: string;
  changedByName: string | null;
  reason: string | null;
  changes: FieldChange[];
}
const history = (login: string, entityType: string, id: string) =>
  t.execute<{ history: Revision[] }>({ ...asPersona(login), query: HISTORY, variables: { entityType, id } });

const UPDATE_CLIENT = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateClientInput!, $reason: String) {
    updateClient(id: $id, version: $version, input: $input, reason: $reason) { id version }
  }
`;

/** Corrects a client's phone through the API (updateClient keeps the replaced value in history.revisions). */
async function correctPhone(login: string, clientId: string, phone: string, reason: string): Promise<void> {
  const read = await t.execute<{ client: { version: number; phone: string | null } | null }>({
    as: login,
    query: `query ($id: ID!) { client(id: $id) { version } }`,
    variables: { id: clientId },
  });
  const version = read.data?.client?.version;
  expect(version).toEqual(expect.any(Number));
  const result = await t.execute({ as: login, query: UPDATE_CLIENT, variables: { id: clientId, version, input: { phone }, reason } });
  expect(result.errors).toBeUndefined();
}

/** The client's phone as stored (the test's own ground truth, not through the API). */
async function storedPhone(clientId: string): Promise<string | null> {
  const [row] = await db().select({ phone: clients.phone }).from(clients).where(eq(clients.id, clientId));
  return row!.phone;
}

describe('history: every earlier value with its author, time and reason', () => {
  const client = DEMO.clients.childWelfareOpen;
  const phones: (string | null)[] = [];

  beforeAll(async () => {
    phones.push(await storedPhone(client));
    for (const [i, phone] of ['040 111 0001', '040 111 0002', '040 111 0003'].entries()) {
      await correctPhone('sw-child', client, phone, `correction ${i + 1}: number given by the client`);
      phones.push(phone);
    }
  });

  it('after N = 3 corrections lists 3 revisions, oldest first, each with the value it replaced', async () => {
    const result = await history('sw-child', 'Client', client);
    expect(result.errors).toBeUndefined();
    const revisions = result.data!.history;
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3]);
    revisions.forEach((r, i) => {
      expect(r).toMatchObject({
        entityType: 'Client',
        entityId: client,
        changedBy: DEMO.users['sw-child'].id,
        changedByKind: 'USER',
        changedByName: 'Sari Koskinen',
        reason: `correction ${i + 1}: number given by the client`,
      });
      expect(r.changes).toEqual([{ field: 'phone', previousValue: JSON.stringify(phones[i]), hidden: false }]);
    });
    const times = revisions.map((r) => Date.parse(r.changedAt));
    expect(times.every((time, i) => i === 0 || time >= times[i - 1]!)).toBe(true);
    expect(Math.abs(times[2]! - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('logs each value shown as a READ of the record with its category', async () => {
    const result = await history('sw-child', 'Client', client);
    const reads = (await logOf(result)).filter((e) => e.action === 'READ' && e.outcome === 'ALLOWED' && e.entityType === 'Client');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ entityId: client, clientId: client, fields: ['phone'], categories: ['CONTACT'], actorRole: 'SOCIAL_WORKER', unitId: UNITS.child });
  });

  it('hides from a STUDENT a field it may not read: the change is listed, the value and reason are not', async () => {
    const result = await history('student-child', 'Client', client);
    expect(result.errors).toBeUndefined();
    const revisions = result.data!.history;
    expect(revisions).toHaveLength(3);
    for (const r of revisions) {
      expect(r.changes).toEqual([{ field: 'phone', previousValue: null, hidden: true }]);
      expect(r.reason).toBeNull();
    }
    const text = JSON.stringify(result.data);
    for (const phone of phones) if (phone) expect(text).not.toContain(phone);
    // Nothing shown: the look is logged, without fields.
    const log = await logOf(result);
    expect(log.filter((e) => e.entityType === 'Client' && e.outcome === 'ALLOWED').flatMap((e) => e.fields)).toEqual([]);
    expect(log.some((e) => e.entityId === client && e.action === 'READ')).toBe(true);
  });

  it('address non-disclosure: only the responsible worker and the manager see the earlier contact data', async () => {
    const protectedClient = DEMO.clients.childWelfareNonDisclosureOther; // responsible: sw-child-2
    const before = await storedPhone(protectedClient);
    await correctPhone('mgr-child', protectedClient, '040 222 0001', 'number corrected by the manager');
    const shown = (login: string) => history(login, 'Client', protectedClient).then((r) => r.data?.history.at(-1)?.changes);
    expect(await shown('sw-child')).toEqual([{ field: 'phone', previousValue: null, hidden: true }]);
    expect(await shown('sw-child-2')).toEqual([{ field: 'phone', previousValue: JSON.stringify(before), hidden: false }]);
    expect(await shown('mgr-child')).toEqual([{ field: 'phone', previousValue: JSON.stringify(before), hidden: false }]);
  });

  it("billing gets NOT_FOUND for a decision's history (it reads no case records), the unit's worker does not", async () => {
    const own = await history('sw-child', 'Decision', DEMO.decisions.childWelfareOpen);
    expect(own.errors).toBeUndefined();
    expect(Array.isArray(own.data!.history)).toBe(true);
    const billing = await history('billing', 'Decision', DEMO.decisions.childWelfareOpen);
    expect(codesOf(billing)).toEqual(['NOT_FOUND']);
    expect(billing.data?.history ?? null).toBeNull();
  });

  it('a document maps to its revisions: the title and body each correction replaced, its author and reason', async () => {
    const result = await history('sw-child', 'Document', DEMO.documents.corrected);
    expect(result.errors).toBeUndefined();
    const revisions = result.data!.history;
    // The seeded document has 3 versions: 2 corrections.
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    const versions = await db().select().from(documentRevisions).where(eq(documentRevisions.documentId, DEMO.documents.corrected)).orderBy(documentRevisions.revision);
    revisions.forEach((r, i) => {
      expect(r.reason).toBe(versions[i + 1]!.reason);
      expect(r.changedBy).toBe(versions[i + 1]!.authorId);
      for (const change of r.changes) {
        expect(change.hidden).toBe(false);
        expect(JSON.parse(change.previousValue!)).toBe(versions[i]![change.field as 'title' | 'body']);
      }
      expect(r.changes.length).toBeGreaterThan(0);
    });
    const reads = (await logOf(result)).filter((e) => e.entityType === 'Document' && e.action === 'READ');
    expect(reads[0]).toMatchObject({ entityId: DEMO.documents.corrected, categories: ['CASE_RECORD'] });
    // A STUDENT never sees a restricted type's history; another unit never sees the document at all.
    expect(codesOf(await history('student-child', 'Document', DEMO.documents.restrictedChildWelfare))).toEqual(['NOT_FOUND']);
    expect(codesOf(await history('sw-family', 'Document', DEMO.documents.corrected))).toEqual(['NOT_FOUND']);
  });

  it('refuses an entity type it does not know, listing the valid ones', async () => {
    const result = await history('sw-child', 'Spaceship', DEMO.clients.childWelfareOpen);
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorOf(result)?.message).toMatch(/Client, Guardian, ClientRelationship, Consent, Commission, Decision, Placement/);
  });

  it('answers an unknown id like an invisible one', async () => {
    expect(codesOf(await history('sw-child', 'Client', UNKNOWN_ID))).toEqual(['NOT_FOUND']);
    expect(codesOf(await history('sw-child', 'Client', DEMO.clients.familyOnly))).toEqual(['NOT_FOUND']);
    // A malformed id is refused before any resolver runs, like everywhere in the API.
    expect(codesOf(await history('sw-child', 'Client', 'not-an-id'))).toHaveLength(1);
    const noRevisions = await history('sw-child', 'Client', DEMO.clients.childWelfareNonDisclosureOwn);
    expect(noRevisions.errors).toBeUndefined();
    expect(noRevisions.data!.history).toEqual([]);
  });
});

describe('history: personas × records (visible, invisible)', () => {
  // What each persona gets for a client whose phone (CONTACT) was corrected: the value, the change
  // hidden, or NOT_FOUND (DESIGN.md §4: CONTACT for SOCIAL_WORKER / MANAGER only; BILLING municipality
  // only; AUDITOR, STUDENT none; organisation-wide roles reach the organisation's non-archived clients;
  // the registrar only the archive; a partner only commissioned clients; another region nothing).
  type Outcome = 'shown' | 'hidden' | 'NOT_FOUND';
  const RECORDS = {
    childWelfare: DEMO.clients.childWelfareOpen,
    adult: DEMO.clients.adultOnly,
    regionB: DEMO.regionB.open,
  } as const;
  const EXPECTED: Record<ActiveLogin, Record<keyof typeof RECORDS, Outcome>> = {
    'sw-child': { childWelfare: 'shown', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'sw-family': { childWelfare: 'NOT_FOUND', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'sw-adult': { childWelfare: 'NOT_FOUND', adult: 'shown', regionB: 'NOT_FOUND' },
    'mgr-child': { childWelfare: 'shown', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'student-child': { childWelfare: 'hidden', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    billing: { childWelfare: 'hidden', adult: 'hidden', regionB: 'NOT_FOUND' },
    dpo: { childWelfare: 'hidden', adult: 'hidden', regionB: 'NOT_FOUND' },
    admin: { childWelfare: 'NOT_FOUND', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    majakka: { childWelfare: 'NOT_FOUND', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'sw-adult-student': { childWelfare: 'hidden', adult: 'shown', regionB: 'NOT_FOUND' },
    'mgr-family-sw-child': { childWelfare: 'shown', adult: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'billing-student': { childWelfare: 'hidden', adult: 'hidden', regionB: 'NOT_FOUND' },
    'dpo-student': { childWelfare: 'hidden', adult: 'hidden', regionB: 'NOT_FOUND' },
    'sw-b': { childWelfare: 'NOT_FOUND', adult: 'NOT_FOUND', regionB: 'shown' },
    'dpo-b': { childWelfare: 'NOT_FOUND', adult: 'NOT_FOUND', regionB: 'hidden' },
  };
  const ORGANISATION: Record<keyof typeof RECORDS, string> = {
    childWelfare: 'region',
    adult: 'region',
    regionB: 'region-b',
  };
  const before: Partial<Record<keyof typeof RECORDS, string | null>> = {};

  beforeAll(async () => {
    const correctors: Record<keyof typeof RECORDS, string> = { childWelfare: 'mgr-child', adult: 'sw-adult', regionB: 'sw-b' };
    for (const key of Object.keys(RECORDS) as (keyof typeof RECORDS)[]) {
      await correctPhone(correctors[key], RECORDS[key], `050 333 00${Object.keys(RECORDS).indexOf(key)}`, 'matrix correction');
      before[key] = null; // filled from the corrector's own view below
      const own = await history(correctors[key], 'Client', RECORDS[key]);
      const last = own.data!.history.at(-1)!;
      expect(last.changes[0]!.hidden).toBe(false);
      before[key] = last.changes[0]!.previousValue;
    }
  });

  const cells = ACTIVE_LOGINS.flatMap((login) => (Object.keys(RECORDS) as (keyof typeof RECORDS)[]).map((record) => [login, record, EXPECTED[login][record]] as const));

  it.each(cells)('%s × %s → %s', async (login, record, expected) => {
    const id = RECORDS[record];
    const result = await history(login, 'Client', id);
    const log = await logOf(result);
    if (expected === 'NOT_FOUND') {
      expect(codesOf(result)).toEqual(['NOT_FOUND']);
      // A refused look-up of a client in the caller's register (the partner token's: its issuing region's) is logged
      // as DENIED; another register's never named.
      const register = login === 'majakka' ? 'region' : (DEMO.users as Record<string, { organisation?: string }>)[login]?.organisation;
      const sameRegister = register === ORGANISATION[record];
      const denied = log.filter((e) => e.outcome === 'DENIED' && e.clientId === id);
      expect(denied.length).toBe(sameRegister ? 1 : 0);
      expect(log.filter((e) => e.outcome === 'ALLOWED' && e.clientId === id)).toEqual([]);
      return;
    }
    expect(result.errors).toBeUndefined();
    const last = result.data!.history.at(-1)!;
    expect(last.reason).toBe(expected === 'shown' ? 'matrix correction' : null);
    expect(last.changes).toEqual([{ field: 'phone', previousValue: expected === 'shown' ? before[record] : null, hidden: expected === 'hidden' }]);
    const phoneReads = log.filter((e) => e.outcome === 'ALLOWED' && e.clientId === id && e.fields.includes('phone'));
    expect(phoneReads.length).toBe(expected === 'shown' ? 1 : 0);
  });
});

// ------------------------------------------------------------------------------------------------
// recordDisclosure
// ------------------------------------------------------------------------------------------------

const RECORD_DISCLOSURE = /* GraphQL */ `
  mutation RecordDisclosure($input: RecordDisclosureInput!) {
    recordDisclosure(input: $input) {
      id
      unit { id }
      recipientName
      recipientOrganisation { id }
      legalBasis
      consentId
      requestDescription
      requestedOn
      disclosedAt
      disclosedByName
      documents { id }
    }
  }
`;
interface DisclosureAnswer {
  id: string;
  unit: { id: string };
  recipientName: string | null;
  recipientOrganisation: { id: string } | null;
  legalBasis: string | null;
  consentId: string | null;
  requestDescription: string | null;
  requestedOn: string | null;
  disclosedAt: string | null;
  disclosedByName: string | null;
  documents: { id: string }[] | null;
}
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

function disclosureInput(clientId: string, unitId: string, documentIds: string[], extra: Record<string, unknown> = {}) {
  return {
    clientId,
    unitId,
    recipientName: 'Hämeenlinnan hallinto-oikeus',
    legalAct: 'Lastensuojelulaki',
    legalSection: '43 §',
    requestDescription: 'Hallinto-oikeuden selvityspyyntö dnro 123/2025: asiakassuunnitelma ja viimeisin asiakaskertomus.',
    requestedOn: yesterday(),
    documentIds,
    ...extra,
  };
}
const recordDisclosure = (login: string, input: Record<string, unknown>) =>
  t.execute<{ recordDisclosure: DisclosureAnswer | null }>({ ...asPersona(login), query: RECORD_DISCLOSURE, variables: { input } });

async function disclosureCount(): Promise<number> {
  const [row] = await db().select({ n: count() }).from(disclosures);
  return Number(row!.n);
}

describe('recordDisclosure: personas × targets (own unit, another unit, another region)', () => {
  type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
  const TARGETS = {
    ownChild: { client: DEMO.clients.childWelfareOpen, unit: UNITS.child, documents: [DEMO.documents.childWelfareOpenCaseNote, DEMO.documents.corrected], organisation: 'region' },
    family: { client: DEMO.clients.familyOnly, unit: UNITS.family, documents: [DEMO.documents.familyOnlyCaseNote], organisation: 'region' },
    regionB: { client: DEMO.regionB.open, unit: UNITS.regionB, documents: [DEMO.regionB.caseNote], organisation: 'region-b' },
  } as const;
  // DESIGN.md §4: SOCIAL_WORKER and MANAGER of a unit serving the client disclose its documents; STUDENT,
  // BILLING, AUDITOR write nothing (FORBIDDEN where they see the client, else NOT_FOUND); the registrar
  // reads no client outside the archive; a partner discloses nothing (it sees none of these clients).
  const EXPECTED: Record<ActiveLogin, Record<keyof typeof TARGETS, Outcome>> = {
    'sw-child': { ownChild: 'ok', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'sw-family': { ownChild: 'NOT_FOUND', family: 'ok', regionB: 'NOT_FOUND' },
    'sw-adult': { ownChild: 'NOT_FOUND', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'mgr-child': { ownChild: 'ok', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'student-child': { ownChild: 'FORBIDDEN', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    billing: { ownChild: 'FORBIDDEN', family: 'FORBIDDEN', regionB: 'NOT_FOUND' },
    dpo: { ownChild: 'FORBIDDEN', family: 'FORBIDDEN', regionB: 'NOT_FOUND' },
    admin: { ownChild: 'NOT_FOUND', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    majakka: { ownChild: 'NOT_FOUND', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'sw-adult-student': { ownChild: 'FORBIDDEN', family: 'NOT_FOUND', regionB: 'NOT_FOUND' },
    'mgr-family-sw-child': { ownChild: 'ok', family: 'ok', regionB: 'NOT_FOUND' },
    'billing-student': { ownChild: 'FORBIDDEN', family: 'FORBIDDEN', regionB: 'NOT_FOUND' },
    'dpo-student': { ownChild: 'FORBIDDEN', family: 'FORBIDDEN', regionB: 'NOT_FOUND' },
    'sw-b': { ownChild: 'NOT_FOUND', family: 'NOT_FOUND', regionB: 'ok' },
    'dpo-b': { ownChild: 'NOT_FOUND', family: 'NOT_FOUND', regionB: 'FORBIDDEN' },
  };
  // The role the log names for an allowed disclosure: the grant of the disclosing unit.
  const ROLE: Partial<Record<ActiveLogin, Partial<Record<keyof typeof TARGETS, string>>>> = {
    'mgr-child': { ownChild: 'MANAGER' },
    'mgr-family-sw-child': { ownChild: 'SOCIAL_WORKER', family: 'MANAGER' },
  };

  const cells = ACTIVE_LOGINS.flatMap((login) => (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).map((target) => [login, target, EXPECTED[login][target]] as const));

  it.each(cells)('%s × %s → %s', async (login, targetName, expected) => {
    const target = TARGETS[targetName];
    const countBefore = await disclosureCount();
    const result = await recordDisclosure(login, disclosureInput(target.client, target.unit, [...target.documents]));
    const log = await logOf(result);
    if (expected !== 'ok') {
      expect(codesOf(result)).toEqual([expected]);
      expect(await disclosureCount()).toBe(countBefore);
      expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ')).toEqual([]);
      // Refused with a known target is logged DENIED with the client, a client of the caller's register only
      // (its organisation's, the partner token's issuing region's; another register's client is an unknown id,
      // kit write service, as for recordDocument).
      // The register the caller works in: its organisation's; the partner token's issuing region's.
      const register = login === 'majakka' ? 'region' : (DEMO.users as Record<string, { organisation?: string }>)[login]?.organisation;
      const sameRegister = register === target.organisation;
      const denied = log.filter((e) => e.outcome === 'DENIED' && e.clientId === target.client);
      if (sameRegister) expect(denied.length).toBeGreaterThanOrEqual(1);
      else expect(denied).toEqual([]);
      return;
    }
    expect(result.errors).toBeUndefined();
    const answer = result.data!.recordDisclosure!;
    expect(answer).toMatchObject({
      unit: { id: target.unit },
      recipientName: 'Hämeenlinnan hallinto-oikeus',
      legalBasis: 'Lastensuojelulaki 43 §',
      consentId: null,
      requestedOn: yesterday(),
      recipientOrganisation: null,
    });
    expect(answer.documents!.map((d) => d.id).sort()).toEqual([...target.documents].sort());
    expect(await disclosureCount()).toBe(countBefore + 1);
    const role = ROLE[login]?.[targetName] ?? 'SOCIAL_WORKER';
    const creates = log.filter((e) => e.action === 'CREATE' && e.outcome === 'ALLOWED');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ entityType: 'Disclosure', entityId: answer.id, clientId: target.client, actorRole: role, unitId: target.unit });
    const disclosed = log.filter((e) => e.action === 'DISCLOSE' && e.outcome === 'ALLOWED');
    expect(disclosed.map((e) => e.entityId).sort()).toEqual([...target.documents].sort());
    for (const entry of disclosed) {
      expect(entry).toMatchObject({ entityType: 'Document', clientId: target.client, actorRole: role, unitId: target.unit, categories: ['CASE_RECORD'] });
      expect(entry.fields).toEqual(expect.arrayContaining(['body', 'title']));
    }
  });
});

describe('recordDisclosure: the basis, the documents and the log', () => {
  const client = DEMO.clients.childWelfareOpen;

  async function schoolConsent(): Promise<string> {
    const [row] = await db()
      .select({ id: consents.id })
      .from(consents)
      .where(and(eq(consents.clientId, client), eq(consents.recipientName, 'Koulun oppilashuolto')));
    return row!.id;
  }

  it('records a disclosure on the client consent, to the recipient the consent names', async () => {
    const consentId = await schoolConsent();
    const result = await recordDisclosure(
      'sw-child',
      disclosureInput(client, UNITS.child, [DEMO.documents.childWelfareOpenCaseNote], { legalAct: null, legalSection: null, consentId, recipientName: 'Koulun oppilashuolto' }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordDisclosure).toMatchObject({ consentId, legalBasis: null, recipientName: 'Koulun oppilashuolto', disclosedByName: 'Sari Koskinen' });
    const [stored] = await db().select().from(disclosures).where(eq(disclosures.id, result.data!.recordDisclosure!.id));
    expect(stored).toMatchObject({ consentId, legalBasis: null, disclosedBy: DEMO.users['sw-child'].id, unitId: UNITS.child });
  });

  it('refuses a consent given to another recipient', async () => {
    const consentId = await schoolConsent();
    const before = await disclosureCount();
    const result = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, [DEMO.documents.childWelfareOpenCaseNote], { legalAct: null, legalSection: null, consentId, recipientName: 'Poliisi' }));
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(await disclosureCount()).toBe(before);
  });

  it('refuses a disclosure on a withdrawn consent: CONFLICT saying when it was withdrawn, logged DENIED', async () => {
    const [consent] = await db().select().from(consents).where(eq(consents.id, DEMO.consents.withdrawn));
    expect(consent!.withdrawnOn).not.toBeNull();
    const before = await disclosureCount();
    const result = await recordDisclosure(
      'sw-adult',
      disclosureInput(DEMO.clients.adultOnly, UNITS.adult, [DEMO.documents.adultOnlyCaseNote], { legalAct: null, legalSection: null, consentId: consent!.id, recipientName: consent!.recipientName }),
    );
    expect(codesOf(result)).toEqual(['CONFLICT']);
    expect(errorOf(result)?.extensions?.['reason']).toBe(`consent withdrawn on ${consent!.withdrawnOn}`);
    expect(await disclosureCount()).toBe(before);
    const log = await logOf(result);
    expect(log.filter((e) => e.outcome === 'DENIED' && e.clientId === DEMO.clients.adultOnly)).toHaveLength(1);
    expect(log.filter((e) => e.outcome === 'ALLOWED' && e.action !== 'READ')).toEqual([]);
  });

  it('requires exactly one basis: neither or both is BAD_USER_INPUT, so is an act without its section', async () => {
    const consentId = await schoolConsent();
    const base = disclosureInput(client, UNITS.child, [DEMO.documents.childWelfareOpenCaseNote]);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, legalAct: null, legalSection: null }, 'input.legalAct'],
      [{ ...base, consentId }, 'input.consentId'],
      [{ ...base, legalSection: null }, 'input.legalSection'],
      [{ ...base, requestDescription: '  ' }, 'input.requestDescription'],
      [{ ...base, documentIds: [] }, 'input.documentIds'],
      [{ ...base, requestedOn: '2999-01-01' }, 'input.requestedOn'],
    ];
    const before = await disclosureCount();
    for (const [input, field] of cases) {
      const result = await recordDisclosure('sw-child', input);
      expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
      expect(errorOf(result)?.extensions?.['field']).toBe(field);
    }
    expect(await disclosureCount()).toBe(before);
  });

  it("answers NOT_FOUND for a document that is not the client's, or not in the disclosing unit, and writes nothing", async () => {
    const before = await disclosureCount();
    // Another client's document (same unit).
    const other = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, [DEMO.documents.childAndFamilyChildWelfare]));
    expect(codesOf(other)).toEqual(['NOT_FOUND']);
    // The client's document recorded in another unit, through a grant that sees both (mgr-family-sw-child).
    const crossUnit = await recordDisclosure(
      'mgr-family-sw-child',
      disclosureInput(DEMO.clients.childAndFamily, UNITS.child, [DEMO.documents.childAndFamilyChildWelfare, DEMO.documents.childAndFamilyFamily]),
    );
    expect(codesOf(crossUnit)).toEqual(['NOT_FOUND']);
    expect(errorOf(crossUnit)?.message).toContain(DEMO.documents.childAndFamilyFamily);
    const unknown = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, [UNKNOWN_ID]));
    expect(codesOf(unknown)).toEqual(['NOT_FOUND']);
    expect(await disclosureCount()).toBe(before);
    expect((await logOf(crossUnit)).filter((e) => e.outcome === 'DENIED' && e.entityId === DEMO.documents.childAndFamilyFamily)).toHaveLength(1);
  });

  it('a failed log write rolls the disclosure back: no row, no document links, no entries', async () => {
    const before = await disclosureCount();
    const [links] = await db().select({ n: count() }).from(disclosureDocuments);
    failTransactionalAuditWrites = true;
    const result = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, [DEMO.documents.childWelfareOpenCaseNote]));
    failTransactionalAuditWrites = false;
    expect(codesOf(result)).toContain('AUDIT_UNAVAILABLE');
    expect(await disclosureCount()).toBe(before);
    const [linksAfter] = await db().select({ n: count() }).from(disclosureDocuments);
    expect(Number(linksAfter!.n)).toBe(Number(links!.n));
    const log = await logOf(result);
    expect(log.filter((e) => e.action === 'CREATE' || e.action === 'DISCLOSE')).toEqual([]);
  });

  it('the CREATE entry and the DISCLOSE entries are written with the rows', async () => {
    const documents = [DEMO.documents.childWelfareOpenCaseNote, DEMO.documents.restrictedChildWelfare];
    const result = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, documents));
    expect(result.errors).toBeUndefined();
    const id = result.data!.recordDisclosure!.id;
    const log = await db().select().from(entries).where(and(eq(entries.requestId, result.headers['x-request-id']!), inArray(entries.action, ['CREATE', 'DISCLOSE'])));
    expect(log.map((e) => `${e.action} ${e.entityType} ${e.entityId}`).sort()).toEqual(
      [`CREATE Disclosure ${id}`, ...documents.map((d) => `DISCLOSE Document ${d}`)].sort(),
    );
    // One transaction: the entries' chain positions are consecutive.
    const links = await db().select().from(disclosureDocuments).where(eq(disclosureDocuments.disclosureId, id));
    expect(links.map((l) => l.documentId).sort()).toEqual([...documents].sort());
  });

  it('the answer obeys the read rules: a STUDENT reading the disclosure later does not see the restricted document', async () => {
    const documents = [DEMO.documents.childWelfareOpenCaseNote, DEMO.documents.restrictedChildWelfare];
    const result = await recordDisclosure('sw-child', disclosureInput(client, UNITS.child, documents));
    const id = result.data!.recordDisclosure!.id;
    const read = await t.execute<{ client: { disclosures: { id: string; documents: { id: string }[] }[] } }>({
      as: 'student-child',
      query: `query ($id: ID!) { client(id: $id) { disclosures { id documents { id } } } }`,
      variables: { id: client },
    });
    const seen = read.data!.client.disclosures.find((d) => d.id === id)!;
    expect(seen.documents.map((d) => d.id)).toEqual([DEMO.documents.childWelfareOpenCaseNote]);
  });

  it('me.permissions shows Disclosure create to those who may disclose, not to a STUDENT', async () => {
    const permissions = async (login: string) => {
      const result = await t.execute<{ me: { permissions: { subject: string; actions: string[] }[] } }>({ as: login, query: `{ me { permissions { subject actions } } }` });
      return result.data!.me.permissions.find((p) => p.subject === 'Disclosure')?.actions ?? [];
    };
    expect(await permissions('sw-child')).toContain('create');
    expect(await permissions('mgr-child')).toContain('create');
    expect(await permissions('student-child')).not.toContain('create');
    expect(await permissions('billing')).not.toContain('create');
  });
});
