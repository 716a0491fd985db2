import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Correction history of every record (seeds 001, 003: the correction, its author and date stay visible
 * and the original can be seen afterwards). One row per change: the values it replaced, never lost.
 * Documents keep their own full revisions (documents.document_revisions).
 */
export const historySchema = pgSchema('history');

export const revisions = historySchema.table(
  'revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** The client the record is about (null for users, grants, units): what read rules and the log need. */
    clientId: uuid('client_id'),
    /** 1 for the first change of the record, then 2, 3, … */
    revision: integer('revision').notNull(),
    /** The fields this change wrote, in the GraphQL names the read rules use. */
    fields: text('fields').array().notNull(),
    /** Their values before the change: { field: value }. */
    previous: jsonb('previous').notNull(),
    changedBy: uuid('changed_by'),
    changedByKind: text('changed_by_kind').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** Why: required for corrections, the operation's own word for lifecycle changes (e.g. an end date). */
    reason: text('reason'),
  },
  (t) => [
    uniqueIndex('revisions_entity_revision_idx').on(t.entityType, t.entityId, t.revision),
    index('revisions_client_idx').on(t.clientId),
    check('revisions_revision_check', sql`${t.revision} >= 1`),
  ],
);
