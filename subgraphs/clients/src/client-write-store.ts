import { clientRelationships, clients, type Queryable, units } from '@vartija/db';
import { and, eq, sql } from 'drizzle-orm';
import type { NewClient } from './client-store';

type ClientRow = typeof clients.$inferSelect;

type RelationshipRow = typeof clientRelationships.$inferSelect;

/** Writes of the clients subgraph; callers run them inside one transaction with their audit entries. */
export class ClientWriteStore {
  constructor(private readonly db: Queryable) {}

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
