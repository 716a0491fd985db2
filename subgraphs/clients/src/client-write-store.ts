import { clientRelationships, clients, type Queryable, units } from '@vartija/db';
import { and, eq, sql } from 'drizzle-orm';
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

  relationship(id: string) {
    return this.db
      .select()
      .from(clientRelationships)
      .where(eq(clientRelationships.id, id))
      .then((rows) => rows[0]);
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
