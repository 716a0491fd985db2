import { entries, type Queryable } from '@vartija/db';
import { type Cursor, decodeCursor } from '@vartija/kit';
import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditEntryModel } from './models';

export interface AuditEntryFilter {
  clientId?: string | null;
  actorId?: string | null;
  unitId?: string | null;
  category?: string | null;
  action?: AuditEntryModel['action'] | null;
  outcome?: AuditEntryModel['outcome'] | null;
  from?: Date | string | null;
  to?: Date | string | null;
  purpose?: string | null;
  requestId?: string | null;
}

export const cursorOfEntry = (row: AuditEntryModel): Cursor => ({ key: String(row.seq), id: String(row.seq) });

function conditions(filter: AuditEntryFilter | null | undefined): SQL[] {
  const where: SQL[] = [];
  if (!filter) return where;
  if (filter.clientId) where.push(eq(entries.clientId, filter.clientId));
  if (filter.actorId) where.push(eq(entries.actorId, filter.actorId));
  if (filter.unitId) where.push(eq(entries.unitId, filter.unitId));
  if (filter.category) where.push(sql`${filter.category} = ANY(${entries.categories})`);
  if (filter.action) where.push(eq(entries.action, filter.action));
  if (filter.outcome) where.push(eq(entries.outcome, filter.outcome));
  if (filter.from) where.push(gte(entries.at, new Date(filter.from)));
  if (filter.to) where.push(lt(entries.at, new Date(filter.to)));
  if (filter.purpose) where.push(eq(entries.purpose, filter.purpose));
  if (filter.requestId) where.push(eq(entries.requestId, filter.requestId));
  return where;
}

/** Reads of the access log; it is never written here but through the kit's chained sink. */
export class AuditStore {
  constructor(private readonly db: Queryable) {}

  /** Newest first: seq grows with time under the chain lock. */
  page(filter: AuditEntryFilter | null | undefined, limit: number, after: string | null | undefined) {
    const where = conditions(filter);
    if (after) where.push(lt(entries.seq, Number(decodeCursor(after).key)));
    return this.db
      .select()
      .from(entries)
      .where(and(...where))
      .orderBy(desc(entries.seq))
      .limit(limit);
  }

  async count(filter: AuditEntryFilter | null | undefined): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(entries)
      .where(and(...conditions(filter)));
    return row?.count ?? 0;
  }
}
