import { asc, count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { openDatabase, type Database, type Db } from '../client';
import * as s from '../schema';
import { DEMO, demoPersonalIdentityCode, PERSONAS, isSeeded, seedDemoWorld, type SeedSummary, type StaffLogin, type UnitCode } from './demo-world';
import { parsePersonalIdentityCode } from './hetu';

const NOW = new Date('2025-06-15T09:30:00Z');
const LATER = new Date('2026-02-03T22:10:00Z');
const TODAY = '2025-06-15';

/** The same rule as the policy: visible while open or for 12 months after ending. */
function monthsBefore(iso: string, months: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}
const VISIBILITY_CUTOFF = monthsBefore(TODAY, 12);

function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

const ALL_TABLES: Record<keyof SeedSummary, PgTable> = {
  organisations: s.organisations,
  units: s.units,
  users: s.users,
  grants: s.grants,
  clients: s.clients,
  guardians: s.guardians,
  clientRelationships: s.clientRelationships,
  commissions: s.commissions,
  consents: s.consents,
  decisions: s.decisions,
  placements: s.placements,
  careDays: s.careDays,
  paymentCommitments: s.paymentCommitments,
  invoices: s.invoices,
  restrictions: s.restrictions,
  assistanceRequests: s.assistanceRequests,
  medications: s.medications,
  documents: s.documents,
  documentRevisions: s.documentRevisions,
  disclosures: s.disclosures,
  disclosureDocuments: s.disclosureDocuments,
  dataSubjectRequests: s.dataSubjectRequests,
};

async function dump(db: Db, name: keyof SeedSummary): Promise<unknown[]> {
  if (name === 'disclosureDocuments') {
    const t = s.disclosureDocuments;
    return db.select().from(t).orderBy(asc(t.disclosureId), asc(t.documentId));
  }
  const table = ALL_TABLES[name] as typeof s.clients;
  const rows = await db.select().from(table).orderBy(asc(table.id));
  // A client's statistics key is random by design (issue 13: it must not be derivable from anything).
  return name === 'clients' ? rows.map(({ statisticsKey: _key, ...row }) => row) : rows;
}

describe('demo world seed', () => {
  let first: Database;
  let second: Database;
  let later: Database;
  let summary: SeedSummary;
  let db: Db;

  let clients: (typeof s.clients.$inferSelect)[];
  let relationships: (typeof s.clientRelationships.$inferSelect)[];
  let documents: (typeof s.documents.$inferSelect)[];
  let revisions: (typeof s.documentRevisions.$inferSelect)[];

  const unitOf = (code: UnitCode): string => DEMO.units[code].id;
  const CHILD_WELFARE_UNITS = [unitOf('child-welfare'), unitOf('b-child-welfare')];
  const REGION = DEMO.organisations.region.id;
  const REGION_B = DEMO.organisations['region-b'].id;
  const relationshipsOf = (clientId: string) => relationships.filter((r) => r.clientId === clientId);
  const clientById = (id: string) => {
    const found = clients.find((c) => c.id === id);
    if (!found) throw new Error(`no client ${id}`);
    return found;
  };

  beforeAll(async () => {
    [first, second, later] = await Promise.all([openDatabase({}), openDatabase({}), openDatabase({})]);
    await Promise.all([first.migrate(), second.migrate(), later.migrate()]);
    db = first.db;

    expect(await isSeeded(db)).toBe(false);
    const started = performance.now();
    summary = await seedDemoWorld(db, { now: NOW });
    const elapsed = performance.now() - started;
    const rows = Object.values(summary).reduce((a, b) => a + b, 0);
    // Logged, not asserted: timing depends on the machine. The budget is well under 2 s.
    console.log(`demo world seeded in ${elapsed.toFixed(0)} ms (${rows} rows, ${first.statements.count} statements)`);

    await seedDemoWorld(second.db, { now: NOW });
    await seedDemoWorld(later.db, { now: LATER });

    clients = await db.select().from(s.clients).orderBy(asc(s.clients.id));
    relationships = await db.select().from(s.clientRelationships).orderBy(asc(s.clientRelationships.id));
    documents = await db.select().from(s.documents).orderBy(asc(s.documents.id));
    revisions = await db.select().from(s.documentRevisions).orderBy(asc(s.documentRevisions.id));
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close(), later?.close()]);
  });

  describe('determinism', () => {
    it.each(Object.keys(ALL_TABLES) as (keyof SeedSummary)[])('seeds identical %s for the same now', async (name) => {
      const [a, b] = await Promise.all([dump(first.db, name), dump(second.db, name)]);
      expect(a.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    });

    it('keeps ids, names and assignments when seeded at another time; only dates move', async () => {
      const laterClients = await later.db.select().from(s.clients).orderBy(asc(s.clients.id));
      const pick = (c: typeof s.clients.$inferSelect) => [c.id, c.firstName, c.lastName, c.municipality, c.addressNonDisclosure];
      expect(laterClients.map(pick)).toEqual(clients.map(pick));

      const laterRelationships = await later.db.select().from(s.clientRelationships).orderBy(asc(s.clientRelationships.id));
      const rel = (r: typeof s.clientRelationships.$inferSelect) => [r.id, r.clientId, r.unitId, r.responsibleWorkerId, r.endedOn === null];
      expect(laterRelationships.map(rel)).toEqual(relationships.map(rel));

      const laterDocuments = await later.db.select().from(s.documents).orderBy(asc(s.documents.id));
      const doc = (d: typeof s.documents.$inferSelect) => [d.id, d.clientId, d.unitId, d.type, d.title, d.currentRevision];
      expect(laterDocuments.map(doc)).toEqual(documents.map(doc));

      const laterCodes = laterClients.map((c) => c.personalIdentityCode);
      expect(laterCodes).not.toEqual(clients.map((c) => c.personalIdentityCode));
    });

    it('returns the number of rows it inserted into each table', async () => {
      for (const [name, table] of Object.entries(ALL_TABLES)) {
        const [row] = await db.select({ n: count() }).from(table);
        expect({ name, n: row?.n }).toEqual({ name, n: summary[name as keyof SeedSummary] });
      }
    });

    it('refuses to seed a seeded database', async () => {
      expect(await isSeeded(db)).toBe(true);
      await expect(seedDemoWorld(db, { now: NOW })).rejects.toThrow(/already seeded/);
      const [row] = await db.select({ n: count() }).from(s.clients);
      expect(row?.n).toBe(summary.clients);
    });

    it('writes no audit entries and only the demo partner token of majakka', async () => {
      const [entries] = await db.select({ n: count() }).from(s.entries);
      const tokens = await db.select().from(s.apiTokens);
      expect(entries?.n).toBe(0);
      expect(tokens).toHaveLength(1);
      expect(tokens[0]).toMatchObject({ organisationId: DEMO.organisations.majakka.id, tokenPrefix: 'vrt_pt_6d616a61', revokedAt: null });
      expect(tokens[0]!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('organisations, units and personas', () => {
    it('has the region, region-b, majakka and four units with a 12-month window', async () => {
      const orgs = await db.select().from(s.organisations);
      expect(orgs.map((o) => [o.id, o.code, o.name, o.kind]).sort()).toEqual(
        [
          [REGION, 'region', 'Demo Welfare Region', 'WELFARE_REGION'],
          [REGION_B, 'region-b', 'Toinen Hyvinvointialue', 'WELFARE_REGION'],
          [DEMO.organisations.majakka.id, 'majakka', 'Perhekoti Majakka', 'SERVICE_PROVIDER'],
        ].sort(),
      );
      const units = await db.select().from(s.units);
      expect(units.map((u) => [u.code, u.serviceTask, u.organisationId, u.visibilityWindowMonths]).sort()).toEqual([
        ['adult-services', 'ADULT_SOCIAL_WORK', REGION, 12],
        ['b-child-welfare', 'CHILD_WELFARE', REGION_B, 12],
        ['child-welfare', 'CHILD_WELFARE', REGION, 12],
        ['family-services', 'FAMILY_SERVICES', REGION, 12],
      ]);
    });

    it('gives every user the grants of DESIGN.md §7, in its own organisation', async () => {
      expect(PERSONAS.map((p) => p.login)).toEqual([
        'sw-child', 'sw-family', 'sw-adult', 'mgr-child', 'student-child', 'student-ended', 'billing', 'dpo', 'admin',
        'sw-adult-student', 'mgr-family-sw-child', 'billing-student', 'dpo-student', 'sw-b', 'dpo-b',
      ]);
      const users = await db.select().from(s.users);
      const grants = await db.select().from(s.grants);
      const logins = Object.keys(DEMO.users) as StaffLogin[];
      expect(users.map((u) => u.login).sort()).toEqual([...logins].sort());
      const summary = (login: StaffLogin) =>
        grants
          .filter((g) => g.userId === DEMO.users[login].id)
          .map((g) => `${g.role} ${g.unitId === null ? 'organisation' : (Object.values(DEMO.units).find((u) => u.id === g.unitId)?.code ?? '?')}`)
          .sort();
      for (const login of logins) {
        const demo = DEMO.users[login];
        const user = users.find((u) => u.login === login);
        expect(user?.id).toBe(demo.id);
        expect(user?.organisationId).toBe(DEMO.organisations[demo.organisation].id);
        const userGrants = grants.filter((g) => g.userId === demo.id);
        expect(userGrants.map((g) => g.id).sort()).toEqual(demo.grants.map((g) => g.id).sort());
        for (const g of demo.grants) {
          expect(userGrants.find((row) => row.id === g.id)).toMatchObject({
            role: g.role,
            unitId: g.unit === null ? null : unitOf(g.unit),
            organisationId: DEMO.organisations[g.organisation].id,
            revokedAt: null,
          });
        }
        if ('grantId' in demo) expect(demo.grants).toEqual([expect.objectContaining({ id: demo.grantId, role: demo.role, unit: demo.unit })]);
        else expect(demo.grants.length).toBeGreaterThan(1);
      }
      expect(summary('sw-child')).toEqual(['SOCIAL_WORKER child-welfare']);
      expect(summary('sw-adult-student')).toEqual(['SOCIAL_WORKER adult-services', 'STUDENT child-welfare']);
      expect(summary('mgr-family-sw-child')).toEqual(['MANAGER family-services', 'SOCIAL_WORKER child-welfare']);
      expect(summary('billing-student')).toEqual(['BILLING organisation', 'STUDENT child-welfare']);
      expect(summary('dpo-student')).toEqual(['AUDITOR organisation', 'STUDENT child-welfare']);
      expect(summary('sw-b')).toEqual(['SOCIAL_WORKER b-child-welfare']);
      expect(summary('dpo-b')).toEqual(['AUDITOR organisation']);
      expect(DEMO.users['sw-b']).toMatchObject({ organisation: 'region-b', unit: 'b-child-welfare', role: 'SOCIAL_WORKER' });
      expect(DEMO.users['dpo-b']).toMatchObject({ organisation: 'region-b', unit: null, role: 'AUDITOR' });
      expect(new Set(grants.map((g) => g.id)).size).toBe(grants.length);
      expect(DEMO.users['billing'].unit).toBeNull();
      expect(DEMO.users['dpo'].role).toBe('AUDITOR');
      expect(DEMO.users['admin'].role).toBe('REGISTRAR');
      expect(DEMO.users['sw-child-2'].unit).toBe('child-welfare');
    });

    it('has one internship valid now and one that ended yesterday', async () => {
      const grants = await db.select().from(s.grants);
      const grantOf = (login: 'student-child' | 'student-ended') => grants.find((g) => g.id === DEMO.users[login].grantId);
      const valid = grantOf('student-child');
      expect(valid?.validFrom.getTime()).toBe(NOW.getTime() - 60 * 86_400_000);
      expect(valid?.validUntil?.getTime()).toBe(NOW.getTime() + 60 * 86_400_000);

      const ended = grantOf('student-ended');
      expect(ended?.validFrom.getTime()).toBe(NOW.getTime() - 90 * 86_400_000);
      expect(ended?.validUntil?.getTime()).toBe(NOW.getTime() - 86_400_000);
      expect(ended?.validUntil?.toISOString().slice(0, 10)).toBe('2025-06-14');

      // The other trainees' internships are valid now, exactly as student-child's.
      for (const login of ['sw-adult-student', 'billing-student', 'dpo-student'] as const) {
        const internship = grants.find((g) => g.userId === DEMO.users[login].id && g.role === 'STUDENT');
        expect(internship).toMatchObject({ unitId: unitOf('child-welfare'), validFrom: valid?.validFrom, validUntil: valid?.validUntil });
      }

      const others = grants.filter((g) => g.role !== 'STUDENT');
      for (const g of others) {
        expect(g.validUntil).toBeNull();
        expect(g.validFrom.getTime()).toBeLessThan(NOW.getTime());
      }
    });
  });

  describe('clients', () => {
    it('has at least 300 clients with valid test identity codes matching the date of birth, unique per organisation', () => {
      expect(clients.filter((c) => c.organisationId === REGION).length).toBeGreaterThanOrEqual(300);
      const codes = new Set<string>();
      const perOrganisation = new Set<string>();
      for (const c of clients) {
        const parsed = parsePersonalIdentityCode(c.personalIdentityCode ?? '');
        expect(parsed).not.toBeNull();
        expect(parsed?.isTestPerson).toBe(true);
        expect(parsed?.individualNumber).toBeGreaterThanOrEqual(900);
        expect(parsed?.individualNumber).toBeLessThanOrEqual(999);
        expect(parsed?.dateOfBirth).toBe(c.dateOfBirth);
        codes.add(c.personalIdentityCode ?? '');
        perOrganisation.add(`${c.organisationId} ${c.personalIdentityCode}`);
      }
      expect(perOrganisation.size).toBe(clients.length);
      // Across organisations only the shared persons repeat.
      expect(codes.size).toBe(clients.length - DEMO.regionB.sharedPersons.length);
    });

    it('has plausible person data', () => {
      for (const c of clients) {
        expect(c.firstName).toBeTruthy();
        expect(c.lastName).toBeTruthy();
        expect(c.municipality).toBeTruthy();
        expect(c.streetAddress).toBeTruthy();
        expect(c.postalCode).toMatch(/^\d{5}$/);
        expect(c.postOffice).toBeTruthy();
        expect(['fi', 'sv']).toContain(c.serviceLanguage);
        expect(c.nationality).toMatch(/^[A-Z]{2}$/);
        if (c.phone !== null) expect(c.phone).toMatch(/^\+358 40 \d{3} \d{4}$/);
        // A client's relationships are all in units of the organisation that keeps the record.
        expect([REGION, REGION_B]).toContain(c.organisationId);
        for (const r of relationshipsOf(c.id)) {
          expect(Object.values(DEMO.units).find((u) => u.id === r.unitId)?.organisationId).toBe(c.organisationId);
        }
      }
      const languages = new Set(clients.map((c) => c.motherTongue));
      expect(languages.has('fi')).toBe(true);
      expect(languages.has('sv')).toBe(true);
    });

    it('keeps child-welfare clients under 18 (aftercare up to 25) and adult-services clients 18–90, adults with a marital status', () => {
      for (const c of clients) {
        const units = relationshipsOf(c.id).map((r) => r.unitId);
        const age = ageOn(c.dateOfBirth ?? '', TODAY);
        if (units.some((u) => CHILD_WELFARE_UNITS.includes(u)) && !units.includes(unitOf('adult-services'))) {
          expect(age).toBeLessThan(18);
          expect(c.maritalStatus).toBeNull();
        }
        if (units.some((u) => CHILD_WELFARE_UNITS.includes(u))) {
          expect(age).toBeLessThan(25);
          // Aftercare follows care that began before 18.
          const child = relationshipsOf(c.id).find((r) => CHILD_WELFARE_UNITS.includes(r.unitId));
          expect(ageOn(c.dateOfBirth ?? '', child?.startedOn ?? '')).toBeLessThan(18);
        }
        if (units.includes(unitOf('adult-services'))) {
          expect(age).toBeGreaterThanOrEqual(18);
          expect(age).toBeLessThanOrEqual(90);
          expect(c.maritalStatus).not.toBeNull();
        }
      }
    });

    it('has relationships in every unit, roughly 130 / 100 / 100, about 35 clients in two units', () => {
      const perUnit = (code: UnitCode) => relationships.filter((r) => r.unitId === unitOf(code)).length;
      expect(perUnit('child-welfare')).toBeGreaterThanOrEqual(120);
      expect(perUnit('family-services')).toBeGreaterThanOrEqual(95);
      expect(perUnit('adult-services')).toBeGreaterThanOrEqual(95);
      const twoUnits = clients.filter((c) => relationshipsOf(c.id).length === 2);
      expect(twoUnits.length).toBeGreaterThanOrEqual(30);
      for (const r of relationships) {
        expect(r.startedOn <= TODAY).toBe(true);
        if (r.endedOn !== null) expect(r.endedOn >= r.startedOn).toBe(true);
        const client = clientById(r.clientId);
        expect(r.startedOn > (client.dateOfBirth ?? '')).toBe(true);
      }
    });

    it('gives every unit at least four visible non-disclosure clients', () => {
      for (const code of Object.keys(DEMO.units) as UnitCode[]) {
        const visible = relationships.filter(
          (r) => r.unitId === unitOf(code) && r.endedOn === null && clientById(r.clientId).addressNonDisclosure,
        );
        expect({ code, n: visible.length >= 4 }).toEqual({ code, n: true });
      }
    });

    it('has archived clients and clients whose only relationship ended within the window', () => {
      const onlyEnded = clients.filter((c) => relationshipsOf(c.id).every((r) => r.endedOn !== null));
      const archived = onlyEnded.filter((c) => relationshipsOf(c.id).every((r) => (r.endedOn ?? '') < monthsBefore(TODAY, 13)));
      const recent = onlyEnded.filter((c) => relationshipsOf(c.id).some((r) => (r.endedOn ?? '') >= VISIBILITY_CUTOFF));
      expect(archived.length).toBeGreaterThanOrEqual(10);
      expect(recent.length).toBeGreaterThanOrEqual(10);
      for (const c of archived) {
        for (const r of relationshipsOf(c.id)) expect((r.endedOn ?? '') >= monthsBefore(TODAY, 31)).toBe(true);
      }
    });

    it('has custodial guardians for children and legal representatives for some adults', async () => {
      const guardians = await db.select().from(s.guardians);
      const children = clients.filter((c) => ageOn(c.dateOfBirth ?? '', TODAY) < 18);
      for (const c of children) {
        const own = guardians.filter((g) => g.clientId === c.id);
        expect(own.length).toBeGreaterThanOrEqual(1);
        expect(own.length).toBeLessThanOrEqual(2);
        expect(own.some((g) => g.hasCustody)).toBe(true);
        for (const g of own) expect(g.phone).toBeTruthy();
      }
      const representatives = guardians.filter((g) => g.kind === 'LEGAL_REPRESENTATIVE');
      expect(representatives.length).toBeGreaterThanOrEqual(3);
      for (const g of representatives) expect(ageOn(clientById(g.clientId).dateOfBirth ?? '', TODAY)).toBeGreaterThanOrEqual(18);
      expect(guardians.some((g) => g.kind === 'CUSTODIAN')).toBe(true);
    });

    it('assigns responsible workers of the unit, sw-child-2 for some child-welfare clients', () => {
      const workerOf: Record<UnitCode, string[]> = {
        'child-welfare': [DEMO.users['sw-child'].id, DEMO.users['sw-child-2'].id],
        'family-services': [DEMO.users['sw-family'].id],
        'adult-services': [DEMO.users['sw-adult'].id],
        'b-child-welfare': [DEMO.users['sw-b'].id],
      };
      for (const code of Object.keys(workerOf) as UnitCode[]) {
        for (const r of relationships.filter((x) => x.unitId === unitOf(code))) {
          expect(workerOf[code]).toContain(r.responsibleWorkerId);
        }
      }
      const child = relationships.filter((r) => r.unitId === unitOf('child-welfare'));
      const bySwChild2 = child.filter((r) => r.responsibleWorkerId === DEMO.users['sw-child-2'].id);
      expect(bySwChild2.length).toBeGreaterThanOrEqual(5);
      expect(bySwChild2.length).toBeLessThan(child.length / 2);
      expect(bySwChild2.filter((r) => clientById(r.clientId).addressNonDisclosure).length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('the named clients of DEMO.clients', () => {
    const only = (clientId: string) => relationshipsOf(clientId);

    it('childWelfareOpen: open in child welfare, responsible sw-child, not non-disclosure', () => {
      const [r, ...rest] = only(DEMO.clients.childWelfareOpen);
      expect(rest).toHaveLength(0);
      expect(r).toMatchObject({ id: DEMO.relationships.childWelfareOpen, unitId: unitOf('child-welfare'), endedOn: null, responsibleWorkerId: DEMO.users['sw-child'].id });
      expect(clientById(DEMO.clients.childWelfareOpen).addressNonDisclosure).toBe(false);
    });

    it('non-disclosure clients: one of sw-child, one of sw-child-2, both open in child welfare', () => {
      const own = only(DEMO.clients.childWelfareNonDisclosureOwn);
      const other = only(DEMO.clients.childWelfareNonDisclosureOther);
      expect(own).toEqual([expect.objectContaining({ unitId: unitOf('child-welfare'), endedOn: null, responsibleWorkerId: DEMO.users['sw-child'].id })]);
      expect(other).toEqual([expect.objectContaining({ unitId: unitOf('child-welfare'), endedOn: null, responsibleWorkerId: DEMO.users['sw-child-2'].id })]);
      expect(clientById(DEMO.clients.childWelfareNonDisclosureOwn).addressNonDisclosure).toBe(true);
      expect(clientById(DEMO.clients.childWelfareNonDisclosureOther).addressNonDisclosure).toBe(true);
      expect(clientById(DEMO.clients.familyNonDisclosure).addressNonDisclosure).toBe(true);
      expect(clientById(DEMO.clients.adultNonDisclosure).addressNonDisclosure).toBe(true);
    });

    it('familyOnly and adultOnly have exactly one open relationship in their unit', () => {
      expect(only(DEMO.clients.familyOnly)).toEqual([expect.objectContaining({ unitId: unitOf('family-services'), endedOn: null })]);
      expect(only(DEMO.clients.adultOnly)).toEqual([expect.objectContaining({ unitId: unitOf('adult-services'), endedOn: null })]);
    });

    it('childAndFamily is open in both units with documents recorded in both', () => {
      const rels = only(DEMO.clients.childAndFamily);
      expect(rels.map((r) => [r.unitId, r.endedOn]).sort()).toEqual(
        [[unitOf('child-welfare'), null], [unitOf('family-services'), null]].sort(),
      );
      const docs = documents.filter((d) => d.clientId === DEMO.clients.childAndFamily);
      expect(docs.some((d) => d.unitId === unitOf('child-welfare') && d.id === DEMO.documents.childAndFamilyChildWelfare)).toBe(true);
      expect(docs.some((d) => d.unitId === unitOf('family-services') && d.id === DEMO.documents.childAndFamilyFamily)).toBe(true);
      for (const d of docs) expect([DEMO.relationships.childAndFamilyChildWelfare, DEMO.relationships.childAndFamilyFamily]).toContain(d.relationshipId);
    });

    it('childWelfareRecentlyEnded ended about three months ago, childWelfareArchived about 18 months ago', () => {
      expect(only(DEMO.clients.childWelfareRecentlyEnded)).toEqual([expect.objectContaining({ unitId: unitOf('child-welfare'), endedOn: '2025-03-17' })]);
      expect(only(DEMO.clients.childWelfareArchived)).toEqual([expect.objectContaining({ unitId: unitOf('child-welfare'), endedOn: '2023-12-15' })]);
      expect('2025-03-17' >= VISIBILITY_CUTOFF).toBe(true);
      expect('2023-12-15' < VISIBILITY_CUTOFF).toBe(true);
    });
  });

  describe('clients for the multi-grant personas', () => {
    it('childAndAdult: a young adult in aftercare, open in child welfare (sw-child) and adult services, documents in both', () => {
      const rels = relationshipsOf(DEMO.clients.childAndAdult);
      expect(rels.map((r) => [r.id, r.unitId, r.endedOn, r.responsibleWorkerId]).sort()).toEqual(
        [
          [DEMO.relationships.childAndAdultChildWelfare, unitOf('child-welfare'), null, DEMO.users['sw-child'].id],
          [DEMO.relationships.childAndAdultAdult, unitOf('adult-services'), null, DEMO.users['sw-adult'].id],
        ].sort(),
      );
      const client = clientById(DEMO.clients.childAndAdult);
      expect(client.addressNonDisclosure).toBe(false);
      expect(ageOn(client.dateOfBirth ?? '', TODAY)).toBeGreaterThanOrEqual(18);
      const get = (id: string) => documents.find((d) => d.id === id);
      expect(get(DEMO.documents.childAndAdultChildWelfare)).toMatchObject({ clientId: client.id, unitId: unitOf('child-welfare'), type: 'CASE_NOTE' });
      expect(get(DEMO.documents.childAndAdultChildWelfareRestricted)).toMatchObject({ clientId: client.id, unitId: unitOf('child-welfare'), type: 'STATEMENT' });
      expect(get(DEMO.documents.childAndAdultAdult)).toMatchObject({ clientId: client.id, unitId: unitOf('adult-services'), type: 'CASE_NOTE' });
    });

    it('makes mgr-family-sw-child the responsible worker of no child-welfare client, so of no non-disclosure one', () => {
      const mgr = DEMO.users['mgr-family-sw-child'].id;
      expect(relationships.filter((r) => r.responsibleWorkerId === mgr)).toEqual([]);
      const nonDisclosureChildWelfare = relationships.filter(
        (r) => r.unitId === unitOf('child-welfare') && r.endedOn === null && clientById(r.clientId).addressNonDisclosure,
      );
      expect(nonDisclosureChildWelfare.length).toBeGreaterThanOrEqual(4);
      const other = relationshipsOf(DEMO.clients.childWelfareNonDisclosureOther);
      expect(other.map((r) => r.responsibleWorkerId)).toEqual([DEMO.users['sw-child-2'].id]);
    });
  });

  describe('region-b', () => {
    it('has 20 clients of its own, each open in b-child-welfare with sw-b responsible', () => {
      const own = clients.filter((c) => c.organisationId === REGION_B);
      expect(own.map((c) => c.id).sort()).toEqual([...DEMO.regionB.clients].sort());
      expect(own).toHaveLength(20);
      for (const c of own) {
        expect(relationshipsOf(c.id)).toEqual([
          expect.objectContaining({ unitId: unitOf('b-child-welfare'), endedOn: null, responsibleWorkerId: DEMO.users['sw-b'].id, serviceTask: 'CHILD_WELFARE' }),
        ]);
        expect(ageOn(c.dateOfBirth ?? '', TODAY)).toBeLessThan(18);
      }
      expect(own.filter((c) => c.addressNonDisclosure).map((c) => c.id).sort()).toEqual([...DEMO.regionB.nonDisclosure].sort());
      expect(DEMO.regionB.nonDisclosure.length).toBeGreaterThanOrEqual(4);
      expect(clientById(DEMO.regionB.open).addressNonDisclosure).toBe(false);
      // No region-b client has a relationship in a unit of the region, nor the other way round.
      expect(relationships.filter((r) => r.unitId === unitOf('b-child-welfare')).every((r) => clientById(r.clientId).organisationId === REGION_B)).toBe(true);
    });

    it('has guardians, documents, decisions and a placement of its own, written by sw-b', async () => {
      const [guardians, decisions, placements, careDays] = await Promise.all([
        db.select().from(s.guardians),
        db.select().from(s.decisions),
        db.select().from(s.placements),
        db.select().from(s.careDays),
      ]);
      const ids = new Set<string>(DEMO.regionB.clients);
      expect(guardians.filter((g) => ids.has(g.clientId)).length).toBeGreaterThanOrEqual(20);
      const docs = documents.filter((d) => ids.has(d.clientId));
      expect(docs.length).toBeGreaterThanOrEqual(20);
      for (const d of docs) expect(d).toMatchObject({ unitId: unitOf('b-child-welfare'), authorId: DEMO.users['sw-b'].id, authorOrganisationId: REGION_B });
      expect(docs.find((d) => d.id === DEMO.regionB.caseNote)).toMatchObject({ clientId: DEMO.regionB.open, type: 'CASE_NOTE' });
      const own = decisions.filter((d) => ids.has(d.clientId));
      expect(own.length).toBeGreaterThanOrEqual(3);
      for (const d of own) expect(d).toMatchObject({ unitId: unitOf('b-child-welfare'), decisionMakerId: DEMO.users['sw-b'].id });
      expect(own.find((d) => d.id === DEMO.regionB.decision)).toMatchObject({ clientId: DEMO.regionB.placed, type: 'TAKING_INTO_CARE' });
      expect(placements.find((p) => p.id === DEMO.regionB.placement)).toMatchObject({
        clientId: DEMO.regionB.placed,
        unitId: unitOf('b-child-welfare'),
        decisionId: DEMO.regionB.decision,
        kind: 'FAMILY_CARE',
        endsOn: null,
      });
      expect(careDays.some((d) => d.placementId === DEMO.regionB.placement)).toBe(true);
    });

    it('holds three persons the region also has: same code, names and birth date; its own address and relationship', async () => {
      const guardians = await db.select().from(s.guardians);
      const guardianNames = (clientId: string) => guardians.filter((g) => g.clientId === clientId).map((g) => `${g.firstName} ${g.lastName}`).sort();
      expect(DEMO.regionB.sharedPersons).toHaveLength(3);
      expect(DEMO.regionB.sharedPersons.filter((p) => p.addressNonDisclosure)).toHaveLength(1);
      for (const shared of DEMO.regionB.sharedPersons) {
        const inRegion = clientById(shared.regionClientId);
        const inRegionB = clientById(shared.regionBClientId);
        expect(inRegion.organisationId).toBe(REGION);
        expect(inRegionB.organisationId).toBe(REGION_B);
        const person = (c: typeof inRegion) => [c.personalIdentityCode, c.firstName, c.lastName, c.dateOfBirth, c.motherTongue];
        expect(person(inRegionB)).toEqual(person(inRegion));
        expect(inRegion.addressNonDisclosure).toBe(shared.addressNonDisclosure);
        expect(inRegionB.addressNonDisclosure).toBe(shared.addressNonDisclosure);
        expect(inRegionB.streetAddress).not.toBe(inRegion.streetAddress);
        expect(inRegionB.municipality).not.toBe(inRegion.municipality);
        expect(relationshipsOf(inRegion.id)).toEqual([expect.objectContaining({ unitId: unitOf('child-welfare'), endedOn: null })]);
        expect(guardianNames(inRegionB.id)).toEqual(guardianNames(inRegion.id));
        expect(demoPersonalIdentityCode(shared.regionClientId, NOW)).toBe(inRegion.personalIdentityCode);
        expect(demoPersonalIdentityCode(shared.regionBClientId, NOW)).toBe(inRegion.personalIdentityCode);
        // Every other code belongs to one client only.
        expect(clients.filter((c) => c.personalIdentityCode === inRegion.personalIdentityCode)).toHaveLength(2);
      }
      const laterClients = await later.db.select().from(s.clients);
      for (const shared of DEMO.regionB.sharedPersons) {
        const code = laterClients.find((c) => c.id === shared.regionClientId)?.personalIdentityCode;
        expect(laterClients.find((c) => c.id === shared.regionBClientId)?.personalIdentityCode).toBe(code);
        expect(demoPersonalIdentityCode(shared.regionBClientId, LATER)).toBe(code);
      }
    });
  });

  describe('commissions to majakka', () => {
    it('has at least three active commissions and one that ended ten days ago', async () => {
      const commissions = await db.select().from(s.commissions);
      const toMajakka = commissions.filter((c) => c.partnerOrganisationId === DEMO.organisations.majakka.id);
      expect(toMajakka.length).toBeGreaterThanOrEqual(4);
      const active = toMajakka.filter((c) => c.startsOn <= TODAY && (c.endsOn === null || c.endsOn >= TODAY));
      expect(active.map((c) => c.clientId).sort()).toEqual([...DEMO.clients.majakkaActive].sort());
      expect(active.map((c) => c.id).sort()).toEqual([...DEMO.commissions.majakkaActive].sort());
      expect(active.length).toBeGreaterThanOrEqual(3);
      const ended = toMajakka.find((c) => c.id === DEMO.commissions.majakkaEnded);
      expect(ended).toMatchObject({ clientId: DEMO.clients.majakkaEnded, endsOn: '2025-06-05' });
      for (const c of toMajakka) {
        expect(c).toMatchObject({ kind: 'PLACEMENT', commissionerUnitId: unitOf('child-welfare') });
        // The commissioned child stays a client of child welfare.
        expect(relationshipsOf(c.clientId).some((r) => r.unitId === unitOf('child-welfare') && r.endedOn === null && r.startedOn <= c.startsOn)).toBe(true);
      }
    });

    it('gives each commission a decision, a placement at majakka and reports written by majakka', async () => {
      const commissions = await db.select().from(s.commissions);
      const decisions = await db.select().from(s.decisions);
      const placements = await db.select().from(s.placements);
      const invoices = await db.select().from(s.invoices);
      for (const c of commissions) {
        const decision = decisions.filter((d) => d.commissionId === c.id);
        expect(decision).toHaveLength(1);
        expect(decision[0]?.legalAct).toBe('Lastensuojelulaki 417/2007');
        const placement = placements.filter((p) => p.commissionId === c.id);
        expect(placement).toHaveLength(1);
        expect(placement[0]).toMatchObject({
          clientId: c.clientId,
          providerOrganisationId: DEMO.organisations.majakka.id,
          decisionId: decision[0]?.id,
          startsOn: c.startsOn,
          endsOn: c.endsOn,
        });
        expect(['PROFESSIONAL_FAMILY_HOME', 'FAMILY_CARE']).toContain(placement[0]?.kind);
        const reports = documents.filter((d) => d.commissionId === c.id);
        expect(reports.length).toBeGreaterThanOrEqual(2);
        for (const r of reports) {
          expect(r).toMatchObject({ type: 'REPORT', authorId: null, authorOrganisationId: DEMO.organisations.majakka.id, clientId: c.clientId, unitId: unitOf('child-welfare') });
        }
        expect(invoices.some((i) => i.providerOrganisationId === DEMO.organisations.majakka.id)).toBe(true);
      }
      expect(documents.find((d) => d.id === DEMO.documents.majakkaReport)?.commissionId).toBe(DEMO.commissions.majakkaActive[0]);
      expect(documents.find((d) => d.id === DEMO.documents.majakkaEndedReport)?.commissionId).toBe(DEMO.commissions.majakkaEnded);
      expect(placements.find((p) => p.id === DEMO.placements.majakkaEnded)?.endsOn).toBe('2025-06-05');
    });
  });

  describe('services', () => {
    it('has decisions under the child welfare and social welfare acts, recorded in the client’s units', async () => {
      const decisions = await db.select().from(s.decisions);
      expect(decisions.length).toBeGreaterThanOrEqual(100);
      const sections = new Set(decisions.map((d) => `${d.legalAct} ${d.legalSection}`));
      for (const expected of ['Lastensuojelulaki 417/2007 38 §', 'Lastensuojelulaki 417/2007 40 §', 'Lastensuojelulaki 417/2007 34 §', 'Sosiaalihuoltolaki 1301/2014 18 §']) {
        expect(sections).toContain(expected);
      }
      for (const d of decisions) {
        expect(relationshipsOf(d.clientId).map((r) => r.unitId)).toContain(d.unitId);
        if (d.legalAct.startsWith('Lastensuojelulaki')) expect(CHILD_WELFARE_UNITS).toContain(d.unitId);
        expect(d.decidedAt.getTime()).toBeLessThan(NOW.getTime());
      }
      expect(decisions.find((d) => d.id === DEMO.decisions.childWelfareOpen)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, type: 'OPEN_CARE_SUPPORT' });
    });

    it('has about 40 child-welfare placements with care days inside their period, commitments and invoices', async () => {
      const placements = await db.select().from(s.placements);
      const careDays = await db.select().from(s.careDays);
      const commitments = await db.select().from(s.paymentCommitments);
      const invoices = await db.select().from(s.invoices);
      expect(placements.length).toBeGreaterThanOrEqual(35);
      for (const p of placements) {
        expect(CHILD_WELFARE_UNITS).toContain(p.unitId);
        expect(p.decisionId).not.toBeNull();
        const days = careDays.filter((d) => d.placementId === p.id);
        expect(days.length).toBeGreaterThanOrEqual(1);
        for (const d of days) {
          expect(d.day >= p.startsOn).toBe(true);
          expect(d.day < TODAY).toBe(true);
          if (p.endsOn !== null) expect(d.day <= p.endsOn).toBe(true);
        }
      }
      expect(commitments.length).toBeGreaterThanOrEqual(20);
      expect(invoices.length).toBeGreaterThanOrEqual(20);
      for (const i of invoices) expect(i.periodEnd >= i.periodStart).toBe(true);
      expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(['DRAFT', 'SENT', 'PAID']));
      expect(placements.find((p) => p.id === DEMO.placements.childWelfareOpen)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, kind: 'OPEN_CARE_SUPPORT' });
    });

    it('has restrictions, assistance requests and medications', async () => {
      const [restrictions, assistance, medications] = await Promise.all([
        db.select().from(s.restrictions),
        db.select().from(s.assistanceRequests),
        db.select().from(s.medications),
      ]);
      expect(restrictions.length).toBeGreaterThanOrEqual(3);
      expect(assistance.length).toBeGreaterThanOrEqual(3);
      expect(medications.length).toBeGreaterThanOrEqual(5);
      expect(medications.some((m) => m.clientId === DEMO.clients.childWelfareOpen)).toBe(true);
      for (const m of medications) expect(m.givenAt.getTime()).toBeLessThan(NOW.getTime());
    });
  });

  describe('documents', () => {
    it('covers every document type; restricted types mainly in child welfare', () => {
      const types = new Set(documents.map((d) => d.type));
      expect([...types].sort()).toEqual([...s.documentTypeEnum.enumValues].sort());
      const restricted = documents.filter((d) => d.type === 'STATEMENT' || d.type === 'CHILD_WELFARE_NOTIFICATION');
      const inChildWelfare = restricted.filter((d) => d.unitId === unitOf('child-welfare'));
      expect(inChildWelfare.length).toBeGreaterThan(restricted.length / 2);
      expect(documents.filter((d) => d.type === 'CHILD_WELFARE_NOTIFICATION').every((d) => CHILD_WELFARE_UNITS.includes(d.unitId))).toBe(true);
    });

    it('records staff documents in a relationship of the client, written by that unit’s worker', () => {
      const byId = new Map(relationships.map((r) => [r.id, r]));
      for (const d of documents) {
        const r = byId.get(d.relationshipId ?? '');
        expect(r).toBeDefined();
        expect(r?.clientId).toBe(d.clientId);
        expect(r?.unitId).toBe(d.unitId);
        expect(d.recordedAt.getTime()).toBeLessThan(NOW.getTime());
        expect(d.recordedAt.toISOString().slice(0, 10) >= (r?.startedOn ?? '')).toBe(true);
        if (d.commissionId === null) {
          expect(d.authorOrganisationId).toBe(clientById(d.clientId).organisationId);
          expect(d.authorId).toBe(r?.responsibleWorkerId);
        }
      }
      for (const r of relationships) {
        const n = documents.filter((d) => d.relationshipId === r.id && d.commissionId === null).length;
        expect(n).toBeGreaterThanOrEqual(1);
      }
    });

    it('keeps the original as revision 1 and points documents at their latest revision', () => {
      const byDocument = new Map<string, (typeof s.documentRevisions.$inferSelect)[]>();
      for (const r of revisions) byDocument.set(r.documentId, [...(byDocument.get(r.documentId) ?? []), r]);
      for (const d of documents) {
        const revs = (byDocument.get(d.id) ?? []).sort((a, b) => a.revision - b.revision);
        expect(revs.map((r) => r.revision)).toEqual(Array.from({ length: revs.length }, (_, i) => i + 1));
        expect(revs[0]?.reason).toBeNull();
        expect(revs[0]?.createdAt).toEqual(d.recordedAt);
        const latest = revs[revs.length - 1];
        expect(d.currentRevision).toBe(latest?.revision);
        expect(d.title).toBe(latest?.title);
        expect(d.body).toBe(latest?.body);
        for (const r of revs.slice(1)) {
          expect(r.reason).toBeTruthy();
          expect(r.createdAt.getTime()).toBeLessThan(NOW.getTime());
          expect(r.createdAt.getTime()).toBeGreaterThanOrEqual(d.recordedAt.getTime());
        }
      }
      const corrected = documents.filter((d) => d.currentRevision >= 2);
      expect(corrected.length).toBeGreaterThanOrEqual(8);
      expect(documents.filter((d) => d.currentRevision >= 3).length).toBeGreaterThanOrEqual(2);
    });

    it('names documents for tests', () => {
      const get = (id: string) => documents.find((d) => d.id === id);
      expect(get(DEMO.documents.corrected)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, unitId: unitOf('child-welfare'), currentRevision: 3 });
      expect(revisions.filter((r) => r.documentId === DEMO.documents.corrected)).toHaveLength(3);
      expect(get(DEMO.documents.restrictedChildWelfare)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, unitId: unitOf('child-welfare'), type: 'STATEMENT', authorId: DEMO.users['sw-child'].id });
      expect(get(DEMO.documents.childWelfareNotification)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, type: 'CHILD_WELFARE_NOTIFICATION' });
      expect(get(DEMO.documents.childWelfareOpenCaseNote)).toMatchObject({ clientId: DEMO.clients.childWelfareOpen, type: 'CASE_NOTE' });
      expect(get(DEMO.documents.familyOnlyCaseNote)).toMatchObject({ clientId: DEMO.clients.familyOnly, unitId: unitOf('family-services') });
      expect(get(DEMO.documents.adultOnlyCaseNote)).toMatchObject({ clientId: DEMO.clients.adultOnly, unitId: unitOf('adult-services') });
    });
  });

  describe('consents, disclosures and data subject requests', () => {
    it('has consents, one of them withdrawn', async () => {
      const consents = await db.select().from(s.consents);
      expect(consents.length).toBeGreaterThanOrEqual(5);
      const withdrawn = consents.filter((c) => c.withdrawnOn !== null);
      expect(withdrawn.map((c) => c.id)).toEqual([DEMO.consents.withdrawn]);
      expect(withdrawn[0]?.clientId).toBe(DEMO.clients.adultOnly);
      expect((withdrawn[0]?.withdrawnOn ?? '') >= (withdrawn[0]?.givenOn ?? '')).toBe(true);
    });

    it('discloses the client’s own documents of the disclosing unit, on a legal basis or a consent', async () => {
      const [disclosures, links, consents] = await Promise.all([
        db.select().from(s.disclosures),
        db.select().from(s.disclosureDocuments),
        db.select().from(s.consents),
      ]);
      expect(disclosures.length).toBeGreaterThanOrEqual(5);
      expect(disclosures.some((d) => d.legalBasis !== null)).toBe(true);
      expect(disclosures.some((d) => d.consentId !== null)).toBe(true);
      for (const d of disclosures) {
        const docs = links.filter((l) => l.disclosureId === d.id).map((l) => documents.find((doc) => doc.id === l.documentId));
        expect(docs.length).toBeGreaterThanOrEqual(1);
        for (const doc of docs) {
          expect(doc?.clientId).toBe(d.clientId);
          expect(doc?.unitId).toBe(d.unitId);
          expect(d.disclosedAt.getTime()).toBeGreaterThan(doc?.recordedAt.getTime() ?? Infinity);
        }
        if (d.consentId !== null) expect(consents.find((c) => c.id === d.consentId)?.clientId).toBe(d.clientId);
        expect(d.disclosedAt.getTime()).toBeLessThan(NOW.getTime());
      }
    });

    it('has a completed access request, a rectification and a refusal with its reason', async () => {
      const requests = await db.select().from(s.dataSubjectRequests);
      const byId = (id: string) => requests.find((r) => r.id === id);
      expect(byId(DEMO.dataSubjectRequests.accessCompleted)).toMatchObject({ kind: 'ACCESS', status: 'COMPLETED' });
      expect(byId(DEMO.dataSubjectRequests.rectificationCompleted)).toMatchObject({ kind: 'RECTIFICATION', status: 'COMPLETED', clientId: DEMO.clients.childWelfareOpen });
      expect(byId(DEMO.dataSubjectRequests.refused)?.status).toBe('REFUSED');
      expect(byId(DEMO.dataSubjectRequests.refused)?.refusalReason).toBeTruthy();
      for (const r of requests) {
        expect(r.decidedOn === null).toBe(r.status === 'RECEIVED');
        if (r.decidedOn !== null) expect(r.decidedOn >= r.receivedOn && r.decidedOn < TODAY).toBe(true);
      }
    });
  });
});
