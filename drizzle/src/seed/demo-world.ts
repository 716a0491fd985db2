import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db, Queryable } from '../client';
import * as s from '../schema';
import { makePersonalIdentityCode } from './hetu';
import { Random, seedUuid } from './random';
import { type AuditHistorySink, seedDemoLogHistory } from './demo-log-history';
import { seedDemoPartnerToken } from './partner-token';

/**
 * The demo world of DESIGN.md §7. Every id, name and choice comes from SEED; only dates move
 * with `now`, so that "open", "ended a month ago" and "archived" stay true whenever it is seeded.
 */

export const DEMO_SEED = 'vartija-demo-world/v1';

export type Role = (typeof s.roleEnum.enumValues)[number];
type ServiceTask = (typeof s.serviceTaskEnum.enumValues)[number];
export type DocumentType = (typeof s.documentTypeEnum.enumValues)[number];
type DecisionType = (typeof s.decisionTypeEnum.enumValues)[number];
type PlacementKind = (typeof s.placementKindEnum.enumValues)[number];
type RestrictionKind = (typeof s.restrictionKindEnum.enumValues)[number];

/** The units of the demo region. */
export type RegionUnitCode = 'child-welfare' | 'family-services' | 'adult-services';
/** Every unit of the demo world: the region's and `b-child-welfare` of the second region. */
export type UnitCode = RegionUnitCode | 'b-child-welfare';
export type OrganisationCode = 'region' | 'region-b' | 'majakka';
/** The organisations whose staff and clients are seeded (the two welfare regions). */
export type StaffOrganisationCode = 'region' | 'region-b';

/** Users holding several grants at once (DESIGN.md §7, from issue 7 on). */
export const MULTI_GRANT_LOGINS = ['sw-adult-student', 'mgr-family-sw-child', 'billing-student', 'dpo-student'] as const;
export type MultiGrantLogin = (typeof MULTI_GRANT_LOGINS)[number];
/** Users holding exactly one grant: `DEMO.users[login]` also has `grantId`, `role` and `unit`. */
export type SingleGrantLogin =
  | 'sw-child'
  | 'sw-child-2'
  | 'sw-family'
  | 'sw-adult'
  | 'mgr-child'
  | 'student-child'
  | 'student-ended'
  | 'billing'
  | 'dpo'
  | 'admin'
  | 'sw-b'
  | 'dpo-b';
export type StaffLogin = SingleGrantLogin | MultiGrantLogin;

const demoId = (kind: string, key: string): string => seedUuid(`${DEMO_SEED}/${kind}/${key}`);

/** Y-tunnus with its mod-11 check digit (weights 7 9 10 5 8 4 2); bases whose remainder is 1 have none. */
function businessId(base: number): string {
  for (let candidate = base; ; candidate += 1) {
    const digits = String(candidate).padStart(7, '0');
    const sum = [7, 9, 10, 5, 8, 4, 2].reduce((acc, weight, i) => acc + weight * Number(digits[i]), 0);
    const remainder = sum % 11;
    if (remainder !== 1) return `${digits}-${remainder === 0 ? 0 : 11 - remainder}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Stable constants
// ---------------------------------------------------------------------------------------------

interface GrantSpec {
  role: Role;
  /** null = organisation-wide (BILLING, AUDITOR, REGISTRAR). */
  unit: UnitCode | null;
  /** Validity relative to the seed's `now`, in days; null = open-ended. */
  validFromDays: number;
  validUntilDays: number | null;
}

interface UserSpec {
  login: StaffLogin;
  displayName: string;
  /** The user's organisation; every grant is in it. */
  organisation: StaffOrganisationCode;
  grants: readonly GrantSpec[];
  persona: boolean;
  description: string;
}

const grant = (role: Role, unit: UnitCode | null, validFromDays: number, validUntilDays: number | null = null): GrantSpec => ({
  role,
  unit,
  validFromDays,
  validUntilDays,
});
/** An internship valid now, as student-child's. */
const internship = (unit: UnitCode): GrantSpec => grant('STUDENT', unit, -60, 60);

const USER_SPECS: readonly UserSpec[] = [
  {
    login: 'sw-child',
    displayName: 'Sari Koskinen',
    organisation: 'region',
    grants: [grant('SOCIAL_WORKER', 'child-welfare', -1095)],
    persona: true,
    description: 'Social worker in child welfare; responsible worker of most child-welfare clients.',
  },
  {
    login: 'sw-child-2',
    displayName: 'Jenni Heikkilä',
    organisation: 'region',
    grants: [grant('SOCIAL_WORKER', 'child-welfare', -1095)],
    persona: false,
    description: 'Second child-welfare social worker; responsible for some non-disclosure clients.',
  },
  {
    login: 'sw-family',
    displayName: 'Minna Laaksonen',
    organisation: 'region',
    grants: [grant('SOCIAL_WORKER', 'family-services', -1095)],
    persona: true,
    description: 'Social worker in family services.',
  },
  {
    login: 'sw-adult',
    displayName: 'Timo Salonen',
    organisation: 'region',
    grants: [grant('SOCIAL_WORKER', 'adult-services', -1095)],
    persona: true,
    description: 'Social worker in adult social work; sees no child-welfare documents.',
  },
  {
    login: 'mgr-child',
    displayName: 'Päivi Rantanen',
    organisation: 'region',
    grants: [grant('MANAGER', 'child-welfare', -1460)],
    persona: true,
    description: 'Child-welfare unit manager; sees non-disclosure contact data, corrects any unit document.',
  },
  {
    login: 'student-child',
    displayName: 'Emma Harjula',
    organisation: 'region',
    grants: [internship('child-welfare')],
    persona: true,
    description: 'Trainee in child welfare, internship valid now; no identity codes, contact data or restricted documents.',
  },
  {
    login: 'student-ended',
    displayName: 'Olli Väänänen',
    organisation: 'region',
    grants: [grant('STUDENT', 'child-welfare', -90, -1)],
    persona: true,
    description: 'Trainee whose internship grant ended yesterday; sees nothing.',
  },
  {
    login: 'billing',
    displayName: 'Kari Mäkelä',
    organisation: 'region',
    grants: [grant('BILLING', null, -1095)],
    persona: true,
    description: 'Billing clerk, organisation-wide: names, identity codes, placements, care days and invoices.',
  },
  {
    login: 'dpo',
    displayName: 'Riitta Nieminen',
    organisation: 'region',
    grants: [grant('AUDITOR', null, -1095)],
    persona: true,
    description: 'Data protection officer, organisation-wide: reads the access log.',
  },
  {
    login: 'admin',
    displayName: 'Juha Lehtonen',
    organisation: 'region',
    grants: [grant('REGISTRAR', null, -1460)],
    persona: true,
    description: 'Registrar: users, grants, units, partner tokens and the archive.',
  },
  {
    login: 'sw-adult-student',
    displayName: 'Mikaela Saarela',
    organisation: 'region',
    grants: [grant('SOCIAL_WORKER', 'adult-services', -1095), internship('child-welfare')],
    persona: true,
    description: 'Social worker in adult services and trainee in child welfare (internship valid now): reads child-welfare clients as the trainee would.',
  },
  {
    login: 'mgr-family-sw-child',
    displayName: 'Hanna Kokkonen',
    organisation: 'region',
    grants: [grant('MANAGER', 'family-services', -1460), grant('SOCIAL_WORKER', 'child-welfare', -365)],
    persona: true,
    description: 'Family-services manager and social worker in child welfare, responsible worker of no child-welfare client: no non-disclosure contact data there.',
  },
  {
    login: 'billing-student',
    displayName: 'Tuomas Pelkonen',
    organisation: 'region',
    grants: [grant('BILLING', null, -1095), internship('child-welfare')],
    persona: true,
    description: 'Billing clerk (organisation-wide) and trainee in child welfare (internship valid now).',
  },
  {
    login: 'dpo-student',
    displayName: 'Anu Kettunen',
    organisation: 'region',
    grants: [grant('AUDITOR', null, -1095), internship('child-welfare')],
    persona: true,
    description: 'Data protection officer (organisation-wide) and trainee in child welfare (internship valid now).',
  },
  {
    login: 'sw-b',
    displayName: 'Johanna Aalto',
    organisation: 'region-b',
    grants: [grant('SOCIAL_WORKER', 'b-child-welfare', -1095)],
    persona: true,
    description: 'Social worker in the child welfare of region-b (another register); responsible worker of all its clients.',
  },
  {
    login: 'dpo-b',
    displayName: 'Petteri Ojala',
    organisation: 'region-b',
    grants: [grant('AUDITOR', null, -1095)],
    persona: true,
    description: 'Data protection officer of region-b: its own access log only.',
  },
];

export interface DemoGrant {
  id: string;
  role: Role;
  /** null = organisation-wide. */
  unit: UnitCode | null;
  organisation: StaffOrganisationCode;
  /** Validity relative to the seed's `now`, in days (negative = past); null = open-ended. */
  validFromDays: number;
  validUntilDays: number | null;
}

export interface DemoUser {
  id: string;
  login: StaffLogin;
  displayName: string;
  organisation: StaffOrganisationCode;
  /** Every grant of the user, in the order of DESIGN.md §7 (first the primary role). */
  grants: readonly DemoGrant[];
}

/** A user with exactly one grant, repeated at the top level for convenience. */
export interface SingleGrantDemoUser extends DemoUser {
  grantId: string;
  role: Role;
  unit: UnitCode | null;
  /** Grant validity relative to the seed's `now`, in days (negative = past); null = open-ended. */
  validFromDays: number;
  validUntilDays: number | null;
}

export type DemoUsers = { readonly [L in SingleGrantLogin]: SingleGrantDemoUser } & { readonly [L in MultiGrantLogin]: DemoUser };

export interface Persona {
  login: StaffLogin;
  displayName: string;
  organisation: StaffOrganisationCode;
  grants: readonly { role: Role; unit: UnitCode | null }[];
  description: string;
}

/** The personas of DESIGN.md §7, in the order of its table (sw-child-2 is not a persona). */
export const PERSONAS: readonly Persona[] = USER_SPECS.filter((u) => u.persona).map(
  ({ login, displayName, organisation, grants, description }) => ({
    login,
    displayName,
    organisation,
    grants: grants.map(({ role, unit }) => ({ role, unit })),
    description,
  }),
);

/** The first grant keeps the id it had when every user held one grant; further grants are named by role and unit. */
const grantKey = (login: StaffLogin, index: number, spec: GrantSpec): string =>
  index === 0 ? login : `${login}/${spec.role}/${spec.unit ?? 'organisation'}`;

function demoUser(spec: UserSpec): DemoUser | SingleGrantDemoUser {
  const multi = (MULTI_GRANT_LOGINS as readonly string[]).includes(spec.login);
  if (multi !== spec.grants.length > 1 || spec.grants.length === 0) {
    throw new Error(`demo world: ${spec.login} must hold ${multi ? 'several grants' : 'one grant'}`);
  }
  const grants = spec.grants.map((g, i) => ({
    id: demoId('grant', grantKey(spec.login, i, g)),
    role: g.role,
    unit: g.unit,
    organisation: spec.organisation,
    validFromDays: g.validFromDays,
    validUntilDays: g.validUntilDays,
  }));
  const user: DemoUser = { id: demoId('user', spec.login), login: spec.login, displayName: spec.displayName, organisation: spec.organisation, grants };
  const [only] = grants;
  if (multi || !only) return user;
  return { ...user, grantId: only.id, role: only.role, unit: only.unit, validFromDays: only.validFromDays, validUntilDays: only.validUntilDays };
}

type GroupName = 'child' | 'child-family' | 'family' | 'family-adult' | 'adult' | 'child-adult' | 'b-child';
const GROUP_SIZES: Readonly<Record<GroupName, number>> = {
  child: 105,
  'child-family': 30,
  family: 70,
  'family-adult': 5,
  adult: 95,
  /** Young adults in child-welfare aftercare (jälkihuolto, up to 25) who are also clients of adult services. */
  'child-adult': 4,
  /** The clients of region-b. */
  'b-child': 20,
};

const clientKey = (group: GroupName, index: number): string => `${group}-${index}`;
const clientId = (group: GroupName, index: number): string => demoId('client', clientKey(group, index));
const relationshipKey = (key: string, unit: UnitCode): string => `${key}/${unit}`;
const relationshipId = (group: GroupName, index: number, unit: UnitCode): string =>
  demoId('relationship', relationshipKey(clientKey(group, index), unit));

const MAJAKKA_ACTIVE_INDEXES = [5, 6, 7, 8] as const;
const MAJAKKA_ENDED_INDEX = 9;

/**
 * Region-b clients who are the same persons (identity code, name, date of birth) as clients of the
 * region: each register holds its own record of them. Region's child-10 has address non-disclosure.
 */
const SHARED_PERSONS = [
  { regionB: 0, region: 13 },
  { regionB: 1, region: 10 },
  { regionB: 2, region: 14 },
] as const;
/** Region-b clients with address non-disclosure (1 is the shared person who has it in the region too). */
const REGION_B_NON_DISCLOSURE: readonly number[] = [1, 3, 4, 5];
const REGION_B_OPEN_INDEX = 6;
const REGION_B_PLACED_INDEX = 7;

const unitSpec = (code: UnitCode, name: string, serviceTask: ServiceTask, organisation: StaffOrganisationCode = 'region') => ({
  id: demoId('unit', code),
  code,
  name,
  serviceTask,
  organisationId: demoId('organisation', organisation),
  visibilityWindowMonths: 12,
});

export const DEMO = {
  seed: DEMO_SEED,
  organisations: {
    region: {
      id: demoId('organisation', 'region'),
      code: 'region',
      name: 'Demo Welfare Region',
      kind: 'WELFARE_REGION',
      businessId: businessId(9_990_001),
    },
    'region-b': {
      id: demoId('organisation', 'region-b'),
      code: 'region-b',
      name: 'Toinen Hyvinvointialue',
      kind: 'WELFARE_REGION',
      businessId: businessId(9_990_002),
    },
    majakka: {
      id: demoId('organisation', 'majakka'),
      code: 'majakka',
      name: 'Perhekoti Majakka',
      kind: 'SERVICE_PROVIDER',
      businessId: businessId(9_990_101),
    },
  },
  units: {
    'child-welfare': unitSpec('child-welfare', 'Lastensuojelun sosiaalityö', 'CHILD_WELFARE'),
    'family-services': unitSpec('family-services', 'Perhepalvelut', 'FAMILY_SERVICES'),
    'adult-services': unitSpec('adult-services', 'Aikuissosiaalityö', 'ADULT_SOCIAL_WORK'),
    /** The only unit of region-b. */
    'b-child-welfare': unitSpec('b-child-welfare', 'Lastensuojelun sosiaalityö, Toinen Hyvinvointialue', 'CHILD_WELFARE', 'region-b'),
  },
  /**
   * Keyed by login. Every user has `grants`; users with one grant also have `grantId`, `role`,
   * `unit` and its validity at the top level (the type has them only for SingleGrantLogin).
   */
  users: Object.fromEntries(USER_SPECS.map((u) => [u.login, demoUser(u)])) as unknown as DemoUsers,
  clients: {
    /** Open child-welfare relationship, responsible sw-child; has restricted documents, a decision, a placement and a medication. */
    childWelfareOpen: clientId('child', 0),
    /** Non-disclosure, open in child welfare, responsible sw-child. */
    childWelfareNonDisclosureOwn: clientId('child', 1),
    /** Non-disclosure, open in child welfare, responsible sw-child-2. */
    childWelfareNonDisclosureOther: clientId('child', 2),
    /** Only relationship (child welfare) ended 90 days ago: still visible. */
    childWelfareRecentlyEnded: clientId('child', 3),
    /** Only relationship (child welfare) ended 548 days (~18 months) ago: archived. */
    childWelfareArchived: clientId('child', 4),
    /** Active PLACEMENT commissions to majakka. */
    majakkaActive: MAJAKKA_ACTIVE_INDEXES.map((i) => clientId('child', i)),
    /** Commission to majakka ended 10 days ago (child-welfare relationship still open). */
    majakkaEnded: clientId('child', MAJAKKA_ENDED_INDEX),
    /** Only in family services (open). */
    familyOnly: clientId('family', 0),
    /** Non-disclosure, only in family services, responsible sw-family. */
    familyNonDisclosure: clientId('family', 1),
    /** Only in adult services (open). */
    adultOnly: clientId('adult', 0),
    /** Non-disclosure, only in adult services, responsible sw-adult. */
    adultNonDisclosure: clientId('adult', 1),
    /** Open in child welfare (sw-child) and family services, with documents in both units. */
    childAndFamily: clientId('child-family', 0),
    /** An adult open in family services and adult services. */
    familyAndAdult: clientId('family-adult', 0),
    /**
     * A young adult (18–23) in child-welfare aftercare, open in child welfare (responsible sw-child) and in
     * adult services (sw-adult), not non-disclosure; documents in both units, a restricted one in child welfare.
     */
    childAndAdult: clientId('child-adult', 0),
  },
  relationships: {
    childWelfareOpen: relationshipId('child', 0, 'child-welfare'),
    childAndFamilyChildWelfare: relationshipId('child-family', 0, 'child-welfare'),
    childAndFamilyFamily: relationshipId('child-family', 0, 'family-services'),
    childAndAdultChildWelfare: relationshipId('child-adult', 0, 'child-welfare'),
    childAndAdultAdult: relationshipId('child-adult', 0, 'adult-services'),
  },
  commissions: {
    majakkaActive: MAJAKKA_ACTIVE_INDEXES.map((i) => demoId('commission', clientKey('child', i))),
    /** Ended 10 days ago. */
    majakkaEnded: demoId('commission', clientKey('child', MAJAKKA_ENDED_INDEX)),
  },
  decisions: {
    /** OPEN_CARE_SUPPORT, Lastensuojelulaki 34 §, recorded in child welfare. */
    childWelfareOpen: demoId('decision', 'named/child-welfare-open'),
    majakkaActive: MAJAKKA_ACTIVE_INDEXES.map((i) => demoId('decision', `commission/${clientKey('child', i)}`)),
    majakkaEnded: demoId('decision', `commission/${clientKey('child', MAJAKKA_ENDED_INDEX)}`),
  },
  placements: {
    /** OPEN_CARE_SUPPORT placement (support family) with care days, a payment commitment and invoices. */
    childWelfareOpen: demoId('placement', 'named/child-welfare-open'),
    majakkaActive: MAJAKKA_ACTIVE_INDEXES.map((i) => demoId('placement', `commission/${clientKey('child', i)}`)),
    majakkaEnded: demoId('placement', `commission/${clientKey('child', MAJAKKA_ENDED_INDEX)}`),
  },
  documents: {
    /** CLIENT_PLAN of childWelfareOpen in child welfare with 3 revisions (current_revision 3). */
    corrected: demoId('document', 'named/corrected'),
    /** STATEMENT (restricted type) of childWelfareOpen in child welfare. */
    restrictedChildWelfare: demoId('document', 'named/statement'),
    /** CHILD_WELFARE_NOTIFICATION (restricted type) of childWelfareOpen in child welfare. */
    childWelfareNotification: demoId('document', 'named/notification'),
    /** CASE_NOTE (not restricted) of childWelfareOpen in child welfare. */
    childWelfareOpenCaseNote: demoId('document', 'named/case-note'),
    /** childAndFamily: CASE_NOTE in child welfare, NEEDS_ASSESSMENT in family services. */
    childAndFamilyChildWelfare: demoId('document', 'named/child-and-family/child-welfare'),
    childAndFamilyFamily: demoId('document', 'named/child-and-family/family-services'),
    /** childAndAdult: CASE_NOTE and STATEMENT (restricted) in child welfare, CASE_NOTE in adult services. */
    childAndAdultChildWelfare: demoId('document', 'named/child-and-adult/child-welfare'),
    childAndAdultChildWelfareRestricted: demoId('document', 'named/child-and-adult/child-welfare/statement'),
    childAndAdultAdult: demoId('document', 'named/child-and-adult/adult-services'),
    familyOnlyCaseNote: demoId('document', 'named/family-only'),
    adultOnlyCaseNote: demoId('document', 'named/adult-only'),
    /** REPORT written by majakka (author_id null) on the first active commission. */
    majakkaReport: demoId('document', `commission/${clientKey('child', MAJAKKA_ACTIVE_INDEXES[0])}/1`),
    /** REPORT written by majakka on the ended commission. */
    majakkaEndedReport: demoId('document', `commission/${clientKey('child', MAJAKKA_ENDED_INDEX)}/1`),
  },
  consents: {
    /** adultOnly's consent to the employment services, withdrawn. */
    withdrawn: demoId('consent', 'named/withdrawn'),
  },
  dataSubjectRequests: {
    accessCompleted: demoId('data-subject-request', 'access-completed'),
    rectificationCompleted: demoId('data-subject-request', 'rectification-completed'),
    refused: demoId('data-subject-request', 'refused'),
  },
  /**
   * The second organisation: every client is open in b-child-welfare with sw-b as the responsible worker.
   * Its identity codes are unique within region-b, but three of its clients are persons the region also has.
   */
  regionB: {
    /** All region-b clients. */
    clients: Array.from({ length: GROUP_SIZES['b-child'] }, (_, i) => clientId('b-child', i)),
    /** Open, not non-disclosure, not a shared person; has a CASE_NOTE (documents.regionBCaseNote). */
    open: clientId('b-child', REGION_B_OPEN_INDEX),
    /** Non-disclosure clients (the second shared person among them). */
    nonDisclosure: REGION_B_NON_DISCLOSURE.map((i) => clientId('b-child', i)),
    /** Taken into care by region-b, placed in family care (placement with care days, a commitment and invoices). */
    placed: clientId('b-child', REGION_B_PLACED_INDEX),
    placement: demoId('placement', `region-b/${clientKey('b-child', REGION_B_PLACED_INDEX)}`),
    decision: demoId('decision', `region-b/${clientKey('b-child', REGION_B_PLACED_INDEX)}`),
    /** CASE_NOTE of `open`, written by sw-b. */
    caseNote: demoId('document', 'named/region-b/case-note'),
    /**
     * The same person in both registers: same personal identity code, first and last name and date of
     * birth; each organisation's own address, phone and relationships. The code moves with the seed's
     * `now` (like every date): read it from clients.clients, or with demoPersonalIdentityCode(id, now).
     */
    sharedPersons: SHARED_PERSONS.map(({ regionB, region }) => ({
      regionClientId: clientId('child', region),
      regionBClientId: clientId('b-child', regionB),
      /** Address non-disclosure (in both registers: it is the person's, from the population register). */
      addressNonDisclosure: REGION_B_NON_DISCLOSURE.includes(regionB),
    })),
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Word lists (synthetic people; municipalities and postal codes are real places)
// ---------------------------------------------------------------------------------------------

interface NameSet {
  female: readonly string[];
  male: readonly string[];
  last: readonly string[];
}

const FINNISH_NAMES: NameSet = {
  female: [
    'Aino', 'Aada', 'Eevi', 'Emma', 'Elli', 'Helmi', 'Ilona', 'Iida', 'Kerttu', 'Lilja', 'Linnea', 'Maija',
    'Minea', 'Olivia', 'Pihla', 'Sofia', 'Venla', 'Vilma', 'Veera', 'Saana', 'Anni', 'Hanna', 'Johanna',
    'Laura', 'Tiina', 'Katja', 'Riikka', 'Satu', 'Heidi', 'Marjatta', 'Anneli', 'Kaarina', 'Helena', 'Noora',
  ],
  male: [
    'Eino', 'Elias', 'Onni', 'Leo', 'Väinö', 'Eetu', 'Oliver', 'Niilo', 'Aatos', 'Lenni', 'Veeti', 'Joona',
    'Toivo', 'Otto', 'Juho', 'Mikko', 'Jari', 'Matti', 'Antti', 'Jukka', 'Petri', 'Sami', 'Ville', 'Tuomas',
    'Kalle', 'Lauri', 'Pekka', 'Heikki', 'Markku', 'Juhani', 'Tapio', 'Olavi', 'Aleksi', 'Eemeli',
  ],
  last: [
    'Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen',
    'Järvinen', 'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Heikkilä', 'Kinnunen',
    'Salonen', 'Turunen', 'Salo', 'Laitinen', 'Tuominen', 'Rantanen', 'Karjalainen', 'Jokinen', 'Mattila',
    'Savolainen', 'Lahtinen', 'Ahonen', 'Hiltunen', 'Leinonen', 'Kallio', 'Miettinen', 'Pitkänen', 'Aaltonen',
    'Manninen', 'Hirvonen', 'Väisänen', 'Peltonen', 'Lindroos', 'Räsänen', 'Koivisto', 'Seppälä',
  ],
};

const SWEDISH_NAMES: NameSet = {
  female: ['Ebba', 'Ella', 'Saga', 'Stina', 'Ingrid', 'Alva', 'Matilda', 'Wilma'],
  male: ['Axel', 'Emil', 'Oskar', 'Hugo', 'Anton', 'Gustav', 'Isak', 'Viktor'],
  last: ['Lindholm', 'Nyström', 'Sjöberg', 'Holmström', 'Åberg', 'Lindqvist', 'Forsman', 'Wikström', 'Backman'],
};

const ESTONIAN_NAMES: NameSet = {
  female: ['Kadri', 'Liis', 'Kätlin', 'Maarja'],
  male: ['Martin', 'Rasmus', 'Karl', 'Siim'],
  last: ['Tamm', 'Saar', 'Sepp', 'Mägi', 'Kask', 'Rebane'],
};

const SOMALI_NAMES: NameSet = {
  female: ['Amina', 'Hodan', 'Fadumo', 'Sahra'],
  male: ['Ahmed', 'Abdi', 'Mahad', 'Yusuf'],
  last: ['Ali', 'Hassan', 'Mohamed', 'Warsame', 'Farah', 'Osman'],
};

const RUSSIAN_NAMES: NameSet = {
  female: ['Anastasia', 'Darja', 'Polina', 'Sofia'],
  male: ['Ivan', 'Maksim', 'Artjom', 'Nikita'],
  // Surnames without gendered endings keep the combination rule simple.
  last: ['Kuznets', 'Sokol', 'Orlov', 'Volkov', 'Lebedev'],
};

interface LanguageProfile {
  motherTongue: string;
  serviceLanguage: string;
  nationality: string;
  names: NameSet;
}

const LANGUAGE_PROFILES: readonly (readonly [LanguageProfile, number])[] = [
  [{ motherTongue: 'fi', serviceLanguage: 'fi', nationality: 'FI', names: FINNISH_NAMES }, 82],
  [{ motherTongue: 'sv', serviceLanguage: 'sv', nationality: 'FI', names: SWEDISH_NAMES }, 8],
  [{ motherTongue: 'et', serviceLanguage: 'fi', nationality: 'EE', names: ESTONIAN_NAMES }, 3],
  [{ motherTongue: 'ru', serviceLanguage: 'fi', nationality: 'RU', names: RUSSIAN_NAMES }, 3],
  [{ motherTongue: 'so', serviceLanguage: 'fi', nationality: 'FI', names: SOMALI_NAMES }, 4],
];

interface Municipality {
  name: string;
  postalCodes: readonly string[];
  postOffice: string;
}

const MUNICIPALITIES: readonly (readonly [Municipality, number])[] = [
  [{ name: 'Tampere', postalCodes: ['33100', '33200', '33500', '33540', '33560', '33710', '33720', '33800'], postOffice: 'TAMPERE' }, 40],
  [{ name: 'Nokia', postalCodes: ['37100', '37120', '37150'], postOffice: 'NOKIA' }, 8],
  [{ name: 'Ylöjärvi', postalCodes: ['33470', '33480'], postOffice: 'YLÖJÄRVI' }, 7],
  [{ name: 'Kangasala', postalCodes: ['36200', '36220', '36240'], postOffice: 'KANGASALA' }, 7],
  [{ name: 'Lempäälä', postalCodes: ['37500', '37550'], postOffice: 'LEMPÄÄLÄ' }, 6],
  [{ name: 'Pirkkala', postalCodes: ['33950', '33960'], postOffice: 'PIRKKALA' }, 5],
  [{ name: 'Valkeakoski', postalCodes: ['37600', '37630'], postOffice: 'VALKEAKOSKI' }, 5],
  [{ name: 'Sastamala', postalCodes: ['38200', '38210'], postOffice: 'SASTAMALA' }, 5],
  [{ name: 'Orivesi', postalCodes: ['35300'], postOffice: 'ORIVESI' }, 3],
  [{ name: 'Mänttä-Vilppula', postalCodes: ['35800'], postOffice: 'MÄNTTÄ' }, 2],
  [{ name: 'Parkano', postalCodes: ['39700'], postOffice: 'PARKANO' }, 2],
];

/** Region-b lies elsewhere (Southwest Finland). */
const REGION_B_MUNICIPALITIES: readonly (readonly [Municipality, number])[] = [
  [{ name: 'Turku', postalCodes: ['20100', '20300', '20500', '20610', '20700', '20810'], postOffice: 'TURKU' }, 40],
  [{ name: 'Kaarina', postalCodes: ['20780'], postOffice: 'KAARINA' }, 8],
  [{ name: 'Raisio', postalCodes: ['21200', '21280'], postOffice: 'RAISIO' }, 6],
  [{ name: 'Naantali', postalCodes: ['21100'], postOffice: 'NAANTALI' }, 4],
  [{ name: 'Lieto', postalCodes: ['21420'], postOffice: 'LIETO' }, 4],
  [{ name: 'Salo', postalCodes: ['24100', '24240'], postOffice: 'SALO' }, 8],
  [{ name: 'Uusikaupunki', postalCodes: ['23500'], postOffice: 'UUSIKAUPUNKI' }, 3],
];

const STREETS = [
  'Koivukuja', 'Rantatie', 'Kirkkokatu', 'Myllytie', 'Pihlajapolku', 'Kalevankatu', 'Harjutie', 'Koulukatu',
  'Mäntyrinne', 'Ojalantie', 'Kuusikatu', 'Sammonkatu', 'Tehtaankatu', 'Puistotie', 'Vuorikatu', 'Järvenrannantie',
  'Haapatie', 'Peltolantie', 'Asemakatu', 'Saunalahdentie',
] as const;

const MARITAL_STATUSES: readonly (readonly [string, number])[] = [
  ['UNMARRIED', 45],
  ['MARRIED', 25],
  ['DIVORCED', 20],
  ['WIDOWED', 6],
  ['REGISTERED_PARTNERSHIP', 1],
  ['SEPARATED', 3],
];

// ---------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------

interface Text {
  title: string;
  body: string;
}

const TEXTS: Readonly<Record<DocumentType, readonly Text[]>> = {
  CASE_NOTE: [
    { title: 'Kotikäynti', body: 'Asiakas tavattiin kotona sovitusti. Arki on sujunut pääosin hyvin. Seuraava tapaaminen sovittiin kuukauden päähän.' },
    { title: 'Tapaaminen toimistolla', body: 'Asiakas kävi toimistolla. Käytiin läpi ajankohtainen tilanne ja tuen tarve. Ei akuutteja huolia.' },
    { title: 'Puhelinkeskustelu', body: 'Puhelimessa sovittiin verkostotapaamisen ajankohta. Asiakas toivoo, että myös läheinen voi osallistua.' },
    { title: 'Verkostotapaaminen', body: 'Verkostotapaamisessa arvioitiin tukitoimien riittävyyttä. Tuki jatkuu ennallaan seuraavaan arviointiin asti.' },
    { title: 'Case note', body: 'Met the client as agreed. The situation is stable; the next follow-up is in four weeks.' },
  ],
  CLIENT_PLAN: [
    { title: 'Asiakassuunnitelma', body: 'Tavoitteena on arjen rytmin vakiintuminen. Tukitoimena perhetyö kerran viikossa. Suunnitelma tarkistetaan puolen vuoden kuluttua.' },
    { title: 'Asiakassuunnitelman tarkistus', body: 'Tavoitteet ovat osin toteutuneet. Jatketaan sovittuja tukitoimia ja lisätään säännöllinen yhteydenpito kouluun tai työpaikkaan.' },
    { title: 'Client plan', body: 'Goals: stable housing and daily routines. Support: weekly meetings with the social worker. Review in six months.' },
  ],
  NEEDS_ASSESSMENT: [
    { title: 'Palvelutarpeen arviointi', body: 'Arvioinnin perusteella asiakkaalla on tarve sosiaalihuollon tukeen. Asiakas ja läheiset osallistuivat arviointiin.' },
    { title: 'Palvelutarpeen arviointi valmistunut', body: 'Arviointi valmistui määräajassa. Suositellaan sosiaaliohjausta ja tarvittaessa perhetyötä.' },
    { title: 'Needs assessment', body: 'The assessment found a need for social guidance. The client agreed with the proposed support.' },
  ],
  MEETING_MEMO: [
    { title: 'Neuvottelumuistio', body: 'Läsnä asiakas, läheinen ja vastuusosiaalityöntekijä. Sovittiin työnjaosta ja seuraavasta neuvottelusta.' },
    { title: 'Muistio verkostoneuvottelusta', body: 'Neuvottelussa käytiin läpi koulun ja kodin yhteistyö. Kirjattiin sovitut vastuuhenkilöt.' },
    { title: 'Meeting memo', body: 'Participants: the client, a family member and the social worker. Agreed on the next steps and a follow-up date.' },
  ],
  STATEMENT: [
    { title: 'Lausunto hallinto-oikeudelle', body: 'Lausunto pyydettynä. Sosiaalityön arvion mukaan nykyiset tukitoimet eivät ole riittäviä. Perustelut on esitetty liitteessä.' },
    { title: 'Lausunto käräjäoikeudelle', body: 'Lausunto lapsen asumista ja tapaamisoikeutta koskevassa asiassa. Sosiaalityö puoltaa vuoroviikkoasumisen jatkamista.' },
    { title: 'Statement', body: 'Statement requested by the court. Social work considers the current arrangement to be in the best interest of the client.' },
  ],
  REPORT: [
    { title: 'Kuukausiraportti', body: 'Lapsi on asettunut hyvin. Koulunkäynti sujuu, ja yhteydenpito vanhempiin on toteutunut viikoittain.' },
    { title: 'Väliraportti', body: 'Arjen rutiinit ovat vakiintuneet. Harrastuksena jalkapallo kahdesti viikossa. Ei erityisiä huolia raportointijaksolla.' },
    { title: 'Monthly report', body: 'The child has settled in well. School attendance is regular; weekly contact with the parents went as planned.' },
  ],
  CHILD_WELFARE_NOTIFICATION: [
    { title: 'Lastensuojeluilmoitus', body: 'Ilmoittaja: koulun terveydenhoitaja. Lapsi on ollut toistuvasti poissa koulusta ja vaikuttanut väsyneeltä.' },
    { title: 'Lastensuojeluilmoitus poliisilta', body: 'Ilmoittaja: poliisi. Kotiin tehty hälytyskäynti yöllä; lapsi oli paikalla.' },
    { title: 'Lastensuojeluilmoitus varhaiskasvatuksesta', body: 'Ilmoittaja: varhaiskasvatuksen opettaja. Huoli lapsen hygieniasta ja vaatetuksesta.' },
  ],
};

const CORRECTION_REASONS = [
  'Korjattu virheellinen päivämäärä.',
  'Poistettu asiaan kuulumaton tieto toisesta henkilöstä.',
  'Korjattu asiakkaan oikaisupyynnön perusteella.',
  'Täydennetty puuttuva tieto tapaamisen osallistujista.',
  'Korjattu kirjoitusvirhe.',
] as const;

const CORRECTION_ADDITIONS = [
  'Tapaamiseen osallistui myös toinen huoltaja.',
  'Päivämäärä korjattu vastaamaan tapaamisen todellista ajankohtaa.',
  'Maininta toisen henkilön tiedoista poistettu.',
  'Asiakkaan näkemys kirjattu hänen pyynnöstään.',
] as const;

const DOCUMENT_TYPES_BY_UNIT: Readonly<Record<UnitCode, readonly (readonly [DocumentType, number])[]>> = {
  'child-welfare': [
    ['CASE_NOTE', 5],
    ['CLIENT_PLAN', 2],
    ['NEEDS_ASSESSMENT', 2],
    ['MEETING_MEMO', 2],
    ['STATEMENT', 1],
    ['CHILD_WELFARE_NOTIFICATION', 2],
  ],
  'family-services': [
    ['CASE_NOTE', 5],
    ['CLIENT_PLAN', 2],
    ['NEEDS_ASSESSMENT', 3],
    ['MEETING_MEMO', 2],
  ],
  'adult-services': [
    ['CASE_NOTE', 5],
    ['CLIENT_PLAN', 2],
    ['NEEDS_ASSESSMENT', 3],
    ['MEETING_MEMO', 1],
    ['STATEMENT', 0.5],
  ],
  'b-child-welfare': [
    ['CASE_NOTE', 5],
    ['CLIENT_PLAN', 2],
    ['NEEDS_ASSESSMENT', 2],
    ['MEETING_MEMO', 2],
    ['STATEMENT', 1],
    ['CHILD_WELFARE_NOTIFICATION', 2],
  ],
};

const CHILD_WELFARE_ACT = 'Lastensuojelulaki 417/2007';
const SOCIAL_WELFARE_ACT = 'Sosiaalihuoltolaki 1301/2014';

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const TABLES = {
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
} as const;

export type SeedTable = keyof typeof TABLES;
/** The rows of every table, in an order that satisfies the foreign keys. */
export type DemoWorldRows = { [K in SeedTable]: (typeof TABLES)[K]['$inferInsert'][] };
/** Rows inserted per table. */
export type SeedSummary = Record<SeedTable, number>;

type ClientRow = typeof s.clients.$inferInsert;
type RelationshipRow = typeof s.clientRelationships.$inferInsert & { id: string; endedOn: string | null };
type DocumentRow = typeof s.documents.$inferInsert & { id: string };
type PlacementRow = typeof s.placements.$inferInsert & { id: string; endsOn: string | null };

// ---------------------------------------------------------------------------------------------
// Dates (UTC calendar days; `today` is the UTC date of `now`)
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
const dayStart = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const addDays = (iso: string, days: number): string => isoDate(new Date(dayStart(iso) + days * DAY_MS));
const daysBetween = (from: string, to: string): number => Math.round((dayStart(to) - dayStart(from)) / DAY_MS);
const maxDate = (a: string, b: string): string => (a > b ? a : b);
const minDate = (a: string, b: string): string => (a < b ? a : b);
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** A time on a working day: 06:00–15:00 UTC is office hours in Finland all year. */
const atWork = (iso: string, rng: Random): Date => new Date(dayStart(iso) + rng.int(6 * 60, 15 * 60) * 60_000);
const dayIn = (rng: Random, from: string, to: string): string => addDays(from, rng.int(0, Math.max(0, daysBetween(from, to))));

function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// The plan: which clients exist and how they relate to units (independent of `now`)
// ---------------------------------------------------------------------------------------------

interface RelationshipPlan {
  unit: UnitCode;
  worker: StaffLogin;
  /** null = open */
  endedDaysAgo: number | null;
  startedDaysAgo: readonly [number, number];
}

interface ClientPlan {
  group: GroupName;
  index: number;
  key: string;
  /** The organisation that keeps the record. */
  organisation: StaffOrganisationCode;
  /** The key of a region client who is the same person (same identity code, name and date of birth). */
  sameAs: string | null;
  adult: boolean;
  /** 18–23 years old (child-welfare aftercare). */
  youngAdult: boolean;
  nonDisclosure: boolean;
  legalRepresentative: boolean;
  relationships: RelationshipPlan[];
}

function planClients(): ClientPlan[] {
  const rng = new Random(`${DEMO_SEED}/plan`);
  const open = (unit: UnitCode, worker: StaffLogin, started: readonly [number, number] = [30, 1800]): RelationshipPlan => ({
    unit,
    worker,
    endedDaysAgo: null,
    startedDaysAgo: started,
  });
  const ended = (unit: UnitCode, worker: StaffLogin, daysAgo: number): RelationshipPlan => ({
    unit,
    worker,
    endedDaysAgo: daysAgo,
    startedDaysAgo: [daysAgo + 90, daysAgo + 900],
  });
  // Within the 12-month window with a margin on both sides, and archived with a margin past it.
  const recentlyEnded = (): number => rng.int(20, 330);
  const archived = (): number => rng.int(400, 900);
  const childWorker = (): StaffLogin => (rng.chance(0.15) ? 'sw-child-2' : 'sw-child');

  const plans: ClientPlan[] = [];
  const add = (group: GroupName, index: number, adult: boolean, nonDisclosure: boolean, relationships: RelationshipPlan[], legalRepresentative = false) =>
    plans.push({ group, index, key: clientKey(group, index), organisation: 'region', sameAs: null, adult, youngAdult: false, nonDisclosure, legalRepresentative, relationships });

  const size = GROUP_SIZES;
  for (let i = 0; i < size.child; i += 1) {
    const randomWorker = childWorker();
    const randomNonDisclosure = rng.chance(0.03);
    const worker: StaffLogin = i === 2 || i === 11 ? 'sw-child-2' : i <= 12 ? 'sw-child' : randomWorker;
    let relationship: RelationshipPlan;
    if (i === 3) relationship = ended('child-welfare', worker, 90);
    else if (i === 4) relationship = ended('child-welfare', worker, 548);
    else if (i >= size.child - 8) relationship = ended('child-welfare', worker, archived());
    else if (i >= size.child - 16) relationship = ended('child-welfare', worker, recentlyEnded());
    // Named and commission clients: a long relationship, so that their records fit inside it.
    else if (i <= MAJAKKA_ENDED_INDEX) relationship = open('child-welfare', worker, [400, 1500]);
    else relationship = open('child-welfare', worker);
    const nonDisclosure = [1, 2, 10, 11, 12].includes(i) || (i > 12 && relationship.endedDaysAgo === null && randomNonDisclosure);
    add('child', i, false, nonDisclosure, [relationship]);
  }

  for (let i = 0; i < size['child-family']; i += 1) {
    const worker = i === 0 ? 'sw-child' : childWorker();
    let child: RelationshipPlan;
    if (i === 1 || i === 2) child = ended('child-welfare', worker, archived());
    else if (i === 3 || i === 4) child = ended('child-welfare', worker, recentlyEnded());
    else child = open('child-welfare', worker);
    add('child-family', i, false, i === 5, [child, open('family-services', 'sw-family')]);
  }

  for (let i = 0; i < size.family; i += 1) {
    const randomNonDisclosure = rng.chance(0.03);
    let relationship: RelationshipPlan;
    if (i >= size.family - 4) relationship = ended('family-services', 'sw-family', archived());
    else if (i >= size.family - 8) relationship = ended('family-services', 'sw-family', recentlyEnded());
    else relationship = open('family-services', 'sw-family');
    const nonDisclosure = (i >= 1 && i <= 4) || (i > 4 && relationship.endedDaysAgo === null && randomNonDisclosure);
    add('family', i, false, nonDisclosure, [relationship]);
  }

  for (let i = 0; i < size['family-adult']; i += 1) {
    add('family-adult', i, true, false, [open('family-services', 'sw-family'), open('adult-services', 'sw-adult')]);
  }

  for (let i = 0; i < size.adult; i += 1) {
    const randomNonDisclosure = rng.chance(0.03);
    const randomRepresentative = rng.chance(0.1);
    let relationship: RelationshipPlan;
    if (i >= size.adult - 4) relationship = ended('adult-services', 'sw-adult', archived());
    else if (i >= size.adult - 8) relationship = ended('adult-services', 'sw-adult', recentlyEnded());
    else relationship = open('adult-services', 'sw-adult');
    const nonDisclosure = (i >= 1 && i <= 4) || (i > 4 && relationship.endedDaysAgo === null && randomNonDisclosure);
    add('adult', i, true, nonDisclosure, [relationship], i === 5 || randomRepresentative);
  }

  // Added after the groups above and without drawing from `rng`, so that those stay as they were.
  for (let i = 0; i < size['child-adult']; i += 1) {
    plans.push({
      group: 'child-adult',
      index: i,
      key: clientKey('child-adult', i),
      organisation: 'region',
      sameAs: null,
      adult: true,
      youngAdult: true,
      nonDisclosure: false,
      legalRepresentative: false,
      // A child-welfare client since before 18 (aftercare follows substitute care); adult services came later.
      relationships: [open('child-welfare', i % 2 === 0 ? 'sw-child' : 'sw-child-2', [2200, 3000]), open('adult-services', 'sw-adult', [30, 700])],
    });
  }

  for (let i = 0; i < size['b-child']; i += 1) {
    const shared = SHARED_PERSONS.find((p) => p.regionB === i);
    plans.push({
      group: 'b-child',
      index: i,
      key: clientKey('b-child', i),
      organisation: 'region-b',
      sameAs: shared ? clientKey('child', shared.region) : null,
      adult: false,
      youngAdult: false,
      nonDisclosure: REGION_B_NON_DISCLOSURE.includes(i),
      legalRepresentative: false,
      // The shared persons moved to region-b within the last year or so; the placed child has a long relationship.
      relationships: [open('b-child-welfare', 'sw-b', shared ? [30, 400] : i === REGION_B_PLACED_INDEX ? [400, 1500] : [30, 1800])],
    });
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------
// Building the rows
// ---------------------------------------------------------------------------------------------

interface BuiltClient {
  plan: ClientPlan;
  profile: LanguageProfile;
  row: ClientRow & { id: string; dateOfBirth: string; firstName: string; lastName: string; personalIdentityCode: string; addressNonDisclosure: boolean };
  relationships: RelationshipRow[];
}

const asciiLower = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

const phoneNumber = (rng: Random, prefix = '40'): string => `+358 ${prefix} ${rng.int(100, 999)} ${rng.int(1000, 9999)}`;

/** Builds every row in memory; pure apart from reading `now`. */
export function buildDemoWorld(now: Date = new Date()): DemoWorldRows {
  const today = isoDate(now);
  const yesterday = addDays(today, -1);
  const daysAgo = (n: number): string => addDays(today, -n);
  const region = DEMO.organisations.region;
  const regionB = DEMO.organisations['region-b'];
  const majakka = DEMO.organisations.majakka;
  const unitId = (code: UnitCode): string => DEMO.units[code].id;
  const userId = (login: StaffLogin): string => DEMO.users[login].id;
  const demoUsers = Object.values(DEMO.users) as DemoUser[];
  const loginById = new Map(demoUsers.map((u) => [u.id, u.login]));
  const loginOf = (id: string | null | undefined): StaffLogin => {
    const login = loginById.get(id ?? '');
    if (!login) throw new Error(`demo world: no user ${id}`);
    return login;
  };
  const stamp = (daysBack: number): Date => new Date(dayStart(daysAgo(daysBack)) + 6 * 3_600_000);

  const rows: DemoWorldRows = {
    organisations: [],
    units: [],
    users: [],
    grants: [],
    clients: [],
    guardians: [],
    clientRelationships: [],
    commissions: [],
    consents: [],
    decisions: [],
    placements: [],
    careDays: [],
    paymentCommitments: [],
    invoices: [],
    restrictions: [],
    assistanceRequests: [],
    medications: [],
    documents: [],
    documentRevisions: [],
    disclosures: [],
    disclosureDocuments: [],
    dataSubjectRequests: [],
  };

  // --- organisations, units, users, grants ---------------------------------------------------
  for (const org of [region, majakka]) {
    rows.organisations.push({ ...org, createdAt: stamp(2000) });
  }
  rows.organisations.push({ ...regionB, createdAt: stamp(1500) });
  for (const unit of Object.values(DEMO.units)) {
    rows.units.push({ ...unit, createdAt: stamp(unit.organisationId === regionB.id ? 1500 : 2000) });
  }
  const at = (days: number): Date => new Date(now.getTime() + days * DAY_MS);
  for (const user of demoUsers) {
    const organisationId = DEMO.organisations[user.organisation].id;
    rows.users.push({
      id: user.id,
      login: user.login,
      displayName: user.displayName,
      organisationId,
      externalSubject: null,
      active: true,
      createdAt: at(Math.min(...user.grants.map((g) => g.validFromDays))),
      updatedAt: at(Math.min(...user.grants.map((g) => g.validFromDays))),
    });
    for (const g of user.grants) {
      if (g.unit !== null && DEMO.units[g.unit].organisationId !== organisationId) {
        throw new Error(`demo world: ${user.login} has a grant in ${g.unit} of another organisation`);
      }
      rows.grants.push({
        id: g.id,
        userId: user.id,
        role: g.role,
        organisationId,
        unitId: g.unit === null ? null : unitId(g.unit),
        validFrom: at(g.validFromDays),
        validUntil: g.validUntilDays === null ? null : at(g.validUntilDays),
        revokedAt: null,
        createdAt: at(g.validFromDays),
      });
    }
  }

  // --- clients, guardians, relationships -----------------------------------------------------
  const usedCodes = new Set<string>();
  const nowYear = now.getUTCFullYear();
  const built: BuiltClient[] = [];

  const builtByKey = new Map<string, BuiltClient>();

  for (const plan of planClients()) {
    const rng = new Random(`${DEMO_SEED}/client/${plan.key}`);
    // A person the region also has keeps that record's identity; everything is still drawn, so that the
    // draws after it do not depend on whether the person is shared.
    const same = plan.sameAs === null ? null : builtByKey.get(plan.sameAs);
    if (same === undefined) throw new Error(`demo world: ${plan.key} is the same person as ${plan.sameAs}, built later`);
    const drawnProfile = rng.weighted(LANGUAGE_PROFILES);
    const profile = same?.profile ?? drawnProfile;
    const male = rng.chance(0.5);
    const drawnFirstName = rng.pick(male ? drawnProfile.names.male : drawnProfile.names.female);
    const drawnLastName = rng.pick(drawnProfile.names.last);
    const firstName = same?.row.firstName ?? drawnFirstName;
    const lastName = same?.row.lastName ?? drawnLastName;
    const anyEnded = plan.relationships.some((r) => r.endedDaysAgo !== null);
    // Birth year by calendar-year difference: ≤ 17 is under 18 on any day of the year, ≥ 19 is 18 or more.
    const yearDiff = plan.youngAdult
      ? rng.int(19, 23)
      : plan.adult
        ? 19 + Math.floor(rng.float() ** 1.6 * 72)
        : anyEnded
          ? rng.int(6, 17)
          : rng.int(2, 17);
    const year = nowYear - yearDiff;
    const month = rng.int(1, 12);
    let day = rng.int(1, daysInMonth(year, month));
    let individual = 900 + 2 * rng.int(0, 49) + (male ? 1 : 0);
    let dateOfBirth = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    let code = makePersonalIdentityCode(dateOfBirth, individual);
    if (same) {
      dateOfBirth = same.row.dateOfBirth;
      code = same.row.personalIdentityCode;
      if (same.row.addressNonDisclosure !== plan.nonDisclosure) throw new Error(`demo world: ${plan.key} and ${plan.sameAs} differ in non-disclosure`);
    } else {
      // Same date and number twice: step to the next number of the same parity (sex), then the next day.
      // Codes are unique in the whole demo world apart from the shared persons.
      for (let attempt = 0; usedCodes.has(code); attempt += 1) {
        if (attempt % 50 === 49) {
          day = (day % daysInMonth(year, month)) + 1;
          dateOfBirth = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        }
        individual = individual + 2 > 999 ? individual - 98 : individual + 2;
        code = makePersonalIdentityCode(dateOfBirth, individual);
      }
      usedCodes.add(code);
    }

    const municipality = rng.weighted(plan.organisation === 'region-b' ? REGION_B_MUNICIPALITIES : MUNICIPALITIES);
    const postalCode = rng.pick(municipality.postalCodes);
    const stair = rng.chance(0.5) ? ` ${rng.pick(['A', 'B', 'C'])} ${rng.int(1, 30)}` : '';
    const streetAddress = `${rng.pick(STREETS)} ${rng.int(1, 48)}${stair}`;
    const age = ageOn(dateOfBirth, today);
    const hasPhone = rng.chance(0.95);
    const hasEmail = rng.chance(0.35);
    const maritalStatus = rng.weighted(MARITAL_STATUSES);
    const clientPhone = phoneNumber(rng);

    // Relationship periods: clamped to start after birth and to end after they start.
    const relationships: RelationshipRow[] = plan.relationships.map((r) => {
      const endedOn = r.endedDaysAgo === null ? null : daysAgo(r.endedDaysAgo);
      let startedOn = daysAgo(rng.int(r.startedDaysAgo[0], r.startedDaysAgo[1]));
      startedOn = maxDate(startedOn, addDays(dateOfBirth, 1));
      if (endedOn !== null) startedOn = minDate(startedOn, endedOn);
      startedOn = minDate(startedOn, yesterday);
      return {
        id: demoId('relationship', relationshipKey(plan.key, r.unit)),
        clientId: demoId('client', plan.key),
        unitId: unitId(r.unit),
        serviceTask: DEMO.units[r.unit].serviceTask,
        startedOn,
        endedOn,
        responsibleWorkerId: userId(r.worker),
        createdAt: atWork(startedOn, rng),
      };
    });
    const firstStart = relationships.map((r) => r.startedOn).sort()[0] ?? yesterday;
    const createdAt = atWork(firstStart, rng);

    const row = {
      id: demoId('client', plan.key),
      organisationId: DEMO.organisations[plan.organisation].id,
      firstName,
      lastName,
      pseudonym: null,
      personalIdentityCode: code,
      dateOfBirth,
      dateOfDeath: null,
      municipality: municipality.name,
      streetAddress,
      postalCode,
      postOffice: municipality.postOffice,
      phone: age >= 10 && hasPhone ? clientPhone : null,
      email: plan.adult && hasEmail ? `${asciiLower(firstName)}.${asciiLower(lastName)}@example.com` : null,
      motherTongue: profile.motherTongue,
      serviceLanguage: profile.serviceLanguage,
      nationality: profile.nationality,
      maritalStatus: plan.adult ? maritalStatus : null,
      addressNonDisclosure: plan.nonDisclosure,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    };
    rows.clients.push(row);
    rows.clientRelationships.push(...relationships);
    const client: BuiltClient = { plan, profile, row, relationships };
    built.push(client);
    builtByKey.set(plan.key, client);

    // Guardians: custodial parents for children, an edunvalvoja for some adults.
    const guardian = (n: number, kind: 'PARENT' | 'CUSTODIAN' | 'LEGAL_REPRESENTATIVE', hasCustody: boolean, sameHome: boolean, names: NameSet) => {
      const guardianMale = rng.chance(0.5);
      const first = rng.pick(guardianMale ? names.male : names.female);
      const last = kind === 'PARENT' && rng.chance(0.8) ? lastName : rng.pick(names.last);
      const otherMunicipality = rng.weighted(MUNICIPALITIES);
      const otherPostal = rng.pick(otherMunicipality.postalCodes);
      const otherStreet = `${rng.pick(STREETS)} ${rng.int(1, 48)}`;
      const phone = phoneNumber(rng, rng.chance(0.5) ? '40' : '50');
      rows.guardians.push({
        id: demoId('guardian', `${plan.key}/${n}`),
        clientId: row.id,
        kind,
        firstName: first,
        lastName: last,
        hasCustody,
        phone,
        streetAddress: sameHome ? streetAddress : otherStreet,
        postalCode: sameHome ? postalCode : otherPostal,
        postOffice: sameHome ? municipality.postOffice : otherMunicipality.postOffice,
        createdAt,
        // Deterministic: never changed since it was recorded.
        updatedAt: createdAt,
      });
    };
    if (same) {
      // The same parents; where they lived with the child, they moved with it.
      const theirs = rows.guardians.filter((g) => g.clientId === same.row.id);
      theirs.forEach((g, i) => {
        const livedTogether = g.streetAddress === same.row.streetAddress;
        rows.guardians.push({
          ...g,
          id: demoId('guardian', `${plan.key}/${i + 1}`),
          clientId: row.id,
          ...(livedTogether ? { streetAddress, postalCode, postOffice: municipality.postOffice } : {}),
          createdAt,
          updatedAt: createdAt,
        });
      });
    } else if (!plan.adult) {
      guardian(1, 'PARENT', true, true, profile.names);
      const second = rng.float();
      if (second < 0.55) guardian(2, 'PARENT', rng.chance(0.8), rng.chance(0.5), profile.names);
      else if (second < 0.65) guardian(2, 'CUSTODIAN', true, false, FINNISH_NAMES);
    } else if (plan.legalRepresentative) {
      guardian(1, 'LEGAL_REPRESENTATIVE', false, false, FINNISH_NAMES);
    }
  }

  const byKey = new Map(built.map((c) => [c.plan.key, c]));
  const clientByKey = (key: string): BuiltClient => {
    const found = byKey.get(key);
    if (!found) throw new Error(`demo world: no client ${key}`);
    return found;
  };
  const relationshipIn = (client: BuiltClient, unit: UnitCode): RelationshipRow => {
    const found = client.relationships.find((r) => r.unitId === unitId(unit));
    if (!found) throw new Error(`demo world: ${client.plan.key} has no relationship in ${unit}`);
    return found;
  };
  const unitCodeOf = (relationship: RelationshipRow): UnitCode => {
    const code = (Object.keys(DEMO.units) as UnitCode[]).find((c) => unitId(c) === relationship.unitId);
    if (!code) throw new Error('demo world: unknown unit');
    return code;
  };
  /** Last day on which something can have happened within a relationship. */
  const lastDayOf = (relationship: RelationshipRow): string => minDate(relationship.endedOn ?? yesterday, yesterday);

  // --- documents ------------------------------------------------------------------------------
  const documentsByRelationship = new Map<string, DocumentRow[]>();
  let correctable = 0;
  const addDocument = (
    key: string,
    doc: Omit<DocumentRow, 'id' | 'currentRevision' | 'updatedAt' | 'title' | 'body' | 'recordedAt'> & { recordedAt: Date },
    text: Text,
    corrections: readonly { reason: string; addition: string; authorId: string | null }[] = [],
  ): string => {
    const id = demoId('document', key);
    const rng = new Random(`${DEMO_SEED}/revisions/${key}`);
    const recordedAt = doc.recordedAt;
    let title = text.title;
    let body = text.body;
    let updatedAt = recordedAt;
    rows.documentRevisions.push({ id: demoId('document-revision', `${key}/1`), documentId: id, revision: 1, title, body, authorId: doc.authorId ?? null, reason: null, createdAt: recordedAt });
    corrections.forEach((correction, i) => {
      // Corrections come after the original but never after now.
      const room = Math.max(60_000, now.getTime() - updatedAt.getTime() - 3_600_000);
      updatedAt = new Date(updatedAt.getTime() + Math.min(rng.int(1, 20) * DAY_MS, Math.floor(room / 2)));
      body = `${body} ${correction.addition}`;
      if (i === 0 && rng.chance(0.3)) title = `${title} (korjattu)`;
      rows.documentRevisions.push({
        id: demoId('document-revision', `${key}/${i + 2}`),
        documentId: id,
        revision: i + 2,
        title,
        body,
        authorId: correction.authorId,
        reason: correction.reason,
        createdAt: updatedAt,
      });
    });
    const row: DocumentRow = { ...doc, id, title, body, recordedAt, currentRevision: corrections.length + 1, updatedAt };
    rows.documents.push(row);
    if (doc.relationshipId) {
      const list = documentsByRelationship.get(doc.relationshipId) ?? [];
      list.push(row);
      documentsByRelationship.set(doc.relationshipId, list);
    }
    return id;
  };
  const workerDocument = (
    key: string,
    relationship: RelationshipRow,
    type: DocumentType,
    rng: Random,
    options: { text?: Text; corrections?: number; day?: string } = {},
  ): string => {
    const authorId = relationship.responsibleWorkerId ?? null;
    const day = options.day !== undefined ? maxDate(options.day, relationship.startedOn) : dayIn(rng, relationship.startedOn, lastDayOf(relationship));
    const correctionCount = options.corrections ?? 0;
    const firstAddition = rng.int(0, CORRECTION_ADDITIONS.length - 1);
    const corrections = Array.from({ length: correctionCount }, (_, i) => ({
      reason: rng.pick(CORRECTION_REASONS),
      // Consecutive additions, so that no correction repeats the previous one.
      addition: CORRECTION_ADDITIONS[(firstAddition + i) % CORRECTION_ADDITIONS.length] ?? '',
      // In child welfare the manager makes the later corrections; elsewhere the author corrects.
      authorId: i > 0 && unitCodeOf(relationship) === 'child-welfare' ? userId('mgr-child') : authorId,
    }));
    return addDocument(
      key,
      {
        clientId: relationship.clientId,
        unitId: relationship.unitId,
        relationshipId: relationship.id,
        commissionId: null,
        authorId,
        authorOrganisationId: DEMO.units[unitCodeOf(relationship)].organisationId,
        type,
        recordedAt: atWork(day, rng),
      },
      options.text ?? rng.pick(TEXTS[type]),
      corrections,
    );
  };

  for (const client of built) {
    for (const relationship of client.relationships) {
      const unit = unitCodeOf(relationship);
      const rng = new Random(`${DEMO_SEED}/documents/${relationshipKey(client.plan.key, unit)}`);
      const count = rng.int(1, 4);
      for (let n = 1; n <= count; n += 1) {
        const type = rng.weighted(DOCUMENT_TYPES_BY_UNIT[unit]);
        correctable += 1;
        // About one in 45 is corrected; every third of those twice.
        const corrected = correctable % 45 === 7;
        const corrections = corrected ? (Math.floor(correctable / 45) % 3 === 0 ? 2 : 1) : 0;
        workerDocument(`${relationshipKey(client.plan.key, unit)}/${n}`, relationship, type, rng, { corrections });
      }
    }
  }

  // Named documents tests rely on.
  {
    const rng = new Random(`${DEMO_SEED}/documents/named`);
    const open = relationshipIn(clientByKey('child-0'), 'child-welfare');
    const childAndFamily = clientByKey('child-family-0');
    workerDocument('named/corrected', open, 'CLIENT_PLAN', rng, { corrections: 2, day: addDays(yesterday, -40), text: TEXTS.CLIENT_PLAN[0] });
    workerDocument('named/statement', open, 'STATEMENT', rng, { text: TEXTS.STATEMENT[0] });
    workerDocument('named/notification', open, 'CHILD_WELFARE_NOTIFICATION', rng, { text: TEXTS.CHILD_WELFARE_NOTIFICATION[0] });
    workerDocument('named/case-note', open, 'CASE_NOTE', rng, { text: TEXTS.CASE_NOTE[0] });
    workerDocument('named/child-and-family/child-welfare', relationshipIn(childAndFamily, 'child-welfare'), 'CASE_NOTE', rng);
    workerDocument('named/child-and-family/family-services', relationshipIn(childAndFamily, 'family-services'), 'NEEDS_ASSESSMENT', rng);
    workerDocument('named/family-only', relationshipIn(clientByKey('family-0'), 'family-services'), 'CASE_NOTE', rng);
    workerDocument('named/adult-only', relationshipIn(clientByKey('adult-0'), 'adult-services'), 'CASE_NOTE', rng);
    const childAndAdult = clientByKey(clientKey('child-adult', 0));
    workerDocument('named/child-and-adult/child-welfare', relationshipIn(childAndAdult, 'child-welfare'), 'CASE_NOTE', rng, { text: TEXTS.CASE_NOTE[1] });
    workerDocument('named/child-and-adult/child-welfare/statement', relationshipIn(childAndAdult, 'child-welfare'), 'STATEMENT', rng, { text: TEXTS.STATEMENT[0] });
    workerDocument('named/child-and-adult/adult-services', relationshipIn(childAndAdult, 'adult-services'), 'CASE_NOTE', rng, { text: TEXTS.CASE_NOTE[2] });
    workerDocument('named/region-b/case-note', relationshipIn(clientByKey(clientKey('b-child', REGION_B_OPEN_INDEX)), 'b-child-welfare'), 'CASE_NOTE', rng, { text: TEXTS.CASE_NOTE[0] });
  }

  // --- decisions, placements, care days, money -------------------------------------------------
  const costPerDay: Readonly<Record<PlacementKind, number>> = {
    INSTITUTIONAL_CARE: 31_500,
    PROFESSIONAL_FAMILY_HOME: 22_800,
    FAMILY_CARE: 9_500,
    KINSHIP_CARE: 6_500,
    OPEN_CARE_SUPPORT: 4_500,
  };
  const addDecision = (
    key: string,
    client: BuiltClient,
    unit: UnitCode,
    type: DecisionType,
    legalAct: string,
    legalSection: string,
    decidedOn: string,
    decisionMaker: StaffLogin,
    content: string,
    rng: Random,
    commissionId: string | null = null,
  ): string => {
    const id = demoId('decision', key);
    const decidedAt = atWork(decidedOn, rng);
    rows.decisions.push({
      id,
      clientId: client.row.id,
      unitId: unitId(unit),
      commissionId,
      type,
      legalAct,
      legalSection,
      decidedAt,
      decisionMakerId: userId(decisionMaker),
      content,
      createdAt: decidedAt,
      updatedAt: decidedAt,
    });
    return id;
  };

  const placementsMade: PlacementRow[] = [];
  const addPlacement = (
    key: string,
    client: BuiltClient,
    kind: PlacementKind,
    providerName: string,
    startsOn: string,
    endsOn: string | null,
    decisionId: string,
    rng: Random,
    options: { commissionId?: string; providerOrganisationId?: string; finalInvoicesPaid?: boolean; unit?: UnitCode } = {},
  ): PlacementRow => {
    const placementUnitId = unitId(options.unit ?? 'child-welfare');
    const placement: PlacementRow = {
      id: demoId('placement', key),
      clientId: client.row.id,
      unitId: placementUnitId,
      commissionId: options.commissionId ?? null,
      decisionId,
      kind,
      providerOrganisationId: options.providerOrganisationId ?? null,
      providerName,
      startsOn,
      endsOn,
      createdAt: atWork(startsOn, rng),
    };
    placement.updatedAt = placement.createdAt;
    rows.placements.push(placement);
    placementsMade.push(placement);

    // A few consecutive care days up to the end of the placement (or yesterday).
    const daily = costPerDay[kind];
    const lastCareDay = minDate(endsOn ?? yesterday, yesterday);
    const careDayCount = rng.int(4, 8);
    for (let k = 0; k < careDayCount; k += 1) {
      const careDay = addDays(lastCareDay, -k);
      if (careDay < startsOn) break;
      rows.careDays.push({ id: demoId('care-day', `${key}/${careDay}`), placementId: placement.id, day: careDay, costCents: daily });
    }

    if (kind === 'KINSHIP_CARE') return placement;
    const commitmentId = demoId('payment-commitment', key);
    rows.paymentCommitments.push({
      id: commitmentId,
      clientId: client.row.id,
      unitId: placementUnitId,
      placementId: placement.id,
      providerOrganisationId: options.providerOrganisationId ?? null,
      amountCents: daily * 31,
      validFrom: startsOn,
      validUntil: endsOn,
      createdAt: placement.createdAt,
    });
    // Monthly invoices for the last three calendar months, and a draft for this month so far.
    const [ty, tm] = today.split('-').map(Number) as [number, number];
    for (let back = 3; back >= 0; back -= 1) {
      const first = new Date(Date.UTC(ty, tm - 1 - back, 1));
      const monthStart = isoDate(first);
      const monthEnd = back === 0 ? yesterday : isoDate(new Date(Date.UTC(ty, tm - back, 0)));
      const periodStart = maxDate(monthStart, startsOn);
      const periodEnd = minDate(monthEnd, endsOn ?? monthEnd);
      if (periodEnd < periodStart) continue;
      const status = back === 0 ? 'DRAFT' : back === 1 && !options.finalInvoicesPaid ? 'SENT' : 'PAID';
      rows.invoices.push({
        id: demoId('invoice', `${key}/${monthStart}`),
        paymentCommitmentId: commitmentId,
        providerOrganisationId: options.providerOrganisationId ?? null,
        periodStart,
        periodEnd,
        amountCents: (daysBetween(periodStart, periodEnd) + 1) * daily,
        status,
        createdAt: new Date(Math.min(now.getTime(), dayStart(addDays(periodEnd, 1)) + 7 * 3_600_000)),
      });
    }
    return placement;
  };

  // Commissions to majakka: placements in its professional family home, with its own reports.
  const majakkaPlacements: PlacementRow[] = [];
  for (const index of [...MAJAKKA_ACTIVE_INDEXES, MAJAKKA_ENDED_INDEX]) {
    const key = clientKey('child', index);
    const client = clientByKey(key);
    const rng = new Random(`${DEMO_SEED}/commission/${key}`);
    const relationship = relationshipIn(client, 'child-welfare');
    const isEnded = index === MAJAKKA_ENDED_INDEX;
    const startsOn = maxDate(daysAgo(isEnded ? 300 : rng.int(60, 360)), relationship.startedOn);
    const endsOn = isEnded ? daysAgo(10) : null;
    const commissionId = demoId('commission', key);
    rows.commissions.push({
      id: commissionId,
      clientId: client.row.id,
      commissionerUnitId: unitId('child-welfare'),
      partnerOrganisationId: majakka.id,
      kind: 'PLACEMENT',
      startsOn,
      endsOn,
      createdAt: atWork(addDays(startsOn, -3), rng),
    });
    const emergency = index === MAJAKKA_ACTIVE_INDEXES[1];
    const decisionId = addDecision(
      `commission/${key}`,
      client,
      'child-welfare',
      emergency ? 'EMERGENCY_PLACEMENT' : 'TAKING_INTO_CARE',
      CHILD_WELFARE_ACT,
      emergency ? '38 §' : '40 §',
      addDays(startsOn, -1),
      'mgr-child',
      emergency
        ? 'Lapsi sijoitetaan kiireellisesti Perhekoti Majakkaan. Sijoitus on välttämätön lapsen välittömän turvallisuuden vuoksi.'
        : 'Lapsi otetaan huostaan ja sijoitetaan Perhekoti Majakkaan. Avohuollon tukitoimet eivät ole olleet riittäviä.',
      rng,
      commissionId,
    );
    const placement = addPlacement(
      `commission/${key}`,
      client,
      index === MAJAKKA_ACTIVE_INDEXES[2] ? 'FAMILY_CARE' : 'PROFESSIONAL_FAMILY_HOME',
      majakka.name,
      startsOn,
      endsOn,
      decisionId,
      rng,
      { commissionId, providerOrganisationId: majakka.id, finalInvoicesPaid: isEnded },
    );
    majakkaPlacements.push(placement);
    const reportCount = isEnded ? 2 : rng.int(2, 3);
    for (let n = 1; n <= reportCount; n += 1) {
      const day = minDate(addDays(startsOn, n * 25), minDate(endsOn ?? yesterday, yesterday));
      addDocument(
        `commission/${key}/${n}`,
        {
          clientId: client.row.id,
          unitId: unitId('child-welfare'),
          relationshipId: relationship.id,
          commissionId,
          authorId: null,
          authorOrganisationId: majakka.id,
          type: 'REPORT',
          recordedAt: atWork(day, rng),
        },
        TEXTS.REPORT[(n - 1) % TEXTS.REPORT.length] ?? { title: 'Raportti', body: 'Raportti.' },
      );
    }
  }

  // childWelfareOpen: open-care support with a support family.
  {
    const client = clientByKey('child-0');
    const rng = new Random(`${DEMO_SEED}/services/named`);
    const relationship = relationshipIn(client, 'child-welfare');
    const decidedOn = maxDate(daysAgo(120), relationship.startedOn);
    addDecision('named/child-welfare-open', client, 'child-welfare', 'OPEN_CARE_SUPPORT', CHILD_WELFARE_ACT, '34 §', decidedOn, 'sw-child',
      'Avohuollon tukitoimena tukiperhe yhtenä viikonloppuna kuukaudessa ja perhetyö kerran viikossa.', rng);
    addPlacement('named/child-welfare-open', client, 'OPEN_CARE_SUPPORT', 'Tukiperhetoiminta', addDays(decidedOn, 7), null,
      DEMO.decisions.childWelfareOpen, rng);
  }

  // Other child-welfare placements, so that about 40 children have one.
  const institutions = ['Lastenkoti Kotiranta', 'Nuorisokoti Ankkuri', 'Vastaanottokoti Satama'] as const;
  const otherProviders: Readonly<Record<Exclude<PlacementKind, 'INSTITUTIONAL_CARE' | 'PROFESSIONAL_FAMILY_HOME'>, string>> = {
    FAMILY_CARE: 'Sijaisperhe (perhehoito)',
    KINSHIP_CARE: 'Sukulaisperhe (läheisverkostosijoitus)',
    OPEN_CARE_SUPPORT: 'Perhekuntoutusyksikkö Verso',
  };
  {
    const rng = new Random(`${DEMO_SEED}/placements`);
    const reserved = new Set(['child-0', 'child-1', 'child-2', 'child-3', 'child-4', ...[...MAJAKKA_ACTIVE_INDEXES, MAJAKKA_ENDED_INDEX].map((i) => clientKey('child', i))]);
    // The groups added later (aftercare, region-b) are left out, so that the draws stay as they were.
    const candidates = built.filter(
      (c) =>
        !reserved.has(c.plan.key) &&
        c.plan.group !== 'child-adult' &&
        c.plan.organisation === 'region' &&
        c.relationships.some((r) => r.unitId === unitId('child-welfare')),
    );
    for (const client of rng.shuffle(candidates).slice(0, 34)) {
      const relationship = relationshipIn(client, 'child-welfare');
      const kind = rng.weighted<PlacementKind>([
        ['INSTITUTIONAL_CARE', 3],
        ['FAMILY_CARE', 3],
        ['KINSHIP_CARE', 1.5],
        ['OPEN_CARE_SUPPORT', 2.5],
      ]);
      const end = lastDayOf(relationship);
      const startsOn = dayIn(rng, relationship.startedOn, maxDate(relationship.startedOn, addDays(end, -20)));
      const key = `cw/${client.plan.key}`;
      let decisionId: string;
      if (kind === 'OPEN_CARE_SUPPORT') {
        decisionId = addDecision(key, client, 'child-welfare', 'OPEN_CARE_SUPPORT', CHILD_WELFARE_ACT, '37 §', startsOn, relationship.responsibleWorkerId === userId('sw-child-2') ? 'sw-child-2' : 'sw-child',
          'Lapsi sijoitetaan avohuollon tukitoimena yhdessä vanhemman kanssa perhekuntoutukseen.', rng);
      } else {
        if (rng.chance(0.3)) {
          addDecision(`${key}/emergency`, client, 'child-welfare', 'EMERGENCY_PLACEMENT', CHILD_WELFARE_ACT, '38 §', maxDate(relationship.startedOn, addDays(startsOn, -30)), 'mgr-child',
            'Kiireellinen sijoitus lapsen välittömän turvallisuuden vuoksi.', rng);
        }
        decisionId = addDecision(key, client, 'child-welfare', 'TAKING_INTO_CARE', CHILD_WELFARE_ACT, '40 §', startsOn, 'mgr-child',
          'Lapsi otetaan huostaan ja hänelle järjestetään sijaishuolto. Perustelut on kirjattu liitteeseen.', rng);
      }
      const providerName = kind === 'INSTITUTIONAL_CARE' ? rng.pick(institutions) : otherProviders[kind as keyof typeof otherProviders];
      addPlacement(key, client, kind, providerName, startsOn, relationship.endedOn, decisionId, rng);
      if (relationship.endedOn !== null && kind !== 'OPEN_CARE_SUPPORT' && rng.chance(0.5)) {
        addDecision(`${key}/aftercare`, client, 'child-welfare', 'AFTERCARE', CHILD_WELFARE_ACT, '75 §', relationship.endedOn, 'sw-child',
          'Lapselle järjestetään jälkihuolto sijaishuollon päätyttyä.', rng);
      }
    }
  }

  // Decisions without placements.
  for (const client of built) {
    for (const relationship of client.relationships) {
      const unit = unitCodeOf(relationship);
      const rng = new Random(`${DEMO_SEED}/decisions/${relationshipKey(client.plan.key, unit)}`);
      const roll = rng.float();
      const decidedOn = dayIn(rng, relationship.startedOn, lastDayOf(relationship));
      const key = `plain/${relationshipKey(client.plan.key, unit)}`;
      const worker = loginOf(relationship.responsibleWorkerId);
      const childWelfare = DEMO.units[unit].serviceTask === 'CHILD_WELFARE';
      if (childWelfare && client.plan.youngAdult) {
        addDecision(key, client, unit, 'AFTERCARE', CHILD_WELFARE_ACT, '75 §', decidedOn, worker,
          rng.pick(['Jälkihuoltona tukihenkilö ja taloudellinen tuki itsenäistymiseen.', 'Jälkihuoltona tuettu asuminen ja säännölliset tapaamiset sosiaalityöntekijän kanssa.']), rng);
      } else if (childWelfare && roll < 0.3) {
        addDecision(key, client, unit, 'OPEN_CARE_SUPPORT', CHILD_WELFARE_ACT, '34 §', decidedOn, worker,
          rng.pick(['Avohuollon tukitoimena tukihenkilö.', 'Avohuollon tukitoimena perhetyö ja tukiperhe.', 'Avohuollon tukitoimena taloudellinen tuki harrastukseen.']), rng);
      } else if (unit === 'family-services' && roll < 0.5) {
        addDecision(key, client, unit, 'FAMILY_WORK', SOCIAL_WELFARE_ACT, '18 §', decidedOn, worker,
          'Perheelle myönnetään perhetyötä kaksi käyntiä viikossa kolmen kuukauden ajan.', rng);
      } else if (unit === 'adult-services' && roll < 0.45) {
        const [section, content] = rng.pick([
          ['17 §', 'Asiakkaalle myönnetään sosiaalista kuntoutusta ryhmätoimintana.'],
          ['21 §', 'Asiakkaalle myönnetään tuettua asumista.'],
          ['19 §', 'Asiakkaalle myönnetään kotipalvelua kerran viikossa.'],
        ] as const);
        addDecision(key, client, unit, 'SOCIAL_SERVICE', SOCIAL_WELFARE_ACT, section, decidedOn, worker, content, rng);
      }
    }
  }

  // --- restrictions, assistance requests, medications -----------------------------------------
  {
    const rng = new Random(`${DEMO_SEED}/restrictions`);
    const restrictionTexts: Readonly<Record<RestrictionKind, { reason: string; hours: number; decidedBy: StaffLogin | null }>> = {
      CONTACT_RESTRICTION: { reason: 'Yhteydenpitoa rajoitetaan lapsen turvallisuuden vuoksi 30 vuorokauden ajaksi.', hours: 30 * 24, decidedBy: 'mgr-child' },
      CONFISCATION: { reason: 'Lapsen hallusta otettiin päihteiksi epäiltyjä aineita.', hours: 1, decidedBy: null },
      BODY_SEARCH: { reason: 'Henkilöntarkastus, koska lapsen epäiltiin kuljettavan vaarallista esinettä.', hours: 1, decidedBy: null },
      RESTRICTION_OF_MOVEMENT: { reason: 'Liikkumisvapautta rajoitetaan toistuvien karkaamisten vuoksi.', hours: 7 * 24, decidedBy: 'mgr-child' },
      ISOLATION: { reason: 'Eristäminen lyhytaikaisesti väkivaltaisen käyttäytymisen vuoksi.', hours: 4, decidedBy: null },
      SPECIAL_CARE: { reason: 'Erityinen huolenpito vakavan päihteiden käytön vuoksi.', hours: 30 * 24, decidedBy: 'mgr-child' },
    };
    const kinds = Object.keys(restrictionTexts) as RestrictionKind[];
    const eligible = placementsMade.filter(
      (p) => p.endsOn === null && (p.kind === 'INSTITUTIONAL_CARE' || p.kind === 'PROFESSIONAL_FAMILY_HOME'),
    );
    eligible.slice(0, 7).forEach((placement, i) => {
      const kind = kinds[i % kinds.length] ?? 'CONFISCATION';
      const text = restrictionTexts[kind];
      const startsAt = atWork(maxDate(placement.startsOn, daysAgo(rng.int(3, 60))), rng);
      rows.restrictions.push({
        id: demoId('restriction', `${placement.id}/${kind}`),
        clientId: placement.clientId,
        unitId: placement.unitId,
        placementId: placement.id,
        kind,
        reason: text.reason,
        startsAt,
        endsAt: new Date(startsAt.getTime() + text.hours * 3_600_000),
        decidedBy: text.decidedBy === null ? null : userId(text.decidedBy),
        createdAt: startsAt,
      });
    });

    const assistance: readonly { client: BuiltClient; unit: UnitCode; from: string; reason: string; status: 'REQUESTED' | 'GRANTED' | 'DECLINED' }[] = [
      { client: clientByKey(clientKey('child', MAJAKKA_ACTIVE_INDEXES[1])), unit: 'child-welfare', from: 'Poliisi, Sisä-Suomen poliisilaitos', reason: 'Virka-apu lapsen siirtämiseksi kiireellisesti sijaishuoltopaikkaan.', status: 'GRANTED' },
      { client: clientByKey('child-20'), unit: 'child-welfare', from: 'Poliisi, Sisä-Suomen poliisilaitos', reason: 'Virka-apu karanneen lapsen palauttamiseksi sijaishuoltopaikkaan.', status: 'GRANTED' },
      { client: clientByKey('child-21'), unit: 'child-welfare', from: 'Poliisi, Sisä-Suomen poliisilaitos', reason: 'Virka-apu kotikäynnille uhkaavan tilanteen vuoksi.', status: 'REQUESTED' },
      { client: clientByKey('family-10'), unit: 'family-services', from: 'Poliisi, Sisä-Suomen poliisilaitos', reason: 'Virka-apu valvotun tapaamisen turvaamiseksi.', status: 'DECLINED' },
      { client: clientByKey('adult-10'), unit: 'adult-services', from: 'Ensihoito, Pirkanmaan pelastuslaitos', reason: 'Virka-apu asiakkaan tilanteen arvioimiseksi kotona.', status: 'GRANTED' },
    ];
    assistance.forEach((a, i) => {
      const relationship = relationshipIn(a.client, a.unit);
      const requestedAt = atWork(dayIn(rng, maxDate(relationship.startedOn, daysAgo(200)), lastDayOf(relationship)), rng);
      rows.assistanceRequests.push({
        id: demoId('assistance-request', String(i + 1)),
        clientId: a.client.row.id,
        unitId: unitId(a.unit),
        requestedFrom: a.from,
        reason: a.reason,
        status: a.status,
        requestedAt,
        requestedBy: relationship.responsibleWorkerId ?? null,
        createdAt: requestedAt,
      });
    });

    const medicines = [
      ['Melatoniini 3 mg tabl.', '1 tabl. iltaisin'],
      ['Metyylifenidaatti 10 mg tabl.', '1 tabl. aamuisin'],
      ['Ibuprofeeni 200 mg tabl.', '1 tabl. tarvittaessa'],
      ['Setiritsiini 10 mg tabl.', '1 tabl. kerran päivässä'],
      ['Sertraliini 50 mg tabl.', '1 tabl. aamuisin'],
    ] as const;
    const addMedication = (key: string, clientIdValue: string, unit: UnitCode, placementId: string | null, givenBy: string, givenOn: string) => {
      const [medicine, dose] = rng.pick(medicines);
      const givenAt = atWork(givenOn, rng);
      rows.medications.push({ id: demoId('medication', key), clientId: clientIdValue, unitId: unitId(unit), placementId, medicine, dose, givenAt, givenBy, createdAt: givenAt });
    };
    majakkaPlacements.forEach((placement, i) => {
      const last = minDate(placement.endsOn ?? yesterday, yesterday);
      for (let n = 0; n < 2; n += 1) {
        addMedication(`majakka/${i}/${n}`, placement.clientId, 'child-welfare', placement.id, 'Perhekoti Majakka, ohjaaja', maxDate(placement.startsOn, addDays(last, -n * 3)));
      }
    });
    placementsMade
      .filter((p) => p.kind === 'INSTITUTIONAL_CARE')
      .slice(0, 4)
      .forEach((placement, i) => {
        const last = minDate(placement.endsOn ?? yesterday, yesterday);
        addMedication(`institution/${i}`, placement.clientId, 'child-welfare', placement.id, `${placement.providerName}, sairaanhoitaja`, maxDate(placement.startsOn, addDays(last, -2)));
      });
    addMedication('named/child-welfare-open', DEMO.clients.childWelfareOpen, 'child-welfare', DEMO.placements.childWelfareOpen, 'Tukiperhe', addDays(yesterday, -5));
    addMedication('adult/1', clientByKey('adult-11').row.id, 'adult-services', null, 'Tuetun asumisen yksikkö, sairaanhoitaja', addDays(yesterday, -8));
    addMedication('adult/2', clientByKey('adult-12').row.id, 'adult-services', null, 'Tuetun asumisen yksikkö, sairaanhoitaja', addDays(yesterday, -3));
  }

  // --- region-b: a child taken into care and placed in family care ------------------------------
  {
    const rng = new Random(`${DEMO_SEED}/services/region-b`);
    const key = `region-b/${clientKey('b-child', REGION_B_PLACED_INDEX)}`;
    const client = clientByKey(clientKey('b-child', REGION_B_PLACED_INDEX));
    const relationship = relationshipIn(client, 'b-child-welfare');
    const startsOn = maxDate(daysAgo(rng.int(120, 300)), relationship.startedOn);
    const decisionId = addDecision(key, client, 'b-child-welfare', 'TAKING_INTO_CARE', CHILD_WELFARE_ACT, '40 §', startsOn, 'sw-b',
      'Lapsi otetaan huostaan ja sijoitetaan perhehoitoon. Avohuollon tukitoimet eivät ole olleet riittäviä.', rng);
    addPlacement(key, client, 'FAMILY_CARE', 'Sijaisperhe (perhehoito), Salo', startsOn, null, decisionId, rng, { unit: 'b-child-welfare' });
  }

  // --- consents, disclosures, data subject requests --------------------------------------------
  {
    const rng = new Random(`${DEMO_SEED}/consents`);
    const consentIds = new Map<string, string>();
    const addConsent = (key: string, client: BuiltClient, unit: UnitCode, recipientName: string, purpose: string, options: { recipientOrganisationId?: string; withdrawnAfterDays?: number; scope?: string[] } = {}) => {
      const relationship = relationshipIn(client, unit);
      // Given early enough that disclosures on it can follow.
      const givenOn = dayIn(rng, relationship.startedOn, maxDate(relationship.startedOn, addDays(lastDayOf(relationship), -30)));
      const id = demoId('consent', key);
      const withdrawnOn = options.withdrawnAfterDays === undefined ? null : minDate(addDays(givenOn, options.withdrawnAfterDays), yesterday);
      rows.consents.push({
        id,
        clientId: client.row.id,
        unitId: relationship.unitId,
        recipientOrganisationId: options.recipientOrganisationId ?? null,
        recipientName,
        purpose,
        // What is consented to (issue 11): the categories of data the recipient may receive.
        scope: options.scope ?? ['WELFARE', 'CASE_RECORD'],
        givenOn,
        withdrawnOn,
        createdAt: atWork(givenOn, rng),
      });
      consentIds.set(key, id);
      return id;
    };
    const open = clientByKey('child-0');
    const familyOnly = clientByKey('family-0');
    const adultOnly = clientByKey('adult-0');
    addConsent('named/school', open, 'child-welfare', 'Koulun oppilashuolto', 'Tuen suunnittelu koulunkäyntiin');
    for (const index of [...MAJAKKA_ACTIVE_INDEXES, MAJAKKA_ENDED_INDEX]) {
      addConsent(`majakka/${index}`, clientByKey(clientKey('child', index)), 'child-welfare', majakka.name, 'Terveystietojen välittäminen sijaishuoltopaikkaan', { recipientOrganisationId: majakka.id, scope: ['HEALTH'] });
    }
    addConsent('named/family-counselling', familyOnly, 'family-services', 'Perheneuvola', 'Perheneuvolan ja perhepalvelujen yhteistyö');
    addConsent('named/kela', adultOnly, 'adult-services', 'Kela', 'Perustoimeentulotuen käsittely');
    addConsent('named/withdrawn', adultOnly, 'adult-services', 'Työllisyyspalvelut', 'Työllistymistä tukevien palvelujen yhteensovittaminen', { withdrawnAfterDays: 45 });
    for (const key of ['child-30', 'child-31', 'family-20', 'family-21', 'adult-20', 'adult-21', 'child-family-8']) {
      const client = clientByKey(key);
      const relationship = client.relationships[0];
      if (!relationship) continue;
      addConsent(`random/${key}`, client, unitCodeOf(relationship), rng.pick(['Koulun oppilashuolto', 'Perheneuvola', 'Kela', 'Työterveyshuolto', 'Nuorisopsykiatrian poliklinikka']), 'Tietojen luovuttaminen palvelujen yhteensovittamiseksi');
    }

    const documentById = new Map(rows.documents.map((d) => [d.id, d]));
    const documentsOf = (client: BuiltClient, unit: UnitCode): DocumentRow[] =>
      (documentsByRelationship.get(relationshipIn(client, unit).id) ?? []).filter((d) => d.authorOrganisationId === region.id);
    const addDisclosure = (key: string, client: BuiltClient, unit: UnitCode, recipientName: string, basis: { legalBasis: string } | { consentKey: string }, documentIds: readonly string[], recipientOrganisationId: string | null = null) => {
      const relationship = relationshipIn(client, unit);
      const id = demoId('disclosure', key);
      const consentId = 'consentKey' in basis ? consentIds.get(basis.consentKey) ?? null : null;
      const consentRow = rows.consents.find((c) => c.id === consentId);
      // A disclosure on consent happens after the consent was given.
      const from = consentRow ? maxDate(consentRow.givenOn, relationship.startedOn) : relationship.startedOn;
      // Documents are given out after they were written, and never in the future.
      const latestDocument = Math.max(0, ...documentIds.map((d) => documentById.get(d)?.recordedAt?.getTime() ?? 0));
      const disclosedAt = new Date(
        Math.min(now.getTime() - 3_600_000, Math.max(atWork(dayIn(rng, from, lastDayOf(relationship)), rng).getTime(), latestDocument + 2 * 3_600_000)),
      );
      rows.disclosures.push({
        id,
        clientId: client.row.id,
        unitId: unitId(unit),
        recipientOrganisationId,
        recipientName,
        legalBasis: 'legalBasis' in basis ? basis.legalBasis : null,
        consentId,
        // The specified request it answers (seed 001: only on a specified request), received a few days before.
        requestDescription: `${recipientName}: pyyntö asiakkaan tietojen luovuttamisesta (${documentIds.length} asiakirjaa).`,
        requestedOn: new Date(disclosedAt.getTime() - 3 * 86_400_000).toISOString().slice(0, 10),
        disclosedAt,
        disclosedBy: relationship.responsibleWorkerId ?? null,
      });
      for (const documentId of new Set(documentIds)) rows.disclosureDocuments.push({ disclosureId: id, documentId });
    };
    addDisclosure('named/school', open, 'child-welfare', 'Koulun oppilashuolto', { consentKey: 'named/school' }, [DEMO.documents.childWelfareOpenCaseNote]);
    addDisclosure('named/court', open, 'child-welfare', 'Hämeenlinnan hallinto-oikeus', { legalBasis: `${CHILD_WELFARE_ACT} 43 §` }, [DEMO.documents.restrictedChildWelfare, DEMO.documents.corrected]);
    const firstMajakka = clientByKey(clientKey('child', MAJAKKA_ACTIVE_INDEXES[0]));
    addDisclosure('majakka/placement', firstMajakka, 'child-welfare', majakka.name, { legalBasis: `${CHILD_WELFARE_ACT} 49 §` }, documentsOf(firstMajakka, 'child-welfare').slice(0, 2).map((d) => d.id), majakka.id);
    addDisclosure('named/family-counselling', familyOnly, 'family-services', 'Perheneuvola', { consentKey: 'named/family-counselling' }, [DEMO.documents.familyOnlyCaseNote]);
    addDisclosure('named/kela', adultOnly, 'adult-services', 'Kela', { consentKey: 'named/kela' }, [DEMO.documents.adultOnlyCaseNote]);
    for (const key of ['child-30', 'family-20', 'adult-20']) {
      const client = clientByKey(key);
      const relationship = client.relationships[0];
      if (!relationship) continue;
      const unit = unitCodeOf(relationship);
      addDisclosure(`random/${key}`, client, unit, 'Tietopyynnön esittänyt viranomainen', { consentKey: `random/${key}` }, documentsOf(client, unit).slice(0, 2).map((d) => d.id));
    }
    for (const key of ['child-40', 'adult-40']) {
      const client = clientByKey(key);
      const relationship = client.relationships[0];
      if (!relationship) continue;
      const unit = unitCodeOf(relationship);
      addDisclosure(`legal/${key}`, client, unit, unit === 'child-welfare' ? 'Poliisi, Sisä-Suomen poliisilaitos' : 'Pirkanmaan käräjäoikeus',
        { legalBasis: 'Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä 703/2023' }, documentsOf(client, unit).slice(0, 1).map((d) => d.id));
    }

    const addRequest = (key: string, client: BuiltClient, kind: 'ACCESS' | 'RECTIFICATION' | 'RESTRICTION' | 'OBJECTION', status: 'RECEIVED' | 'COMPLETED' | 'REFUSED', receivedDaysAgo: number, handledBy: StaffLogin | null, refusalReason: string | null = null) => {
      const receivedOn = daysAgo(receivedDaysAgo);
      rows.dataSubjectRequests.push({
        id: demoId('data-subject-request', key),
        clientId: client.row.id,
        // Handled in the unit where the data arose: the client's first relationship.
        unitId: client.relationships[0]?.unitId ?? null,
        kind,
        status,
        receivedOn,
        decidedOn: status === 'RECEIVED' ? null : addDays(receivedOn, Math.min(receivedDaysAgo - 1, 21)),
        refusalReason,
        handledBy: handledBy === null ? null : userId(handledBy),
        createdAt: atWork(receivedOn, rng),
        // The request workflow (issue 12): asked by the client in writing; decided ones carry their outcome.
        requesterKind: 'CLIENT',
        identityVerification: 'SIGNED_DOCUMENT',
        channel: 'LETTER',
        subject: kind === 'RECTIFICATION' ? 'Oikaisupyyntö: virheellinen merkintä asiakaskertomuksessa.' : `Pyyntö (${kind}) asiakkaan tiedoista.`,
        outcome: status === 'RECEIVED' ? null : status === 'REFUSED' ? 'REFUSED' : 'GRANTED',
        decidedBy: status === 'RECEIVED' || handledBy === null ? null : userId(handledBy),
        reasons: refusalReason,
        legalGround: status === 'REFUSED' ? 'Tietosuojalaki 1050/2018 34 §' : null,
        ...(kind === 'OBJECTION' ? { objectionRecipientName: 'Kela' } : {}),
      });
    };
    addRequest('access-completed', adultOnly, 'ACCESS', 'COMPLETED', 60, 'dpo');
    addRequest('rectification-completed', open, 'RECTIFICATION', 'COMPLETED', 35, 'sw-child');
    addRequest('refused', clientByKey('adult-2'), 'ACCESS', 'REFUSED', 50, 'dpo',
      'Tietojen antaminen vaarantaisi vakavasti toisen henkilön turvallisuuden; osa tiedoista annettiin, muilta osin pyyntö evättiin.');
    addRequest('access-received', familyOnly, 'ACCESS', 'RECEIVED', 4, null);
    addRequest('restriction-received', clientByKey('adult-30'), 'RESTRICTION', 'RECEIVED', 9, null);
    addRequest('objection-completed', clientByKey('family-30'), 'OBJECTION', 'COMPLETED', 90, 'dpo');
  }

  return rows;
}

let codesSeededAt: { time: number; codes: ReadonlyMap<string, string> } | null = null;

/**
 * The personal identity code a demo client has when the world is seeded at `now` (birth years, and so
 * the codes, move with the seed's year). E.g. the code of DEMO.regionB.sharedPersons[i] in a test stack.
 */
export function demoPersonalIdentityCode(clientIdValue: string, now: Date): string {
  if (codesSeededAt?.time !== now.getTime()) {
    const codes = new Map(buildDemoWorld(now).clients.map((c) => [c.id ?? '', c.personalIdentityCode ?? '']));
    codesSeededAt = { time: now.getTime(), codes };
  }
  const code = codesSeededAt.codes.get(clientIdValue);
  if (!code) throw new Error(`demo world: no client ${clientIdValue}`);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

// One statement per table (chunked only for very large tables): the rows travel as a single JSON
// parameter and Postgres expands them with json_populate_recordset. This sidesteps the 65535
// bind-parameter limit of a VALUES list and is about three times faster than drizzle's multi-row
// VALUES on PGlite, where building the statement dominated.
const ROWS_PER_STATEMENT = 5_000;

async function insertAll(db: Queryable, table: PgTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  // Columns no row sets are left out, so they get their DEFAULT.
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((row) => row[key] !== undefined));
  const list = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    // Dates become ISO strings via toJSON, which timestamptz parses exactly.
    const json = JSON.stringify(chunk.map((row) => Object.fromEntries(columns.map(([key, column]) => [column.name, row[key] ?? null]))));
    await db.execute(sql`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, ${json}::json)`);
  }
}

export async function isSeeded(db: Queryable): Promise<boolean> {
  const found = await db
    .select({ id: s.organisations.id })
    .from(s.organisations)
    .where(eq(s.organisations.code, DEMO.organisations.region.code))
    .limit(1);
  return found.length > 0;
}

export interface SeedOptions {
  /** The moment the world is seeded at; every date is relative to it. Default: the current time. */
  now?: Date;
  /**
   * A few weeks of access-log history with an anomaly for each review queue (demo-log-history.ts),
   * appended through `sink`: the product's chained writer (the kit's DbAuditSink). `npm start` and
   * `npm run db:seed` pass it; tests only when they want the history (others count log entries).
   */
  logHistory?: { sink: AuditHistorySink };
}

/** Inserts the demo world in one transaction; throws if it is already there. */
/**
 * Every demo user signed the use and confidentiality commitment (käyttö- ja vaitiolositoumus, issue 11)
 * the day the user was created: without one the gateway loads none of the user's grants.
 */
async function seedUserCommitments(tx: Queryable, users: DemoWorldRows['users']): Promise<void> {
  await tx.insert(s.userCommitments).values(
    users.map((u) => ({
      id: demoId('user-commitment', u.login),
      userId: u.id!,
      signedOn: (u.createdAt as Date).toISOString().slice(0, 10),
      documentReference: `demo/${u.login}`,
      createdAt: u.createdAt as Date,
    })),
  );
}

/**
 * The region's retention classes (issue 13; DESIGN.md §1), from the act on social welfare client documents:
 * child welfare until two years after the client's death, family services 30 years and adult social work
 * 10 years after the relationship ends. No disposal months: records are due when their retention ends.
 */
export const DEMO_RETENTION_CLASSES = [
  {
    key: 'child-welfare',
    serviceTask: 'CHILD_WELFARE',
    trigger: 'CLIENT_DEATH',
    retainMonths: 24,
    legalSource: 'Laki sosiaalihuollon asiakasasiakirjoista 254/2015, 27 § ja liite: lastensuojelun asiakasasiakirjat, 2 vuotta asiakkaan kuolemasta',
  },
  {
    key: 'family-services',
    serviceTask: 'FAMILY_SERVICES',
    trigger: 'RELATIONSHIP_END',
    retainMonths: 360,
    legalSource: 'Laki sosiaalihuollon asiakasasiakirjoista 254/2015, 27 § ja liite: perhepalvelujen asiakasasiakirjat, 30 vuotta asiakkuuden päättymisestä',
  },
  {
    key: 'adult-services',
    serviceTask: 'ADULT_SOCIAL_WORK',
    trigger: 'RELATIONSHIP_END',
    retainMonths: 120,
    legalSource: 'Laki sosiaalihuollon asiakasasiakirjoista 254/2015, 27 § ja liite: aikuissosiaalityön asiakasasiakirjat, 10 vuotta asiakkuuden päättymisestä',
  },
] as const;

async function seedRetentionClasses(tx: Queryable, now: Date): Promise<void> {
  const organisationId = DEMO.organisations.region.id;
  await tx.insert(s.retentionSettings).values({ organisationId, disposalMonths: [], version: 1, updatedAt: now });
  await tx.insert(s.retentionClasses).values(
    DEMO_RETENTION_CLASSES.map((c) => ({
      id: demoId('retention-class', c.key),
      organisationId,
      serviceTask: c.serviceTask,
      recordType: null,
      trigger: c.trigger,
      retainMonths: c.retainMonths,
      action: 'DELETE' as const,
      legalSource: c.legalSource,
      createdAt: now,
    })),
  );
}

export async function seedDemoWorld(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const now = options.now ?? new Date();
  const rows = buildDemoWorld(now);
  await db.transaction(async (tx) => {
    if (await isSeeded(tx)) {
      throw new Error(`The demo world is already seeded (organisation "${DEMO.organisations.region.code}" exists).`);
    }
    for (const name of Object.keys(TABLES) as SeedTable[]) {
      await insertAll(tx, TABLES[name], rows[name] as readonly Record<string, unknown>[]);
    }
    await seedDemoPartnerToken(tx, DEMO.organisations.majakka.id, DEMO.organisations.region.id, now);
    await seedUserCommitments(tx, rows.users);
    await seedRetentionClasses(tx, now);
    if (options.logHistory) await seedDemoLogHistory(tx, options.logHistory.sink, rows, now);
  });
  const summary = {} as SeedSummary;
  for (const name of Object.keys(TABLES) as SeedTable[]) summary[name] = rows[name].length;
  return summary;
}
