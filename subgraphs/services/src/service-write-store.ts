import { clientRelationships, decisions, organisations, placements, type Queryable } from '@vartija/db';
import { and, eq, type SQL } from 'drizzle-orm';

type DecisionRow = typeof decisions.$inferSelect;
type PlacementRow = typeof placements.$inferSelect;

/** Writes of the services subgraph; callers run them inside one transaction with their audit entries. */
export class ServiceWriteStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Whether the unit serves (or has served) the client. The relationship table is the access-granting
   * link every subgraph may read; without one the client does not exist for this unit.
   */
  hasRelationship(clientId: string, unitId: string): Promise<boolean> {
    return this.db
      .select({ id: clientRelationships.id })
      .from(clientRelationships)
      .where(and(eq(clientRelationships.clientId, clientId), eq(clientRelationships.unitId, unitId)))
      .limit(1)
      .then((rows) => rows.length > 0);
  }

  organisationExists(id: string): Promise<boolean> {
    return this.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.id, id))
      .then((rows) => rows.length > 0);
  }

  async insertDecision(values: typeof decisions.$inferInsert): Promise<DecisionRow> {
    const [row] = await this.db.insert(decisions).values(values).returning();
    return row!;
  }

  async insertPlacement(values: typeof placements.$inferInsert): Promise<PlacementRow> {
    const [row] = await this.db.insert(placements).values(values).returning();
    return row!;
  }

  /** Read inside the write's transaction, under the actor's row scope: invisible is unknown. */
  placementById(id: string) {
    return this.db
      .select()
      .from(placements)
      .where(eq(placements.id, id))
      .then((rows) => rows[0]);
  }

  placement(id: string, scope: SQL) {
    return this.db
      .select()
      .from(placements)
      .where(and(eq(placements.id, id), scope))
      .then((rows) => rows[0]);
  }

  /** Sets the end date; null when the placement is gone. */
  async endPlacement(id: string, endsOn: string): Promise<PlacementRow | undefined> {
    const [row] = await this.db.update(placements).set({ endsOn }).where(eq(placements.id, id)).returning();
    return row;
  }
}
