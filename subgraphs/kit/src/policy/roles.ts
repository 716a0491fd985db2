import type { MongoQuery } from '@casl/ability';
import type { Actor } from '../actor';
import { SENSITIVE_CATEGORIES, type SensitiveCategory } from '../sensitive';
import type { Action, Builder, PolicyClock, Subject } from './ability';
import { activeCommissionOf, clientVisibleIn, cutoffDate, relationshipVisibleIn, through, unitWindows } from './conditions';

const DEFAULT_WINDOW_MONTHS = 12;
import { fieldsOf, RESTRICTED_DOCUMENT_TYPES, typesWith } from './fields';

const ALL_CATEGORIES: SensitiveCategory[] = [...SENSITIVE_CATEGORIES];
const CLIENT_NAMES = ['displayName', 'firstName', 'lastName'];

/** One rule per alternative: together they allow what any one of them allows. */
function canEach(b: Builder, action: Action, subject: Subject | Subject[], alternatives: MongoQuery[]) {
  for (const conditions of alternatives) b.can(action, subject, conditions);
}

/** Lets the actor read the fields of `categories` on every type that has them (except `except`). */
function readCategories(b: Builder, categories: SensitiveCategory[], except: Partial<Record<Subject, SensitiveCategory[]>> = {}) {
  for (const type of typesWith(...categories)) {
    const allowed = categories.filter((c) => !except[type as Subject]?.includes(c));
    const fields = fieldsOf(type, ...allowed);
    if (fields.length > 0) b.can('read', type as Subject, fields);
  }
}

/** Row rules shared by the unit roles: clients with a visible relationship, records of their own units. */
function unitRows(b: Builder, actor: Actor, clock: PolicyClock, role: 'SOCIAL_WORKER' | 'MANAGER' | 'STUDENT') {
  const windows = unitWindows(actor, [role], clock);
  const units = windows.map((w) => w.unitId);
  if (units.length === 0) return units;
  const inUnits = { unitId: { $in: units } };
  for (const w of windows) {
    canEach(b, 'access', 'Client', clientVisibleIn(w));
    canEach(b, 'access', 'ClientRelationship', relationshipVisibleIn(w));
    canEach(b, 'access', ['DataSubjectRequest', 'Consent'], through('client', clientVisibleIn(w)));
  }
  b.can('access', 'Commission', { commissionerUnitId: { $in: units } });
  const records: Subject[] = ['Decision', 'Placement', 'Restriction', 'AssistanceRequest', 'Disclosure'];
  if (role !== 'STUDENT') records.push('Medication', 'PaymentCommitment');
  for (const subject of records) b.can('access', subject, inUnits);
  b.can('access', 'CareDay', { placement: { $elemMatch: inUnits } });
  if (role !== 'STUDENT') b.can('access', 'Invoice', { paymentCommitment: { $elemMatch: inUnits } });
  // Service-task separation: documents only of the actor's own units; trainees never see restricted types.
  const documents: MongoQuery =
    role === 'STUDENT' ? { ...inUnits, type: { $nin: [...RESTRICTED_DOCUMENT_TYPES] } } : inUnits;
  b.can('access', 'Document', documents);
  b.can('access', 'DocumentRevision', { document: { $elemMatch: documents } });
  return units;
}

function unitWrites(b: Builder, actor: Actor, units: string[]) {
  if (units.length === 0) return;
  const inUnits = { unitId: { $in: units } };
  b.can('create', ['Client', 'ClientRelationship', 'Decision', 'Placement', 'Document'], inUnits);
  b.can('update', ['ClientRelationship', 'Placement'], inUnits);
  b.can('update', 'Client', { unitIds: { $in: units } });
  b.can('correct', 'Document', { ...inUnits, authorId: actor.id });
}

export function socialWorker(b: Builder, actor: Actor, clock: PolicyClock) {
  const units = unitRows(b, actor, clock, 'SOCIAL_WORKER');
  readCategories(b, ALL_CATEGORIES, { Client: ['CONTACT'], Guardian: ['CONTACT'] });
  // Turvakielto: a non-disclosure client's contact data only for its responsible worker.
  const contact = fieldsOf('Client', 'CONTACT');
  b.can('read', 'Client', contact, { addressNonDisclosure: false });
  b.can('read', 'Client', contact, { responsibleWorkerIds: actor.id });
  // Guardians usually share the protected address: the same rule holds for their contact data.
  const guardianContact = fieldsOf('Guardian', 'CONTACT');
  b.can('read', 'Guardian', guardianContact, { clientAddressNonDisclosure: false });
  b.can('read', 'Guardian', guardianContact, { clientResponsibleWorkerIds: actor.id });
  unitWrites(b, actor, units);
}

export function manager(b: Builder, actor: Actor, clock: PolicyClock) {
  const units = unitRows(b, actor, clock, 'MANAGER');
  readCategories(b, ALL_CATEGORIES);
  unitWrites(b, actor, units);
  if (units.length > 0) b.can('correct', 'Document', { unitId: { $in: units } });
}

export function student(b: Builder, actor: Actor, clock: PolicyClock) {
  unitRows(b, actor, clock, 'STUDENT');
  readCategories(b, ['IDENTITY', 'FAMILY', 'WELFARE', 'CASE_RECORD']);
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

export function billing(b: Builder, actor: Actor, clock: PolicyClock) {
  const clients = organisationClients(actor, clock);
  const ofOrganisation = { client: { $elemMatch: { organisationId: actor.organisationId } } };
  canEach(b, 'access', 'Client', clients);
  b.can('access', ['Placement', 'PaymentCommitment'], ofOrganisation);
  b.can('access', 'CareDay', { placement: { $elemMatch: ofOrganisation } });
  b.can('access', 'Invoice', { paymentCommitment: { $elemMatch: ofOrganisation } });
  b.can('read', 'Client', [...CLIENT_NAMES, ...fieldsOf('Client', 'PERSONAL_ID'), 'municipality', 'placements']);
  b.can('read', ['Placement', 'CareDay'], [...fieldsOf('Placement', 'WELFARE'), ...fieldsOf('CareDay', 'WELFARE')]);
  readCategories(b, ['FINANCIAL']);
}

export function auditor(b: Builder, actor: Actor, clock: PolicyClock) {
  canEach(b, 'access', 'Client', organisationClients(actor, clock));
  b.can('read', 'Client', [...CLIENT_NAMES, ...fieldsOf('Client', 'PERSONAL_ID')]);
  b.can('access', 'AuditEntry');
  b.can('read', 'AuditEntry');
}

export function registrar(b: Builder, actor: Actor, clock: PolicyClock) {
  b.can(['access', 'read', 'create', 'update'], 'ApiToken');
  // The archive: clients whose every relationship ended beyond the window, found by name or code.
  b.can('access', 'Client', { organisationId: actor.organisationId, archivedAsOf: cutoffDate(clock.today, DEFAULT_WINDOW_MONTHS) });
  b.can('read', 'Client', [...fieldsOf('Client', 'IDENTITY'), ...fieldsOf('Client', 'PERSONAL_ID')]);
}

export function partner(b: Builder, actor: Actor, clock: PolicyClock) {
  const active = activeCommissionOf(actor.organisationId, clock);
  const scopes = new Set(actor.scopes);
  canEach(b, 'access', 'Client', through('commissions', active));
  canEach(b, 'access', 'Commission', active);
  if (scopes.has('clients:read')) {
    b.can('read', 'Client', [...fieldsOf('Client', 'IDENTITY'), ...fieldsOf('Client', 'FAMILY')]);
    b.can('read', 'Guardian', fieldsOf('Guardian', 'FAMILY'));
    // Guardians' contact data, never for a client under non-disclosure.
    b.can('read', 'Guardian', fieldsOf('Guardian', 'CONTACT'), { clientAddressNonDisclosure: false });
  }
  if (scopes.has('services:read')) {
    const ofCommission = through('commission', active);
    canEach(b, 'access', ['Decision', 'Placement'], ofCommission);
    canEach(b, 'access', ['Restriction', 'CareDay'], through('placement', ofCommission));
    // Health data goes to the placement only with the client's consent; a withdrawn consent ends it.
    const consented = { client: { $elemMatch: { consents: { $elemMatch: { recipientOrganisationId: actor.organisationId, withdrawnOn: null } } } } };
    canEach(b, 'access', 'Medication', through('placement', ofCommission, consented));
    b.can('read', 'Client', ['decisions', 'placements', 'restrictions', 'medications']);
    for (const type of ['Decision', 'Placement', 'Restriction', 'Medication'] as const) {
      b.can('read', type, fieldsOf(type, 'WELFARE', 'HEALTH'));
    }
    b.can('read', 'CareDay', fieldsOf('CareDay', 'WELFARE'));
    b.can('access', 'Invoice', { providerOrganisationId: actor.organisationId });
    b.can('read', 'Invoice', fieldsOf('Invoice', 'FINANCIAL'));
  }
  if (scopes.has('documents:read')) {
    const own = through('commission', active, { authorOrganisationId: actor.organisationId });
    canEach(b, 'access', 'Document', own);
    canEach(b, 'access', 'DocumentRevision', through('document', own));
    b.can('read', 'Client', ['documents']);
    b.can('read', ['Document', 'DocumentRevision'], [...fieldsOf('Document', 'CASE_RECORD'), ...fieldsOf('DocumentRevision', 'CASE_RECORD')]);
  }
  if (scopes.has('documents:write')) {
    b.can('create', 'Document', { type: 'REPORT', authorOrganisationId: actor.organisationId, commissionId: { $ne: null } });
  }
}
