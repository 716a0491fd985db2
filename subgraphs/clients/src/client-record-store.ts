import { commissions, consents, guardians, organisations, type Queryable } from '@vartija/db';
import { eq, getTableColumns, type SQL, sql } from 'drizzle-orm';

/** Guardians, consents and commissions: writes (inside the caller's audited transaction) and read-backs. */
export class ClientRecordStore {
  constructor(readonly db: Queryable) {}

  organisation(id: string) {
    return this.db
      .select({ id: organisations.id, kind: organisations.kind })
      .from(organisations)
      .where(eq(organisations.id, id))
      .then((rows) => rows[0]);
  }

  async insertGuardian(values: typeof guardians.$inferInsert) {
    const [row] = await this.db.insert(guardians).values(values).returning();
    return row!;
  }

  async insertConsent(values: typeof consents.$inferInsert) {
    const [row] = await this.db.insert(consents).values(values).returning();
    return row!;
  }

  async insertCommission(values: typeof commissions.$inferInsert) {
    const [row] = await this.db.insert(commissions).values(values).returning();
    return row!;
  }

  /** Whether the actor's row scope (`scope`) reaches the consent. */
  consentVisible(id: string, scope: SQL): Promise<boolean> {
    return this.db
      .select({ visible: sql<boolean>`(${scope})` })
      .from(consents)
      .where(eq(consents.id, id))
      .then((rows) => Boolean(rows[0]?.visible));
  }

  commissionVisible(id: string, scope: SQL): Promise<boolean> {
    return this.db
      .select({ visible: sql<boolean>`(${scope})` })
      .from(commissions)
      .where(eq(commissions.id, id))
      .then((rows) => Boolean(rows[0]?.visible));
  }

  /** A consent within the actor's row scope, for the answer (undefined: the caller may not see it). */
  consent(id: string, scope: SQL) {
    return this.db
      .select()
      .from(consents)
      .where(sql`${consents.id} = ${id} AND (${scope})`)
      .then((rows) => rows[0]);
  }

  commission(id: string, scope: SQL) {
    return this.db
      .select()
      .from(commissions)
      .where(sql`${commissions.id} = ${id} AND (${scope})`)
      .then((rows) => rows[0]);
  }

  guardian(id: string) {
    return this.db
      .select({ ...getTableColumns(guardians) })
      .from(guardians)
      .where(eq(guardians.id, id))
      .then((rows) => rows[0]);
  }
}
