import { type Queryable, revisions } from '@vartija/db';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Actor } from './actor';
import { isUuid } from './ids';

type Row = Record<string, unknown>;

/** A value as history keeps it: dates as ISO strings, so "changed" means the same thing stored and read. */
export function historyValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(historyValue);
  return value ?? null;
}

/** The fields of `patch` whose value differs from the current row's: only they are written and kept. */
export function changedFields(current: Row, patch: Row): string[] {
  return Object.keys(patch)
    .filter((field) => patch[field] !== undefined)
    .filter((field) => JSON.stringify(historyValue(patch[field])) !== JSON.stringify(historyValue(current[field])))
    .sort();
}

/** Reads a row and locks it until the write commits: two corrections of one record queue up. */
export async function lockRow(tx: Queryable, table: PgTable, id: string): Promise<Row | undefined> {
  const idColumn = (getTableColumns(table) as Record<string, unknown>).id as never;
  const [row] = await tx.select().from(table).where(eq(idColumn, id)).for('update');
  return row as Row | undefined;
}

export interface RevisionInput {
  entityType: string;
  entityId: string;
  clientId: string | null;
  fields: readonly string[];
  /** The row before the change: the values of `fields` in it are what history keeps. */
  current: Row;
  reason: string | null;
}

/**
 * Writes one history row (the values the change replaces) and applies the change, bumping `version`
 * and `updatedAt` where the table has them. Both happen in the caller's transaction.
 */
export async function applyRevision(tx: Queryable, actor: Actor, table: PgTable, input: RevisionInput, patch: Row): Promise<number> {
  const [last] = await tx
    .select({ revision: sql<number>`coalesce(max(${revisions.revision}), 0)::int` })
    .from(revisions)
    .where(and(eq(revisions.entityType, input.entityType), eq(revisions.entityId, input.entityId)));
  const revision = Number(last?.revision ?? 0) + 1;
  await tx.insert(revisions).values({
    entityType: input.entityType,
    entityId: input.entityId,
    clientId: input.clientId,
    revision,
    fields: [...input.fields],
    previous: Object.fromEntries(input.fields.map((f) => [f, historyValue(input.current[f])])),
    // A SYSTEM actor (the `npm run users` CLI) is named by changedByKind; its id is not a user's.
    changedBy: isUuid(actor.id) ? actor.id : null,
    changedByKind: actor.kind,
    reason: input.reason,
  });
  const columns = getTableColumns(table) as Record<string, unknown>;
  const set: Row = Object.fromEntries(input.fields.map((f) => [f, patch[f]]));
  if ('version' in columns) set.version = Number(input.current.version ?? 0) + 1;
  if ('updatedAt' in columns) set.updatedAt = new Date();
  await tx
    .update(table)
    .set(set as never)
    .where(eq(columns.id as never, input.entityId));
  return revision;
}
