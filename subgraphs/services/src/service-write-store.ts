import {
  assistanceRequests,
  careDays,
  clientRelationships,
  decisions,
  invoices,
  medications,
  organisations,
  paymentCommitments,
  placements,
  type Queryable,
  restrictions,
  inList,
} from '@vartija/db';
import { and, asc, eq, type SQL } from 'drizzle-orm';

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
  placement(id: string, scope: SQL) {
    return this.db
      .select()
      .from(placements)
      .where(and(eq(placements.id, id), scope))
      .then((rows) => rows[0]);
  }

  async insertRestriction(values: typeof restrictions.$inferInsert) {
    const [row] = await this.db.insert(restrictions).values(values).returning();
    return row!;
  }

  async insertAssistanceRequest(values: typeof assistanceRequests.$inferInsert) {
    const [row] = await this.db.insert(assistanceRequests).values(values).returning();
    return row!;
  }

  async insertMedication(values: typeof medications.$inferInsert) {
    const [row] = await this.db.insert(medications).values(values).returning();
    return row!;
  }

  /** The days of `days` already recorded for the placement, in calendar order. */
  recordedCareDays(placementId: string, days: readonly string[]): Promise<string[]> {
    return this.db
      .select({ day: careDays.day })
      .from(careDays)
      .where(and(eq(careDays.placementId, placementId), inList(careDays.day, [...days])))
      .orderBy(asc(careDays.day))
      .then((rows) => rows.map((r) => r.day));
  }

  insertCareDays(values: (typeof careDays.$inferInsert)[]) {
    return this.db.insert(careDays).values(values).returning();
  }

  async insertPaymentCommitment(values: typeof paymentCommitments.$inferInsert) {
    const [row] = await this.db.insert(paymentCommitments).values(values).returning();
    return row!;
  }

  paymentCommitmentById(id: string) {
    return this.db
      .select()
      .from(paymentCommitments)
      .where(eq(paymentCommitments.id, id))
      .then((rows) => rows[0]);
  }

  async insertInvoice(values: typeof invoices.$inferInsert) {
    const [row] = await this.db.insert(invoices).values(values).returning();
    return row!;
  }

  /** Whether a row of `table` with the id is within the actor's row scope (read inside the write's transaction). */
  visible(table: typeof decisions | typeof placements | typeof paymentCommitments, id: string, scope: SQL): Promise<boolean> {
    return this.db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, id), scope))
      .then((rows) => rows.length > 0);
  }
}
