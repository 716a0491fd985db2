import {
  clientRelationships,
  commissions,
  consents,
  disclosureDocuments,
  disclosures,
  documentRevisions,
  documents,
  organisations,
  type Queryable,
  inList,
} from '@vartija/db';
import { activeCommissionOf, matchingSql } from '@vartija/kit';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';

type DocumentRow = typeof documents.$inferSelect;
type RelationshipRow = typeof clientRelationships.$inferSelect;

/** Writes of the documents subgraph; callers run them inside one transaction with their audit entries. */
export class DocumentWriteStore {
  constructor(private readonly db: Queryable) {}

  /**
   * The client's relationships with the unit, the open one first. The relationship table is the
   * access-granting link every subgraph may read.
   */
  relationships(clientId: string, unitId: string): Promise<RelationshipRow[]> {
    return this.db
      .select()
      .from(clientRelationships)
      .where(and(eq(clientRelationships.clientId, clientId), eq(clientRelationships.unitId, unitId)))
      .orderBy(sql`${clientRelationships.endedOn} IS NULL DESC`, asc(clientRelationships.startedOn));
  }

  /**
   * The commission, active on `day` (the policy's definition, kit conditions.ts activeCommissionOf), under which
   * a partner organisation serves the client for the unit; one that lets the partner write documents first.
   */
  activeCommission(clientId: string, unitId: string, partnerOrganisationId: string, day: string) {
    return this.db
      .select()
      .from(commissions)
      .where(
        and(
          eq(commissions.clientId, clientId),
          eq(commissions.commissionerUnitId, unitId),
          matchingSql('Commission', activeCommissionOf(partnerOrganisationId, { today: day })),
        ),
      )
      .orderBy(sql`'documents:write' = ANY(${commissions.partnerScopes}) DESC`, asc(commissions.startsOn))
      .limit(1)
      .then((rows) => rows[0]);
  }

  /** Read inside the write's transaction, under the actor's row scope: invisible is unknown. */
  document(id: string, scope: SQL) {
    return this.db
      .select()
      .from(documents)
      .where(and(eq(documents.id, id), scope))
      .then((rows) => rows[0]);
  }

  currentRevision(id: string): Promise<number | undefined> {
    return this.db
      .select({ currentRevision: documents.currentRevision })
      .from(documents)
      .where(eq(documents.id, id))
      .then((rows) => rows[0]?.currentRevision);
  }

  async insertDocument(values: typeof documents.$inferInsert): Promise<DocumentRow> {
    const [row] = await this.db.insert(documents).values(values).returning();
    return row!;
  }

  async insertRevision(values: typeof documentRevisions.$inferInsert): Promise<void> {
    await this.db.insert(documentRevisions).values(values);
  }

  /** Moves the document to the next revision; null when `expectedRevision` is stale (the caller answers CONFLICT). */
  async advanceRevision(
    id: string,
    expectedRevision: number,
    content: { title: string; body: string },
  ): Promise<DocumentRow | undefined> {
    const [row] = await this.db
      .update(documents)
      .set({ ...content, currentRevision: expectedRevision + 1, updatedAt: new Date() })
      .where(and(eq(documents.id, id), eq(documents.currentRevision, expectedRevision)))
      .returning();
    return row;
  }

  /** Documents among `ids` within the actor's row scope, read inside the write's transaction. */
  documentsByIds(ids: readonly string[], scope: SQL): Promise<DocumentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(documents)
      .where(and(inList(documents.id, [...ids]), scope));
  }

  /** A consent within the actor's row scope (`scope`), read inside the write's transaction. */
  consent(id: string, scope: SQL) {
    return this.db
      .select()
      .from(consents)
      .where(and(eq(consents.id, id), scope))
      .then((rows) => rows[0]);
  }

  async insertDisclosure(values: typeof disclosures.$inferInsert, documentIds: readonly string[]): Promise<string> {
    const [row] = await this.db.insert(disclosures).values(values).returning({ id: disclosures.id });
    if (documentIds.length > 0) {
      await this.db.insert(disclosureDocuments).values(documentIds.map((documentId) => ({ disclosureId: row!.id, documentId })));
    }
    return row!.id;
  }

  async organisationExists(id: string): Promise<boolean> {
    const rows = await this.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, id));
    return rows.length > 0;
  }
}
