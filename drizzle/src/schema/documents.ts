import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './access';
import { clientRelationships, clients, commissions, consents, organisations, units } from './clients';

/** Client documents with their full correction history, disclosures and data-subject requests. */
export const documentsSchema = pgSchema('documents');

export const documentTypeEnum = documentsSchema.enum('document_type', [
  'CASE_NOTE',
  'CLIENT_PLAN',
  'NEEDS_ASSESSMENT',
  'MEETING_MEMO',
  'STATEMENT',
  'REPORT',
  'CHILD_WELFARE_NOTIFICATION',
]);

export const dataSubjectRequestKindEnum = documentsSchema.enum('data_subject_request_kind', [
  'ACCESS',
  'RECTIFICATION',
  'RESTRICTION',
  'OBJECTION',
]);

/**
 * RECEIVED → (EXTENDED) → GRANTED | PARTLY_GRANTED | REFUSED (issue 12). COMPLETED is kept readable for
 * requests decided before outcomes were recorded (their `outcome` was backfilled as GRANTED).
 */
export const dataSubjectRequestStatusEnum = documentsSchema.enum('data_subject_request_status', [
  'RECEIVED',
  'COMPLETED',
  'REFUSED',
  'EXTENDED',
  'GRANTED',
  'PARTLY_GRANTED',
]);

export const dataSubjectRequestOutcomeEnum = documentsSchema.enum('data_subject_request_outcome', ['GRANTED', 'PARTLY_GRANTED', 'REFUSED']);
/** Who asked: the client, a guardian (huoltaja) or a legal representative (edunvalvoja, asiamies). */
export const dataSubjectRequesterKindEnum = documentsSchema.enum('data_subject_requester_kind', ['CLIENT', 'GUARDIAN', 'LEGAL_REPRESENTATIVE']);
/** How the requester's identity was verified (seed 002: signed, or equivalently verified, or in person). */
export const identityVerificationEnum = documentsSchema.enum('identity_verification', [
  'IN_PERSON_ID_DOCUMENT',
  'STRONG_ELECTRONIC',
  'SIGNED_DOCUMENT',
  'KNOWN_TO_STAFF',
]);
export const dataSubjectRequestChannelEnum = documentsSchema.enum('data_subject_request_channel', ['LETTER', 'IN_PERSON', 'E_SERVICE', 'EMAIL']);

export const documents = documentsSchema.table(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    /** The unit it was recorded in: only that unit's staff read it. */
    unitId: uuid('unit_id').notNull().references(() => units.id),
    relationshipId: uuid('relationship_id').references(() => clientRelationships.id),
    commissionId: uuid('commission_id').references(() => commissions.id),
    authorId: uuid('author_id').references(() => users.id),
    authorOrganisationId: uuid('author_organisation_id').notNull().references(() => organisations.id),
    type: documentTypeEnum('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    /** Number of the revision whose content is current; revision 1 is the original. */
    currentRevision: integer('current_revision').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_client_idx').on(t.clientId, t.unitId, t.recordedAt),
    index('documents_commission_idx').on(t.commissionId),
  ],
);

/** Every version of a document, the original included: a correction never destroys. */
export const documentRevisions = documentsSchema.table(
  'document_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    revision: integer('revision').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    authorId: uuid('author_id').references(() => users.id),
    /** Why it was corrected; null only for the original. */
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('document_revisions_document_revision_idx').on(t.documentId, t.revision),
    check('document_revisions_reason_check', sql`${t.revision} = 1 OR ${t.reason} IS NOT NULL`),
  ],
);

/** Luovutus: documents given to another authority or organisation, on a legal basis or with consent. */
export const disclosures = documentsSchema.table(
  'disclosures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    unitId: uuid('unit_id').notNull().references(() => units.id),
    recipientOrganisationId: uuid('recipient_organisation_id').references(() => organisations.id),
    recipientName: text('recipient_name').notNull(),
    legalBasis: text('legal_basis'),
    consentId: uuid('consent_id').references(() => consents.id),
    /** The specified request the disclosure answers (seed 001: only on a specified request). */
    requestDescription: text('request_description'),
    requestedOn: date('requested_on'),
    disclosedAt: timestamp('disclosed_at', { withTimezone: true }).notNull(),
    disclosedBy: uuid('disclosed_by').references(() => users.id),
  },
  (t) => [
    index('disclosures_client_idx').on(t.clientId),
    check('disclosures_basis_check', sql`${t.legalBasis} IS NOT NULL OR ${t.consentId} IS NOT NULL`),
  ],
);

export const disclosureDocuments = documentsSchema.table(
  'disclosure_documents',
  {
    disclosureId: uuid('disclosure_id').notNull().references(() => disclosures.id),
    documentId: uuid('document_id').notNull().references(() => documents.id),
  },
  (t) => [primaryKey({ columns: [t.disclosureId, t.documentId] })],
);

/** Tarkastus- ja oikaisupyynnöt and the written refusals (kieltäytymistodistus). */
export const dataSubjectRequests = documentsSchema.table(
  'data_subject_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: uuid('client_id').notNull().references(() => clients.id),
    /** The unit where the data arose, which handles the request; only its staff see it. */
    unitId: uuid('unit_id').references(() => units.id),
    kind: dataSubjectRequestKindEnum('kind').notNull(),
    status: dataSubjectRequestStatusEnum('status').notNull().default('RECEIVED'),
    receivedOn: date('received_on').notNull(),
    decidedOn: date('decided_on'),
    /** Legacy (before issue 12): the refusal's reasons; new decisions write `reasons`. */
    refusalReason: text('refusal_reason'),
    handledBy: uuid('handled_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    // --- the request workflow (issue 12) ---
    requesterKind: dataSubjectRequesterKindEnum('requester_kind'),
    /** The guardian's or representative's name; null when the client asked. */
    requesterName: text('requester_name'),
    identityVerification: identityVerificationEnum('identity_verification'),
    identityVerificationNote: text('identity_verification_note'),
    channel: dataSubjectRequestChannelEnum('channel'),
    /** What is asked: which data, and for a rectification what is wrong and what the right value is. */
    subject: text('subject'),
    receivedBy: uuid('received_by').references(() => users.id),
    /** One month from receipt (EU 2016/679 12 art. 3): computed by the database, never written. */
    dueOn: date('due_on')
      .notNull()
      .generatedAlwaysAs(sql`(received_on + interval '1 month')::date`),
    /** Extended once, by at most two further months, with the reason recorded. */
    extendedDueOn: date('extended_due_on'),
    extensionReason: text('extension_reason'),
    extendedBy: uuid('extended_by').references(() => users.id),
    outcome: dataSubjectRequestOutcomeEnum('outcome'),
    /** E.g. "Tietosuojalaki 34 §", "EU 2016/679 15 art.". */
    legalGround: text('legal_ground'),
    reasons: text('reasons'),
    decidedBy: uuid('decided_by').references(() => users.id),
    /** A fee only for a manifestly unfounded or excessive request, or a repeat within a year (seeds 002, 003). */
    feeCharged: boolean('fee_charged').notNull().default(false),
    feeGround: text('fee_ground'),
    /** OBJECTION: the disclosures it covers — a recipient organisation and/or name, or all not based directly on law. */
    objectionRecipientOrganisationId: uuid('objection_recipient_organisation_id').references(() => organisations.id),
    objectionRecipientName: text('objection_recipient_name'),
    objectionAllNonStatutory: boolean('objection_all_non_statutory').notNull().default(false),
    /** A granted RECTIFICATION: the correction carried out (a document revision or a history.revisions row). */
    correctedEntityType: text('corrected_entity_type'),
    correctedEntityId: uuid('corrected_entity_id'),
    correctedRevision: integer('corrected_revision'),
  },
  (t) => [
    index('data_subject_requests_client_idx').on(t.clientId),
    index('data_subject_requests_unit_idx').on(t.unitId),
    index('data_subject_requests_due_idx').on(t.dueOn),
    check('data_subject_requests_refusal_check', sql`${t.status} <> 'REFUSED' OR ${t.refusalReason} IS NOT NULL OR ${t.reasons} IS NOT NULL`),
    // A refusal, whole or part, carries its reasons and legal ground (seeds 001–003: kieltäytymistodistus).
    check('data_subject_requests_refusal_grounds_check', sql`${t.outcome} IS NULL OR ${t.outcome} = 'GRANTED' OR (${t.reasons} IS NOT NULL AND ${t.legalGround} IS NOT NULL)`),
    check(
      'data_subject_requests_extension_check',
      sql`${t.extendedDueOn} IS NULL OR (${t.extensionReason} IS NOT NULL AND ${t.extendedDueOn} > ${t.dueOn} AND ${t.extendedDueOn} <= (${t.dueOn} + interval '2 months')::date)`,
    ),
    check('data_subject_requests_fee_check', sql`NOT ${t.feeCharged} OR ${t.feeGround} IS NOT NULL`),
  ],
);

/**
 * Redaction decisions of a client record extract (issue 12 item 4): for an ACCESS request, whether a document
 * of a restricted type (e.g. the reporter named in a child welfare notification) is withheld from the
 * extract or shown, and why. One decision per request and document; a later decision replaces it.
 */
export const extractRedactions = documentsSchema.table(
  'extract_redactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id').notNull().references(() => dataSubjectRequests.id),
    documentId: uuid('document_id').notNull().references(() => documents.id),
    withhold: boolean('withhold').notNull(),
    reason: text('reason').notNull(),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('extract_redactions_request_document_idx').on(t.requestId, t.documentId)],
);
