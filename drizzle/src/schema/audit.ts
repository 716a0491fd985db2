import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Käyttöloki and luovutusloki. No foreign keys: the log outlives the rows it speaks of.
 * Rows are chained by hash (seq, prev_hash, hash) so that a change, insertion or deletion shows.
 */
export const auditSchema = pgSchema('audit');

export const auditActionEnum = auditSchema.enum('action', [
  'READ',
  'CREATE',
  'UPDATE',
  'DELETE',
  'PRINT',
  'EXPORT',
  'DISCLOSE',
]);

export const auditOutcomeEnum = auditSchema.enum('outcome', ['ALLOWED', 'DENIED']);
export const actorKindEnum = auditSchema.enum('actor_kind', ['USER', 'PARTNER', 'SYSTEM']);

export const entries = auditSchema.table(
  'entries',
  {
    /** Position in the hash chain: gapless, assigned under the chain lock. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    requestId: text('request_id').notNull(),
    operationName: text('operation_name'),
    subgraph: text('subgraph').notNull(),
    actorKind: actorKindEnum('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role'),
    organisationId: uuid('organisation_id'),
    unitId: uuid('unit_id'),
    clientId: uuid('client_id'),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    action: auditActionEnum('action').notNull(),
    outcome: auditOutcomeEnum('outcome').notNull(),
    fields: text('fields').array().notNull(),
    categories: text('categories').array().notNull(),
    purpose: text('purpose'),
    emergency: boolean('emergency').notNull().default(false),
    callerAddress: text('caller_address'),
    reason: text('reason'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seq, t.at] }),
    index('entries_client_at_idx').on(t.clientId, t.at),
    index('entries_actor_at_idx').on(t.actorId, t.at),
    index('entries_unit_at_idx').on(t.unitId, t.at),
    index('entries_request_idx').on(t.requestId),
    // Range scans by time (verification bounds, retention) and, being covering, the counts per actor
    // and day and their distinct clients (auditCountsPerActorDay) as index-only scans.
    index('entries_at_actor_client_idx').on(t.at, t.actorId, t.clientId),
  ],
);

/** The head of the hash chain; the row lock on it serialises writers across processes. */
export const chainHead = auditSchema.table('chain_head', {
  id: text('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What the retention job removed, so that the chain can be verified from the new start. */
export const retentionRuns = auditSchema.table('retention_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  ranAt: timestamp('ran_at', { withTimezone: true }).notNull().defaultNow(),
  cutoff: timestamp('cutoff', { withTimezone: true }).notNull(),
  removedCount: bigint('removed_count', { mode: 'number' }).notNull(),
  firstKeptSeq: bigint('first_kept_seq', { mode: 'number' }),
  firstKeptPrevHash: text('first_kept_prev_hash'),
});

/**
 * Monitoring runs (seed 002: log monitoring by random sample): a reproducible sample of one
 * organisation's part of the log, recorded so that its review can be followed up. Not part of the
 * chain: the run is also logged as an entry (entity MonitoringRun) by whoever started it.
 */
export const monitoringRuns = auditSchema.table(
  'monitoring_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The organisation whose log was sampled (the auditor's). */
    organisationId: uuid('organisation_id').notNull(),
    seed: integer('seed').notNull(),
    size: integer('size').notNull(),
    periodFrom: timestamp('period_from', { withTimezone: true }).notNull(),
    periodTo: timestamp('period_to', { withTimezone: true }).notNull(),
    /** The actor id (AuditEntry.actorId) of the auditor who started it. */
    startedBy: text('started_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    /** The sampled entries (AuditEntry.id = seq), in log order. */
    entrySeqs: bigint('entry_seqs', { mode: 'number' }).array().notNull(),
  },
  (t) => [
    index('monitoring_runs_organisation_started_idx').on(t.organisationId, t.startedAt),
    check('monitoring_runs_period_check', sql`${t.periodFrom} < ${t.periodTo}`),
    check('monitoring_runs_size_check', sql`${t.size} BETWEEN 1 AND 1000`),
  ],
);

/**
 * Reviews of log entries: who looked at an entry, when and what they concluded. Kept beside the log,
 * never in it (audit.entries is append-only and hash-chained); each review is also logged as an entry
 * (entity AuditReview, action UPDATE). No foreign key to the log: retention may remove old entries.
 */
export const reviews = auditSchema.table(
  'reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The organisation whose part of the log holds the entry (the reviewer's). */
    organisationId: uuid('organisation_id').notNull(),
    /** The entry reviewed (AuditEntry.id = seq). */
    entrySeq: bigint('entry_seq', { mode: 'number' }).notNull(),
    reviewerId: text('reviewer_id').notNull(),
    note: text('note').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }).notNull().defaultNow(),
    /** The monitoring run the entry was sampled in, when it was reviewed as part of one. */
    monitoringRunId: uuid('monitoring_run_id').references(() => monitoringRuns.id),
  },
  (t) => [
    index('reviews_entry_idx').on(t.entrySeq),
    index('reviews_organisation_reviewed_idx').on(t.organisationId, t.reviewedAt),
    index('reviews_monitoring_run_idx').on(t.monitoringRunId),
    check('reviews_note_check', sql`length(${t.note}) BETWEEN 1 AND 2000`),
  ],
);
