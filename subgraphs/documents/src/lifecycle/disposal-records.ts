import type { RetentionRecordType } from '@vartija/db';
import type { AuditEntityType } from '@vartija/kit';
import { type SQL, sql } from 'drizzle-orm';

/**
 * Where each record type of a retention class lives (issue 13 item 2), and what anonymisation clears in it.
 * One place for the SQL of disposal (disposal-store.ts) to be built from. `x` is the record's alias.
 */

/** What an anonymised record's required text becomes; optional identifying columns become NULL. */
export const ANONYMISED = 'anonymised';

const literal = sql.raw(`'${ANONYMISED}'`);
const empty = sql.raw(`''`);
const none = sql.raw('NULL');
/** Kept NULL when NULL (check constraints ask for a reason when there is a refusal, an extension, a fee). */
const markerIfSet = (column: string) => sql.raw(`CASE WHEN x.${column} IS NULL THEN NULL ELSE '${ANONYMISED}' END`);

export interface ClearedColumn {
  column: string;
  /** The API field the access log names. */
  field: string;
  value: SQL;
}

export interface RecordSource {
  type: RetentionRecordType;
  entityType: AuditEntityType;
  /** schema.table */
  table: string;
  /** The unit column (its unit's service task is the record's); null: the record belongs to the client as a whole. */
  unit: string | null;
  /** What anonymisation clears; empty: nothing identifies the person in the record itself. */
  cleared: readonly ClearedColumn[];
  /** Columns an update bumps, so that a concurrent editor gets CONFLICT. */
  versioned: boolean;
  updatedAt: boolean;
}

const clear = (column: string, field: string, value: SQL = none): ClearedColumn => ({ column, field, value });

export const RECORD_SOURCES: Readonly<Record<RetentionRecordType, RecordSource>> = {
  CLIENT: {
    type: 'CLIENT',
    entityType: 'Client',
    table: 'clients.clients',
    unit: null,
    cleared: [
      clear('first_name', 'firstName'),
      clear('last_name', 'lastName'),
      clear('pseudonym', 'pseudonym', literal),
      clear('personal_identity_code', 'personalIdentityCode'),
      clear('date_of_birth', 'dateOfBirth', sql.raw('make_date(extract(year FROM x.date_of_birth)::int, 1, 1)')),
      clear('street_address', 'address'),
      clear('postal_code', 'address'),
      clear('post_office', 'address'),
      clear('phone', 'phone'),
      clear('email', 'email'),
      clear('nationality', 'nationality'),
      clear('marital_status', 'maritalStatus'),
    ],
    versioned: true,
    updatedAt: true,
  },
  RELATIONSHIP: { type: 'RELATIONSHIP', entityType: 'ClientRelationship', table: 'clients.client_relationships', unit: 'unit_id', cleared: [], versioned: false, updatedAt: false },
  GUARDIAN: {
    type: 'GUARDIAN',
    entityType: 'Guardian',
    table: 'clients.guardians',
    unit: null,
    cleared: [
      clear('first_name', 'firstName', literal),
      clear('last_name', 'lastName', literal),
      clear('phone', 'phone'),
      clear('street_address', 'address'),
      clear('postal_code', 'address'),
      clear('post_office', 'address'),
      clear('email', 'email'),
      clear('relation', 'relation'),
    ],
    versioned: true,
    updatedAt: true,
  },
  CONSENT: {
    type: 'CONSENT',
    entityType: 'Consent',
    table: 'clients.consents',
    unit: 'unit_id',
    cleared: [clear('recipient_name', 'recipientName', literal), clear('purpose', 'purpose', literal)],
    versioned: true,
    updatedAt: false,
  },
  COMMISSION: { type: 'COMMISSION', entityType: 'Commission', table: 'clients.commissions', unit: 'commissioner_unit_id', cleared: [], versioned: true, updatedAt: false },
  DOCUMENT: {
    type: 'DOCUMENT',
    entityType: 'Document',
    table: 'documents.documents',
    unit: 'unit_id',
    cleared: [clear('title', 'title', literal), clear('body', 'body', empty)],
    versioned: false,
    updatedAt: true,
  },
  DECISION: { type: 'DECISION', entityType: 'Decision', table: 'services.decisions', unit: 'unit_id', cleared: [clear('content', 'content', literal)], versioned: true, updatedAt: true },
  PLACEMENT: { type: 'PLACEMENT', entityType: 'Placement', table: 'services.placements', unit: 'unit_id', cleared: [], versioned: true, updatedAt: true },
  FINANCIAL: { type: 'FINANCIAL', entityType: 'PaymentCommitment', table: 'services.payment_commitments', unit: 'unit_id', cleared: [], versioned: false, updatedAt: false },
  RESTRICTION: { type: 'RESTRICTION', entityType: 'Restriction', table: 'services.restrictions', unit: 'unit_id', cleared: [clear('reason', 'reason', literal)], versioned: false, updatedAt: false },
  ASSISTANCE_REQUEST: {
    type: 'ASSISTANCE_REQUEST',
    entityType: 'AssistanceRequest',
    table: 'services.assistance_requests',
    unit: 'unit_id',
    cleared: [clear('reason', 'reason', literal)],
    versioned: false,
    updatedAt: false,
  },
  MEDICATION: { type: 'MEDICATION', entityType: 'Medication', table: 'services.medications', unit: 'unit_id', cleared: [], versioned: false, updatedAt: false },
  DISCLOSURE: {
    type: 'DISCLOSURE',
    entityType: 'Disclosure',
    table: 'documents.disclosures',
    unit: 'unit_id',
    cleared: [clear('request_description', 'requestDescription')],
    versioned: false,
    updatedAt: false,
  },
  DATA_SUBJECT_REQUEST: {
    type: 'DATA_SUBJECT_REQUEST',
    entityType: 'DataSubjectRequest',
    table: 'documents.data_subject_requests',
    unit: 'unit_id',
    cleared: [
      clear('requester_name', 'requesterName'),
      clear('identity_verification_note', 'identityVerificationNote'),
      clear('subject', 'subject', markerIfSet('subject')),
      clear('refusal_reason', 'refusalReason', markerIfSet('refusal_reason')),
      clear('reasons', 'reasons', markerIfSet('reasons')),
      clear('extension_reason', 'extensionReason', markerIfSet('extension_reason')),
      clear('fee_ground', 'feeGround', markerIfSet('fee_ground')),
    ],
    versioned: false,
    updatedAt: false,
  },
};

/** Parts of a document that anonymisation clears with it (its revisions). */
export const DOCUMENT_REVISION_CLEARED: readonly ClearedColumn[] = [clear('title', 'title', literal), clear('body', 'body', empty), clear('reason', 'reason', markerIfSet('reason'))];

/** Whether a record still holds something anonymisation would clear. */
export function pristineSql(source: RecordSource): SQL {
  if (source.cleared.length === 0) return sql.raw('false');
  return sql.join(
    source.cleared.map((c) => sql`${sql.raw(`x.${c.column}`)} IS DISTINCT FROM ${c.value}`),
    sql` OR `,
  );
}

/** The SET list of an anonymisation. */
export function anonymiseSetSql(columns: readonly ClearedColumn[], source?: Pick<RecordSource, 'versioned' | 'updatedAt'>): SQL {
  const sets = columns.map((c) => sql`${sql.raw(c.column)} = ${c.value}`);
  if (source?.versioned) sets.push(sql.raw('version = x.version + 1'));
  if (source?.updatedAt) sets.push(sql.raw('updated_at = now()'));
  return sql.join(sets, sql`, `);
}

/** Foreign keys between record types of one client: the child's records refer to the parent's (planGroups keeps a parent for a kept child). */
export const RECORD_REFERENCES: readonly { child: RetentionRecordType; column: string; parent: RetentionRecordType }[] = [
  { child: 'DOCUMENT', column: 'relationship_id', parent: 'RELATIONSHIP' },
  { child: 'DOCUMENT', column: 'commission_id', parent: 'COMMISSION' },
  { child: 'DECISION', column: 'commission_id', parent: 'COMMISSION' },
  { child: 'PLACEMENT', column: 'commission_id', parent: 'COMMISSION' },
  { child: 'PLACEMENT', column: 'decision_id', parent: 'DECISION' },
  { child: 'FINANCIAL', column: 'placement_id', parent: 'PLACEMENT' },
  { child: 'RESTRICTION', column: 'placement_id', parent: 'PLACEMENT' },
  { child: 'MEDICATION', column: 'placement_id', parent: 'PLACEMENT' },
  { child: 'DISCLOSURE', column: 'consent_id', parent: 'CONSENT' },
];
