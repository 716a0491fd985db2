import { apiTokens, organisations, persistedOperations, type Queryable, inList } from '@vartija/db';
import { isSha256Reference, normaliseSha256 } from '@vartija/kit';
import { and, asc, desc, eq, or, type SQL } from 'drizzle-orm';

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type PersistedOperationRow = typeof persistedOperations.$inferSelect;

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

  async organisationByCode(code: string) {
    const [row] = await this.db.select().from(organisations).where(eq(organisations.code, code));
    return row;
  }

  /**
   * The organisations a registrar names when issuing tokens: its own and the partners (service
   * providers). Other welfare regions are other registers and are not listed.
   */
  organisationsFor(organisationId: string, kind?: 'WELFARE_REGION' | 'SERVICE_PROVIDER' | null) {
    return this.db
      .select()
      .from(organisations)
      .where(and(or(eq(organisations.id, organisationId), eq(organisations.kind, 'SERVICE_PROVIDER')), kind ? eq(organisations.kind, kind) : undefined))
      .orderBy(asc(organisations.code));
  }

  async insert(values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
    const [row] = await this.db.insert(apiTokens).values(values).returning();
    return row!;
  }

  async revoke(id: string, at: Date): Promise<ApiTokenRow | undefined> {
    const [row] = await this.db.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning();
    return row;
  }

  /** Persisted operations (shared by every region's partners), oldest first. */
  persistedOperations() {
    return this.db.select().from(persistedOperations).orderBy(asc(persistedOperations.createdAt), asc(persistedOperations.id));
  }

  async persistedOperation(idOrSha256: string): Promise<PersistedOperationRow | undefined> {
    const [row] = await this.db
      .select()
      .from(persistedOperations)
      .where(or(eq(persistedOperations.id, idOrSha256), eq(persistedOperations.sha256, idOrSha256)));
    return row;
  }

  /** The allowlist entries (ids, or SHA-256 hashes) that name no registered operation. */
  async unregisteredOperations(entries: readonly string[]): Promise<string[]> {
    const ids = entries.filter((e) => !isSha256Reference(e));
    const hashes = entries.filter(isSha256Reference).map(normaliseSha256);
    const found = new Set<string>();
    if (ids.length > 0) for (const r of await this.db.select({ id: persistedOperations.id }).from(persistedOperations).where(inList(persistedOperations.id, ids))) found.add(r.id);
    if (hashes.length > 0) {
      for (const r of await this.db.select({ sha256: persistedOperations.sha256 }).from(persistedOperations).where(inList(persistedOperations.sha256, hashes))) found.add(r.sha256);
    }
    return [...new Set(entries)].filter((e) => !found.has(isSha256Reference(e) ? normaliseSha256(e) : e));
  }

  persistedOperationsBySha256(hashes: readonly string[]) {
    if (hashes.length === 0) return Promise.resolve([]);
    return this.db.select().from(persistedOperations).where(inList(persistedOperations.sha256, [...hashes]));
  }

  /** Undefined when the id or the document is registered already (operations are immutable). */
  async insertPersistedOperation(values: typeof persistedOperations.$inferInsert): Promise<PersistedOperationRow | undefined> {
    const [row] = await this.db.insert(persistedOperations).values(values).onConflictDoNothing().returning();
    return row;
  }

  async deletePersistedOperation(id: string): Promise<PersistedOperationRow | undefined> {
    const [row] = await this.db.delete(persistedOperations).where(eq(persistedOperations.id, id)).returning();
    return row;
  }

  async shortenExpiry(id: string, expiresAt: Date): Promise<void> {
    await this.db.update(apiTokens).set({ expiresAt }).where(and(eq(apiTokens.id, id)));
  }
}
