import { clients, organisations, type Queryable, revisions, users } from '@vartija/db';
import { clientSubjectColumns, guardianSubjectColumns, type Subject } from '@vartija/kit';
import { and, asc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

type Row = Record<string, unknown> & { id: string };

/** What the read rules test beyond the record's own columns (kit policy/subject-columns.ts). */
const policyColumns = (subject: Subject, partnerOrganisationId: string | null): Record<string, SQL> => {
  if (subject === 'Client') return clientSubjectColumns(sql`clients.clients.id`, partnerOrganisationId);
  if (subject === 'Guardian') return guardianSubjectColumns(sql`clients.guardians.client_id`, partnerOrganisationId);
  return {};
};

export type HistoryRow = typeof revisions.$inferSelect & { changedByName: string | null };

/** SQL of `history`: one statement for the record, one for its revisions, whatever their number. */
export class HistoryStore {
  /** `partnerOrganisationId`: set for a PARTNER actor, whose read rules test the client's commissions. */
  constructor(
    private readonly db: Queryable,
    private readonly partnerOrganisationId: string | null = null,
  ) {}

  /** Whether the client's non-disclosure was ever changed, so was on at some time (history keeps every change). */
  async everNonDisclosure(clientId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: revisions.id })
      .from(revisions)
      .where(and(eq(revisions.entityType, 'Client'), eq(revisions.entityId, clientId), sql`'addressNonDisclosure' = ANY(${revisions.fields})`))
      .limit(1);
    return Boolean(row);
  }

  /** The record as the policy sees it, only if the actor's row scope (`scope`) reaches it. */
  async record(subject: Subject, table: PgTable, id: string, scope: SQL): Promise<Row | undefined> {
    const columns = getTableColumns(table) as Record<string, never>;
    const [row] = await this.db
      .select({ ...columns, ...policyColumns(subject, this.partnerOrganisationId) } as never)
      .from(table)
      .where(and(eq(columns['id']!, id), scope));
    return row as Row | undefined;
  }

  /**
   * The client of an existing record that is a client of the caller's organisation, to log a refused
   * look-up with (another register's clients are never named in the caller's log).
   */
  async clientOfRecord(subject: Subject, table: PgTable, id: string, organisationId: string): Promise<string | undefined> {
    if (subject === 'Client') {
      const [client] = await this.db
        .select({ clientId: clients.id })
        .from(clients)
        .where(and(eq(clients.id, id), eq(clients.organisationId, organisationId)));
      return client?.clientId;
    }
    const columns = getTableColumns(table) as Record<string, never>;
    const clientColumn = columns['clientId'];
    if (!clientColumn) return undefined;
    const [row] = await this.db
      .select({ clientId: clients.id })
      .from(table)
      .innerJoin(clients, eq(clients.id, clientColumn))
      .where(and(eq(columns['id']!, id), eq(clients.organisationId, organisationId)));
    return row?.clientId;
  }

  /** Every change of the record, the first first, with the name of who made it (user, or partner organisation). */
  revisionsOf(entityType: string, entityId: string): Promise<HistoryRow[]> {
    return this.db
      .select({
        ...getTableColumns(revisions),
        changedByName: sql<string | null>`coalesce(${users.displayName}, (SELECT o.name FROM access.api_tokens t JOIN ${organisations} o ON o.id = t.organisation_id WHERE t.id = ${revisions.changedBy}))`,
      })
      .from(revisions)
      .leftJoin(users, eq(users.id, revisions.changedBy))
      .where(and(eq(revisions.entityType, entityType), eq(revisions.entityId, entityId)))
      .orderBy(asc(revisions.revision));
  }
}
