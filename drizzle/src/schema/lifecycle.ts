import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, date, index, integer, jsonb, pgSchema, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './access';
import { clients, commissions, organisations, serviceTaskEnum, units } from './clients';

/**
 * The record lifecycle (issue 13): retention classes and disposal runs, the statistics that outlive the
 * records, handover at the end of a commission and research permits. The access log keeps its own
 * retention (audit.retention_runs) and is never touched by disposal.
 */
export const lifecycleSchema = pgSchema('lifecycle');

/** The kinds of record a retention class names (null in a class: every kind). */
export const RETENTION_RECORD_TYPES = [
  'CLIENT',
  'RELATIONSHIP',
  'GUARDIAN',
  'CONSENT',
  'COMMISSION',
  'DOCUMENT',
  'DECISION',
  'PLACEMENT',
  'FINANCIAL',
  'RESTRICTION',
  'ASSISTANCE_REQUEST',
  'MEDICATION',
  'DISCLOSURE',
  'DATA_SUBJECT_REQUEST',
] as const;
export type RetentionRecordType = (typeof RETENTION_RECORD_TYPES)[number];

/** From what the retention period is counted: the end of the client's last relationship in the service task, or the client's death. */
export const retentionTriggerEnum = lifecycleSchema.enum('retention_trigger', ['RELATIONSHIP_END', 'CLIENT_DEATH']);
export const disposalActionEnum = lifecycleSchema.enum('disposal_action', ['DELETE', 'ANONYMISE']);
export const disposalRunStatusEnum = lifecycleSchema.enum('disposal_run_status', ['DRY_RUN', 'COMPLETED', 'PARTIAL', 'NOT_DUE']);
export const handoverStatusEnum = lifecycleSchema.enum('handover_status', ['PACKAGED', 'CONFIRMED']);

/**
 * One retention class of an organisation (arkistonmuodostussuunnitelma): how long records of a service
 * task and record type are kept, counted from what, what happens then, and the legal source.
 */
export const retentionClasses = lifecycleSchema.table(
  'retention_classes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    /** null: every service task without a class of its own. */
    serviceTask: serviceTaskEnum('service_task'),
    /** null: every record type without a class of its own (RETENTION_RECORD_TYPES). */
    recordType: text('record_type'),
    trigger: retentionTriggerEnum('trigger').notNull(),
    retainMonths: integer('retain_months').notNull(),
    action: disposalActionEnum('action').notNull().default('DELETE'),
    legalSource: text('legal_source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One class per (task, type); null means "any", and two "any" are the same class.
    unique('retention_classes_key').on(t.organisationId, t.serviceTask, t.recordType).nullsNotDistinct(),
    check('retention_classes_months_check', sql`${t.retainMonths} >= 0 AND ${t.retainMonths} <= 1800`),
    check(
      'retention_classes_record_type_check',
      sql.raw(`record_type IS NULL OR record_type IN (${RETENTION_RECORD_TYPES.map((r) => `'${r}'`).join(', ')})`),
    ),
  ],
);

/** An organisation's disposal schedule: the months (1–12) in which disposal runs (seed 003: March and October). */
export const retentionSettings = lifecycleSchema.table('retention_settings', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  /** Empty: records are disposed of as soon as their retention ends. */
  disposalMonths: integer('disposal_months').array().notNull().default(sql`'{}'::integer[]`),
  version: integer('version').notNull().default(1),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One disposal run (or dry run): what was due, what was removed, who approved it, when. */
export const disposalRuns = lifecycleSchema.table(
  'disposal_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    asOf: date('as_of').notNull(),
    dryRun: boolean('dry_run').notNull(),
    status: disposalRunStatusEnum('status').notNull(),
    /** The registrar who ran it; null for the scheduled run (`npm run disposal`, actor SYSTEM). */
    approvedBy: uuid('approved_by').references(() => users.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** The classes applied, as they were at the run (the configuration may change later). */
    classes: jsonb('classes').notNull(),
    /** Per record type and action: how many records were (or, for a dry run, would be) removed. */
    counts: jsonb('counts').notNull(),
    clients: integer('clients').notNull().default(0),
    failedClients: integer('failed_clients').notNull().default(0),
  },
  (t) => [index('disposal_runs_organisation_idx').on(t.organisationId, t.startedAt)],
);

/**
 * Statistics facts of disposed clients, without identifiers (issue 13 item 4): written in the disposal's
 * transaction from the same definition the statistics read live records with, so the figures of a
 * disposed period stay what they were. `personKey` is the client's `statistics_key` (never its id): a client
 * disposed of in parts is counted once; once its row is deleted the key links the facts to no one.
 */
export const disposedEvents = lifecycleSchema.table(
  'disposed_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organisationId: uuid('organisation_id').notNull().references(() => organisations.id),
    personKey: uuid('person_key').notNull(),
    /** RELATIONSHIP, DECISION, PLACEMENT, CARE_DAYS, DATA_SUBJECT_REQUEST. */
    kind: text('kind').notNull(),
    serviceTask: text('service_task'),
    birthYear: integer('birth_year'),
    municipality: text('municipality'),
    /** Decision type, placement kind or request kind. */
    category: text('category'),
    outcome: text('outcome'),
    startedOn: date('started_on'),
    endedOn: date('ended_on'),
    quantity: integer('quantity').notNull().default(1),
    disposalRunId: uuid('disposal_run_id').references(() => disposalRuns.id),
  },
  (t) => [index('disposed_events_organisation_idx').on(t.organisationId, t.kind)],
);

/**
 * Handover at the end of a commission (seed 000): the partner's records of the client packaged for the
 * commissioning region, delivered (a DISCLOSE), and once the region confirms receipt, gone from the
 * provider's side (the commission ends, the records stay in the region's register).
 */
export const handovers = lifecycleSchema.table(
  'handovers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    commissionId: uuid('commission_id')
      .notNull()
      .references(() => commissions.id),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id),
    partnerOrganisationId: uuid('partner_organisation_id')
      .notNull()
      .references(() => organisations.id),
    recipientOrganisationId: uuid('recipient_organisation_id')
      .notNull()
      .references(() => organisations.id),
    recipientUnitId: uuid('recipient_unit_id')
      .notNull()
      .references(() => units.id),
    status: handoverStatusEnum('status').notNull().default('PACKAGED'),
    legalBasis: text('legal_basis').notNull(),
    /** What was delivered: per record its type, id, kind, dates and a SHA-256 of its content. */
    manifest: jsonb('manifest').notNull(),
    packagedAt: timestamp('packaged_at', { withTimezone: true }).notNull().defaultNow(),
    /** Who packaged it: a user id, or a partner token id (packagedByKind PARTNER). */
    packagedBy: uuid('packaged_by').notNull(),
    packagedByKind: text('packaged_by_kind').notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    confirmedBy: uuid('confirmed_by').references(() => users.id),
  },
  (t) => [uniqueIndex('handovers_commission_idx').on(t.commissionId), index('handovers_client_idx').on(t.clientId)],
);

/** A research permit (tutkimuslupa, seed 001): who may receive what, for which purpose and period, until when. */
export const researchPermits = lifecycleSchema.table(
  'research_permits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    permitNumber: text('permit_number').notNull(),
    researcher: text('researcher').notNull(),
    researchOrganisation: text('research_organisation').notNull(),
    purpose: text('purpose').notNull(),
    /** The fields the export may contain (ResearchField). */
    fields: text('fields').array().notNull(),
    serviceTasks: text('service_tasks').array().notNull(),
    periodFrom: date('period_from').notNull(),
    periodTo: date('period_to').notNull(),
    expiresOn: date('expires_on').notNull(),
    /** Keys the permit's pseudonyms: stable within one permit, unlinkable across permits. Never exposed. */
    pseudonymKey: text('pseudonym_key').notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('research_permits_number_idx').on(t.organisationId, t.permitNumber),
    check('research_permits_period_check', sql`${t.periodTo} >= ${t.periodFrom}`),
  ],
);
