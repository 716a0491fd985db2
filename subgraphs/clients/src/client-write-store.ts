import { clientRelationships, clients, type Queryable, units } from '@vartija/db';
import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { rowsOf } from '@vartija/kit';
import type { NewClient } from './client-store';

type ClientRow = typeof clients.$inferSelect;

type RelationshipRow = typeof clientRelationships.$inferSelect;

/** Writes of the clients subgraph; callers run them inside one transaction with their audit entries. */
export class ClientWriteStore {
  constructor(readonly db: Queryable) {}

  unit(id: string) {
    return this.db
      .select()
      .from(units)
      .where(eq(units.id, id))
      .then((rows) => rows[0]);
  }

  async insertClient(values: NewClient): Promise<ClientRow> {
    const [row] = await this.db.insert(clients).values(values).returning();
    return row!;
  }

  /** Null when the version is stale (or the row is gone): the caller answers CONFLICT. */
  async updateClient(id: string, version: number, patch: Partial<NewClient>): Promise<ClientRow | undefined> {
    const [row] = await this.db
      .update(clients)
      .set({ ...patch, version: sql`${clients.version} + 1`, updatedAt: new Date() })
      .where(and(eq(clients.id, id), eq(clients.version, version)))
      .returning();
    return row;
  }

  /** The organisation's client with this identity code, if any (identity codes are unique per register). */
  clientByCode(organisationId: string, code: string) {
    return this.db
      .select()
      .from(clients)
      .where(and(eq(clients.organisationId, organisationId), eq(clients.personalIdentityCode, code)))
      .then((rows) => rows[0]);
  }

  openRelationshipOf(clientId: string, unitId: string) {
    return this.db
      .select({ id: clientRelationships.id })
      .from(clientRelationships)
      .where(and(eq(clientRelationships.clientId, clientId), eq(clientRelationships.unitId, unitId), sql`${clientRelationships.endedOn} IS NULL`))
      .then((rows) => rows[0]);
  }

  async setResponsibleWorker(id: string, userId: string | null) {
    await this.db.update(clientRelationships).set({ responsibleWorkerId: userId }).where(eq(clientRelationships.id, id));
  }

  async insertRelationship(values: typeof clientRelationships.$inferInsert): Promise<RelationshipRow> {
    const [row] = await this.db.insert(clientRelationships).values(values).returning();
    return row!;
  }

  /** A relationship, and whether the actor's row scope (`scope`) reaches it. */
  relationship(id: string, scope: SQL = sql`TRUE`) {
    return this.db
      .select({ ...getTableColumns(clientRelationships), visible: sql<boolean>`(${scope})` })
      .from(clientRelationships)
      .where(eq(clientRelationships.id, id))
      .then((rows) => rows[0]);
  }

  /**
   * Whether the client's records are in the archive: the client had a relationship (in `unitId` when given: that
   * unit's own records), and none is open or ended within its unit's visibility window (DESIGN.md §1: only the
   * registrar reaches the archive).
   */
  async isArchived(clientId: string, unitId?: string): Promise<boolean> {
    const inUnit = unitId ? sql` AND r.unit_id = ${unitId}::uuid` : sql``;
    const [row] = await this.db.execute(sql`SELECT
      EXISTS (SELECT 1 FROM clients.client_relationships r WHERE r.client_id = ${clientId}::uuid${inUnit})
      AND NOT EXISTS (SELECT 1 FROM clients.client_relationships r JOIN clients.units u ON u.id = r.unit_id
        WHERE r.client_id = ${clientId}::uuid${inUnit}
          AND (r.ended_on IS NULL OR r.ended_on >= (current_date - make_interval(months => u.visibility_window_months))::date)) AS archived`).then((r) => rowsOf<{ archived: boolean }>(r));
    return Boolean(row?.archived);
  }

  async endRelationship(id: string, endedOn: string): Promise<RelationshipRow | undefined> {
    const [row] = await this.db
      .update(clientRelationships)
      .set({ endedOn })
      .where(and(eq(clientRelationships.id, id), sql`${clientRelationships.endedOn} IS NULL`))
      .returning();
    return row;
  }
}
