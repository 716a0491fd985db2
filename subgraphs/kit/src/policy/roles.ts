import type { MongoQuery } from '@casl/ability';
import type { Actor, Grant } from '../actor';
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from '../sensitive';
import type { Action, Builder, PolicyClock, Subject } from './ability';
import { activeCommissionOf, clientVisibleIn, cutoffDate, relationshipVisibleIn, through, windowOf } from './conditions';
import { fieldsOf, RESTRICTED_DOCUMENT_TYPES, typesWith, WRITABLE_CLIENT_FIELDS } from './fields';
import { auditorLifecycle, managerLifecycle, partnerHandovers, registrarLifecycle, unitHandovers } from './lifecycle-rules';
import { auditorMonitoring, logAttributedTo, registrarMonitoring } from './monitoring-rules';

const DEFAULT_WINDOW_MONTHS = 12;
const ALL_CATEGORIES: SensitiveCategory[] = [...SENSITIVE_CATEGORIES];
const CLIENT_NAMES = ['displayName', 'firstName', 'lastName'];

/**
 * One grant's rules (DESIGN.md §4, policy v2). Every rule about client data is bound to the grant:
 * `access` rules to the grant's unit (or organisation), `read` and write rules to `via` — the grants
 * through which the row is visible (see row-grants.ts). A user with several grants therefore reads a
 * row only under the rules of the grants that make it visible, and the log names that grant.
 */
export interface GrantRules {
  b: Builder;
  actor: Actor;
  grant: Grant;
  clock: PolicyClock;
  /** `{ via: grant key }`: the condition binding a rule to this grant. */
  via: MongoQuery;
}

/** One rule per alternative: together they allow what any one of them allows. */
function canEach(b: Builder, action: Action, subject: Subject | Subject[], alternatives: MongoQuery[]) {
  for (const conditions of alternatives) b.can(action, subject, conditions);
}

/** Reads of `categories` on every type that has them (except `except`), on rows visible through the grant. */
function readCategories(g: GrantRules, categories: SensitiveCategory[], except: Partial<Record<Subject, SensitiveCategory[]>> = {}) {
  for (const type of typesWith(...categories)) {
    const allowed = categories.filter((c) => !except[type as Subject]?.includes(c));
    const fields = fieldsOf(type, ...allowed);
    if (fields.length > 0) g.b.can('read', type as Subject, fields, g.via);
  }
}

/** Rows of the unit roles: clients with a visible relationship with the grant's unit, records of that unit. */
function unitRows(g: GrantRules) {
  const { b, grant } = g;
  const w = windowOf(grant, g.clock);
  // A record is seen through this grant only if its client is too: with several grants, one unit's
  // records never ride on a client seen through another grant (or archived in this unit).
  const seen = clientVisibleIn(w);
  const inUnit = { unitId: grant.unitId };
  const inUnitOfSeen = seen.map((c) => ({ ...inUnit, client: { $elemMatch: c } }));
  canEach(b, 'access', 'Client', seen);
  canEach(b, 'access', 'ClientRelationship', relationshipVisibleIn(w));
  canEach(b, 'access', ['DataSubjectRequest', 'Consent'], inUnitOfSeen);
  canEach(b, 'access', 'Commission', seen.map((c) => ({ commissionerUnitId: grant.unitId, client: { $elemMatch: c } })));
  const records: Subject[] = ['Decision', 'Placement', 'Restriction', 'AssistanceRequest', 'Disclosure'];
  if (grant.role !== 'STUDENT') records.push('Medication', 'PaymentCommitment');
  for (const subject of records) canEach(b, 'access', subject, inUnitOfSeen);
  canEach(b, 'access', 'CareDay', inUnitOfSeen.map((c) => ({ placement: { $elemMatch: c } })));
  if (grant.role !== 'STUDENT') canEach(b, 'access', 'Invoice', inUnitOfSeen.map((c) => ({ paymentCommitment: { $elemMatch: c } })));
  const restrictedOut = grant.role === 'STUDENT' ? { type: { $nin: [...RESTRICTED_DOCUMENT_TYPES] } } : {};
  const documents = inUnitOfSeen.map((c) => ({ ...c, ...restrictedOut }));
  canEach(b, 'access', 'Document', documents);
  canEach(b, 'access', 'DocumentRevision', documents.map((c) => ({ document: { $elemMatch: c } })));
}

/**
 * Writes of the unit's staff (SOCIAL_WORKER, MANAGER). The write subject is built by the write
 * service (write-service.ts): `unitId` of the record, `servingUnitIds` (units with an open
 * relationship with the client), the client's `addressNonDisclosure` and `responsibleWorkerIds`.
 * What a read rule depends on — who is responsible, whether non-disclosure applies — is not here:
 * it is the MANAGER's (below).
 */
function unitWrites(g: GrantRules) {
  const { b, actor, grant } = g;
  const unit = grant.unitId!;
  const ownUnit = { unitId: unit };
  const served = { unitId: unit, servingUnitIds: unit };
  // A new client, or a person already registered taken on by this unit (intake): never with a
  // responsible worker or a lifted non-disclosure chosen by the worker.
  b.can('create', 'Client', [...WRITABLE_CLIENT_FIELDS, 'unitId', 'startedOn'], ownUnit);
  b.can('create', 'Client', ['addressNonDisclosure'], { ...ownUnit, addressNonDisclosure: true });
  // Opening a relationship by client id is for clients this grant already sees (`via`: the client's
  // grants): a client seen only through another grant — or another unit — comes by intake, logged.
  b.can('create', 'ClientRelationship', ['clientId', 'unitId', 'startedOn'], { ...ownUnit, ...g.via });
  b.can('update', 'ClientRelationship', ['endedOn'], { ...ownUnit, ...g.via });
  const contact = fieldsOf('Client', 'CONTACT');
  const nonContact = WRITABLE_CLIENT_FIELDS.filter((f) => !contact.includes(f));
  b.can('update', 'Client', nonContact, g.via);
  // Contact data of a non-disclosure client is written only by those who may read it.
  b.can('update', 'Client', contact, { ...g.via, addressNonDisclosure: false });
  b.can('update', 'Client', contact, { ...g.via, responsibleWorkerIds: actor.id });
  b.can('create', ['Decision', 'Placement', 'Document'], served);
  // Disclosures (issue 11): by a unit serving the client, of its own documents (checked per document by
  // documents/src/disclosure-service.ts). Subject `{ clientId, unitId, servingUnitIds, via }`.
  b.can('create', 'Disclosure', served);
  // Decisions and placements: updated by the record's own unit (issue 11, see serviceRecordWrites).
  serviceRecordWrites(g);
  b.can('correct', 'Document', { ...ownUnit, authorId: actor.id });
  clientRecordWrites(g);
  dataSubjectRequestWrites(g);
}

// --- Data-subject requests (issue 12) -------------------------------------------------------------
// Subject rows (documents/src/data-subject-request-service.ts): a new request `{ clientId, unitId,
// organisationId, via (the client's grants) }`; an existing one `{ ...its row, organisationId, via (its grants) }`.
/** A unit's SOCIAL_WORKER / MANAGER: requests handled in its unit (where the data arose), for a client this grant sees. */
function dataSubjectRequestWrites(g: GrantRules) {
  g.b.can(['create', 'update'], 'DataSubjectRequest', { unitId: g.grant.unitId, ...g.via });
}

/**
 * The data protection officer (AUDITOR): every request of the organisation, the request's own fields only (no
 * case content). The REGISTRAR (rekisteriasioita hoitava henkilö, seed 002) reads nothing about clients except
 * through the archive (DESIGN.md §4): it sees, records and decides the requests of ARCHIVED clients of its
 * organisation only (the unit no longer sees those); requests of active clients are the unit's (issue 12 review).
 */
function organisationDataSubjectRequests(g: GrantRules, handles: boolean) {
  const { b, actor } = g;
  const clients = handles
    ? { organisationId: actor.organisationId, archivedAsOf: cutoffDate(g.clock.today, DEFAULT_WINDOW_MONTHS) }
    : { organisationId: actor.organisationId };
  b.can('access', 'DataSubjectRequest', { client: { $elemMatch: clients } });
  b.can('read', 'DataSubjectRequest', fieldsOf('DataSubjectRequest', 'CASE_RECORD'), g.via);
  if (handles) b.can(['create', 'update'], 'DataSubjectRequest', { organisationId: actor.organisationId, ...g.via });
}

/**
 * The full extract of a client's record answering an ACCESS request (issue 12 item 4; tarkastusoikeus, seeds
 * 000–003): everything the organisation's register holds on the person, across its units, archived records
 * included. Made (`create`) by the data protection officer (AUDITOR) for any client of its organisation, and by
 * the REGISTRAR — who reads nothing about clients except through the archive (DESIGN.md §4) — for a client it
 * reaches, i.e. an archived one. Subject (documents/src/extract-service.ts): `{ organisationId (the client's),
 * clientId, clientVisible (the actor's `access` rules reach the client) }`; the request's kind, client and
 * status are checked there. Its redaction decisions are decisions on the request: `update` DataSubjectRequest.
 */
function clientRecordExtracts(g: GrantRules, archiveOnly: boolean) {
  // The registrar's: a client visible through this very grant (`via`), i.e. in the archive — never one
  // seen through another grant the same user holds.
  const conditions: MongoQuery = archiveOnly ? { organisationId: g.actor.organisationId, ...g.via } : { organisationId: g.actor.organisationId };
  g.b.can('create', 'ClientRecordExtract', conditions);
}

/**
 * Client records the unit keeps (issue 11): guardians and the other people a record names, consents and
 * commissions. Subject rows (clients/src/client-record-service.ts): Guardian `{ via, servingUnitIds,
 * clientAddressNonDisclosure, clientResponsibleWorkerIds }`, Consent `{ unitId, via, servingUnitIds }`,
 * Commission `{ commissionerUnitId, via, servingUnitIds }`.
 */
function clientRecordWrites(g: GrantRules) {
  const { b, actor, grant } = g;
  const unit = grant.unitId!;
  // Guardians: a unit serving the client, for a client this grant sees; contact data of a non-disclosure
  // client's guardian only by those who may read it (as for the client's own contact data).
  const serving = { ...g.via, servingUnitIds: unit };
  b.can(['create', 'update'], 'Guardian', fieldsOf('Guardian', 'FAMILY'), serving);
  b.can(['create', 'update'], 'Guardian', fieldsOf('Guardian', 'CONTACT'), { ...serving, clientAddressNonDisclosure: false });
  b.can(['create', 'update'], 'Guardian', fieldsOf('Guardian', 'CONTACT'), { ...serving, clientResponsibleWorkerIds: actor.id });
  // Consents and commissions are recorded by a unit serving the client, in that unit; a withdrawal or an
  // end (which only narrows what is disclosed) by the recording unit's staff while the grant sees the client.
  b.can('create', 'Consent', { unitId: unit, servingUnitIds: unit });
  b.can('update', 'Consent', ['withdrawnOn'], { unitId: unit, ...g.via });
  b.can('create', 'Commission', { commissionerUnitId: unit, servingUnitIds: unit });
  b.can('update', 'Commission', ['endsOn'], { commissionerUnitId: unit, ...g.via });
}

/**
 * Records of the services subgraph kept by the unit's staff (issue 11). Subject rows
 * (services/src/service-record-service.ts): new records `{ unitId, servingUnitIds }` (as a decision);
 * an existing decision or placement `{ ...its row, via }` (`via`: the grants its client is visible through).
 */
function serviceRecordWrites(g: GrantRules) {
  const { b, grant } = g;
  const unit = grant.unitId!;
  // Rajoitustoimenpide, virka-apupyyntö, lääkitys: made in a unit serving the client, like a decision.
  b.can('create', ['Restriction', 'AssistanceRequest', 'Medication'], { unitId: unit, servingUnitIds: unit });
  // Corrections, tiedoksianto and ending: only the record's own unit, its client visible through this grant
  // (an ended relationship within the window still allows correcting the unit's record), only these fields.
  b.can('update', 'Decision', ['type', 'legalAct', 'legalSection', 'content', 'notifiedOn', 'notificationMethod'], { unitId: unit, ...g.via });
  b.can('update', 'Placement', ['kind', 'providerName', 'startsOn', 'endsOn'], { unitId: unit, ...g.via });
}

/**
 * Financial records: care days, payment commitments (maksusitoumus) and invoices (issue 11). DESIGN §4:
 * BILLING reads financial data and names only, and writes nothing client-related — these are financial
 * records, not case records, and the seeds' registers keep them for payment (maksatus, laskutustiedot):
 * BILLING records them for the clients it reaches (its organisation's, not archived: `via`). The unit's
 * MANAGER, who answers for the unit's spending, records them too: a commitment for a client the unit
 * serves, care days and invoices on the unit's own placements and commitments while it sees the client.
 * A SOCIAL_WORKER reads them but does not record money. Subject rows (service-record-service.ts):
 * `{ unitId (of the commitment, or of the placement / commitment written under), servingUnitIds, via }`.
 */
function financialWrites(g: GrantRules) {
  const { b, grant } = g;
  if (grant.role === 'BILLING') {
    b.can('create', ['CareDay', 'PaymentCommitment', 'Invoice'], g.via);
  } else if (grant.role === 'MANAGER') {
    const unit = grant.unitId!;
    b.can('create', 'PaymentCommitment', { unitId: unit, servingUnitIds: unit, ...g.via });
    b.can('create', ['CareDay', 'Invoice'], { unitId: unit, ...g.via });
  }
}

export function socialWorker(g: GrantRules) {
  const { b, actor } = g;
  unitRows(g);
  readCategories(g, ALL_CATEGORIES, { Client: ['CONTACT'], Guardian: ['CONTACT'] });
  // Turvakielto: a non-disclosure client's contact data only for its responsible worker.
  const contact = fieldsOf('Client', 'CONTACT');
  b.can('read', 'Client', contact, { ...g.via, addressNonDisclosure: false });
  b.can('read', 'Client', contact, { ...g.via, responsibleWorkerIds: actor.id });
  // Guardians usually share the protected address: the same rule holds for their contact data.
  const guardianContact = fieldsOf('Guardian', 'CONTACT');
  b.can('read', 'Guardian', guardianContact, { ...g.via, clientAddressNonDisclosure: false });
  b.can('read', 'Guardian', guardianContact, { ...g.via, clientResponsibleWorkerIds: actor.id });
  unitWrites(g);
  unitHandovers(g);
}

export function manager(g: GrantRules) {
  const { b, grant } = g;
  unitRows(g);
  readCategories(g, ALL_CATEGORIES);
  unitWrites(g);
  const unit = grant.unitId!;
  b.can('update', 'Client', WRITABLE_CLIENT_FIELDS, g.via);
  b.can('correct', 'Document', { unitId: unit });
  // The facts read rules depend on are the manager's to set, for clients the unit serves.
  b.can('update', 'ClientRelationship', ['responsibleWorkerId'], { unitId: unit, ...g.via });
  b.can('create', 'ClientRelationship', ['responsibleWorkerId'], { unitId: unit, ...g.via });
  b.can('update', 'Client', ['addressNonDisclosure'], { servingUnitIds: unit });
  // Guardians' contact data, non-disclosure clients included (issue 11; the manager reads it too).
  b.can(['create', 'update'], 'Guardian', fieldsOf('Guardian', 'CONTACT'), { ...g.via, servingUnitIds: unit });
  // Access administration (issue 11; seed 003: supervisors grant and remove rights): its own unit only.
  administerUnit(g);
  // Care days, payment commitments and invoices of its unit (issue 11).
  financialWrites(g);
  managerLifecycle(g);
}

// --- Access administration (issue 11, item 4) ----------------------------------------------------
// Subjects built by subgraphs/clients/src/access-admin-service.ts: User { organisationId, grantUnitIds },
// Grant { organisationId, unitId, role, userId }, UserCommitment { organisationId, grantUnitIds, onlyUnitOfGrants, userId },
// Unit { organisationId }. `grantUnitIds`: units where the user holds a grant that is not revoked.
/** Unit roles a unit's MANAGER may grant and revoke in its unit (not MANAGER, not organisation-wide roles). */
export const ROLES_A_MANAGER_GRANTS = ['SOCIAL_WORKER', 'STUDENT'];

/** REGISTRAR: everything of its own organisation; nobody grants themselves anything or records their own commitment. */
function administerOrganisation(g: GrantRules) {
  const { b, actor } = g;
  const ownOrganisation = { organisationId: actor.organisationId };
  b.can(['access', 'read', 'create', 'update'], 'Unit', ownOrganisation);
  b.can(['access', 'read', 'create'], 'User', ownOrganisation);
  // Nobody administers their own account: a registrar who could rebind their own login (externalSubject)
  // could free it and bind it to another user, and act as that user with the user's grants.
  b.can('update', 'User', { ...ownOrganisation, userId: { $ne: actor.id } });
  b.can(['access', 'read'], ['Grant', 'UserCommitment'], ownOrganisation);
  b.can(['create', 'update'], 'Grant', { ...ownOrganisation, userId: { $ne: actor.id } });
  b.can('create', 'UserCommitment', { ...ownOrganisation, userId: { $ne: actor.id } });
}

/** A unit's MANAGER: SOCIAL_WORKER and STUDENT grants of its unit, and commitments of users holding a grant there. */
function administerUnit(g: GrantRules) {
  const { b, actor, grant } = g;
  const unit = grant.unitId!;
  const ownOrganisation = { organisationId: actor.organisationId };
  b.can(['access', 'read'], ['User', 'UserCommitment'], { ...ownOrganisation, grantUnitIds: unit });
  b.can(['access', 'read'], 'Grant', { ...ownOrganisation, unitId: unit });
  b.can(['create', 'update'], 'Grant', { ...ownOrganisation, unitId: unit, role: { $in: ROLES_A_MANAGER_GRANTS }, userId: { $ne: actor.id } });
  // A commitment makes all the user's grants effective: only for a user whose every live grant is one
  // this manager could have given (its unit, SOCIAL_WORKER or STUDENT), else it is the registrar's.
  b.can('create', 'UserCommitment', { ...ownOrganisation, onlyUnitOfGrants: unit, userId: { $ne: actor.id } });
}

export function student(g: GrantRules) {
  unitRows(g);
  readCategories(g, ['IDENTITY', 'FAMILY', 'WELFARE', 'CASE_RECORD']);
}

/**
 * Organisation-wide roles reach the organisation's clients that are not archived: a relationship
 * open or ended within the default window. Archived clients are for the registrar's archive only.
 */
function organisationClients(actor: Actor, clock: PolicyClock): MongoQuery[] {
  const cutoff = cutoffDate(clock.today, DEFAULT_WINDOW_MONTHS);
  return [
    { organisationId: actor.organisationId, relationships: { $elemMatch: { endedOn: null } } },
    { organisationId: actor.organisationId, relationships: { $elemMatch: { endedOn: { $gte: cutoff } } } },
  ];
}

export function billing(g: GrantRules) {
  const { b, actor, clock } = g;
  // Records of the organisation's clients that this grant sees (archived ones are the archive's).
  const clients = organisationClients(actor, clock);
  const ofOrganisation = through('client', clients);
  canEach(b, 'access', 'Client', clients);
  canEach(b, 'access', ['Placement', 'PaymentCommitment'], ofOrganisation);
  canEach(b, 'access', 'CareDay', through('placement', ofOrganisation));
  canEach(b, 'access', 'Invoice', through('paymentCommitment', ofOrganisation));
  b.can('read', 'Client', [...CLIENT_NAMES, ...fieldsOf('Client', 'PERSONAL_ID'), 'municipality', 'placements'], g.via);
  b.can('read', ['Placement', 'CareDay'], [...fieldsOf('Placement', 'WELFARE'), ...fieldsOf('CareDay', 'WELFARE')], g.via);
  readCategories(g, ['FINANCIAL']);
  // Records care days, payment commitments and invoices; reads no case records (issue 11).
  financialWrites(g);
}

export function auditor(g: GrantRules) {
  const { b, actor, clock } = g;
  canEach(b, 'access', 'Client', organisationClients(actor, clock));
  b.can('read', 'Client', [...CLIENT_NAMES, ...fieldsOf('Client', 'PERSONAL_ID')], g.via);
  // Its part of the log: its staff's and its partner tokens' entries, entries about its clients whoever wrote
  // them, and the system's.
  canEach(b, 'access', 'AuditEntry', [
    ...logAttributedTo(actor.organisationId),
    { client: { $elemMatch: { organisationId: actor.organisationId } } },
    { organisationId: null, actorKind: 'SYSTEM' },
  ]);
  b.can('read', 'AuditEntry');
  organisationDataSubjectRequests(g, false);
  clientRecordExtracts(g, false);
  auditorLifecycle(g);
  auditorMonitoring(g);
}

export function registrar(g: GrantRules) {
  const { b, actor, clock } = g;
  // Partner tokens the region issued: another region's registrar neither sees nor touches them.
  b.can(['access', 'read', 'create', 'update'], 'ApiToken', { issuerOrganisationId: actor.organisationId });
  // The archive: clients whose every relationship ended beyond the window, found by name or code.
  b.can('access', 'Client', { organisationId: actor.organisationId, archivedAsOf: cutoffDate(clock.today, DEFAULT_WINDOW_MONTHS) });
  b.can('read', 'Client', [...fieldsOf('Client', 'IDENTITY'), ...fieldsOf('Client', 'PERSONAL_ID')], g.via);
  // Intake administration: who is responsible and whether non-disclosure applies, in its organisation.
  b.can('update', 'ClientRelationship', ['responsibleWorkerId'], { organisationId: actor.organisationId });
  b.can('update', 'Client', ['addressNonDisclosure'], { organisationId: actor.organisationId });
  // Access administration (issue 11): users, grants, commitments and units of its organisation.
  administerOrganisation(g);
  organisationDataSubjectRequests(g, true);
  clientRecordExtracts(g, true);
  registrarLifecycle(g);
  registrarMonitoring(g);
}

/**
 * Conditions (one per alternative of activeCommissionOf) for rows whose client has an active commission
 * to the partner's organisation granting `scope` in its partnerScopes. Client and Guardian rows a partner
 * loads carry `partnerCommissions`: the client's commissions to the partner's organisation (any period;
 * clients/src/client-store.ts, in the same statement); in SQL the same condition follows the relation
 * (row-scope.ts), so "active" has one definition.
 */
function commissionedFor(g: GrantRules, scope: string): MongoQuery[] {
  return activeCommissionOf(g.actor.organisationId, g.clock).map((c) => ({ partnerCommissions: { $elemMatch: { ...c, partnerScopes: scope } } }));
}

export function partner(g: GrantRules) {
  const { b, actor, clock } = g;
  // A token reaches the commissions of the region that issued it, no other (fail closed without one).
  if (!actor.issuerOrganisationId) return;
  const ofIssuer = { client: { $elemMatch: { organisationId: actor.issuerOrganisationId } } };
  const active = activeCommissionOf(actor.organisationId, clock).map((c) => ({ ...c, ...ofIssuer }));
  const scopes = new Set(actor.scopes);
  // Under a commission the partner sees only what both its token's scopes and the commission's
  // `partnerScopes` allow (issue 11): a commission reaches the client through a scope they share.
  const activeFor = (scope: string) => active.map((c) => ({ ...c, partnerScopes: scope }));
  const shared = [...scopes].flatMap(activeFor);
  // A client of the issuer with an active commission through a shared scope. Written as the names rule below
  // is (the client's organisation, its commissions to the partner), so that the names rule is seen to imply it
  // (field-scope.ts rulesImplyAccess): the partner's sorted page and count then take one semi-join, not two.
  const ofIssuersClient = (scope: string) => commissionedFor(g, scope).map((c) => ({ organisationId: actor.issuerOrganisationId, ...c }));
  canEach(b, 'access', 'Client', [...scopes].flatMap(ofIssuersClient));
  canEach(b, 'access', 'Commission', shared);
  if (scopes.has('clients:read')) {
    // The client's own fields and its guardians only under an active commission of the client whose
    // partnerScopes include clients:read (issue 11), not merely because the token has the scope.
    for (const named of ofIssuersClient('clients:read')) {
      b.can('read', 'Client', [...fieldsOf('Client', 'IDENTITY'), ...fieldsOf('Client', 'FAMILY')], { ...g.via, ...named });
    }
    for (const named of commissionedFor(g, 'clients:read')) {
      b.can('read', 'Guardian', fieldsOf('Guardian', 'FAMILY'), { ...g.via, ...named });
      // Guardians' contact data, never for a client under non-disclosure.
      b.can('read', 'Guardian', fieldsOf('Guardian', 'CONTACT'), { ...g.via, ...named, clientAddressNonDisclosure: false });
    }
  }
  if (scopes.has('services:read')) {
    const ofCommission = through('commission', activeFor('services:read'));
    canEach(b, 'access', ['Decision', 'Placement'], ofCommission);
    canEach(b, 'access', ['Restriction', 'CareDay'], through('placement', ofCommission));
    // Health data goes to the placement only with the client's consent to HEALTH data for the partner;
    // a withdrawn consent ends it (issue 11: the consent's scope).
    const consented = { client: { $elemMatch: { consents: { $elemMatch: { recipientOrganisationId: actor.organisationId, withdrawnOn: null, scope: 'HEALTH' } } } } };
    canEach(b, 'access', 'Medication', through('placement', ofCommission, consented));
    b.can('read', 'Client', ['decisions', 'placements', 'restrictions', 'medications'], g.via);
    for (const type of ['Decision', 'Placement', 'Restriction', 'Medication'] as const) {
      b.can('read', type, fieldsOf(type, 'WELFARE', 'HEALTH'), g.via);
    }
    b.can('read', 'CareDay', fieldsOf('CareDay', 'WELFARE'), g.via);
    b.can('access', 'Invoice', { providerOrganisationId: actor.organisationId, paymentCommitment: { $elemMatch: ofIssuer } });
    b.can('read', 'Invoice', fieldsOf('Invoice', 'FINANCIAL'), g.via);
  }
  if (scopes.has('documents:read')) {
    const own = through('commission', activeFor('documents:read'), { authorOrganisationId: actor.organisationId });
    canEach(b, 'access', 'Document', own);
    canEach(b, 'access', 'DocumentRevision', through('document', own));
    b.can('read', 'Client', ['documents'], g.via);
    b.can('read', ['Document', 'DocumentRevision'], [...fieldsOf('Document', 'CASE_RECORD'), ...fieldsOf('DocumentRevision', 'CASE_RECORD')], g.via);
  }
  if (scopes.has('documents:write')) {
    // Only for a client the token sees (`via`), under an active commission found by the write service
    // whose partnerScopes include documents:write (`commissionScopes`: that commission's partnerScopes).
    b.can('create', 'Document', { type: 'REPORT', authorOrganisationId: actor.organisationId, commissionId: { $ne: null }, commissionScopes: 'documents:write', ...g.via });
  }
  partnerHandovers(g);
}
