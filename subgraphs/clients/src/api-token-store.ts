import { apiTokens, organisations, type Queryable } from '@vartija/db';
import { and, desc, eq, type SQL } from 'drizzle-orm';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** SQL for partner tokens; secrets never reach this table, only their hashes. */
export class ApiTokenStore {
  constructor(private readonly db: Queryable) {}

  list(organisationId?: string | null, scope?: SQL) {
    return this.db
      .select()
      .from(apiTokens)
      .where(and(organisationId ? eq(apiTokens.organisationId, organisationId) : undefined, scope))
      .orderBy(desc(apiTokens.createdAt));
  }

  async byId(id: string): Promise<ApiTokenRow | undefined> {
    const [row] = await this.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    return row;
  }

  async organisation(id: string) {
    const [row] = await this.db.select().from(organisations).where(eq(organisations.id, id));
    return row;
  }

  async insert(values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
    const [row] = await this.db.insert(apiTokens).values(values).returning();
    return row!;
  }

  async revoke(id: string, at: Date): Promise<ApiTokenRow | undefined> {
    const [row] = await this.db.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning();
    return row;
  }

  async shortenExpiry(id: string, expiresAt: Date): Promise<void> {
    await this.db.update(apiTokens).set({ expiresAt }).where(and(eq(apiTokens.id, id)));
  }
}
