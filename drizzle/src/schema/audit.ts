import { bigint, boolean, index, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
