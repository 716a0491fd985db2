import {
  dataSubjectRequests,
  disclosureDocuments,
  disclosures,
  documentRevisions,
  documents,
  organisations,
  type Queryable,
  users,
  inList,
} from '@vartija/db';
import { and, asc, desc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { candidateRows } from '@vartija/kit';
import type { DocumentModel, DocumentRevisionModel } from './models';

/**
 * SQL for reading the documents subgraph; every read takes the actor's row scope so invisible rows
 * never load. Lists are fetched for a batch of parents with one `IN (...)` each.
 */
export class DocumentStore {
  constructor(private readonly db: Queryable) {}

  documentsByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(documents).where(and(inList(documents.id, [...ids]), scope));
  }

  /** Newest first; `scope` on the batch's rows, picked by client first (kit candidateRows). */
  documentsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, documents, documents.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.recordedAt), desc(batch.id));
  }

  /** Documents of each disclosure the actor may read, newest first; rows carry their disclosure id. */
  documentsOfDisclosures(disclosureIds: readonly string[], scope: SQL): Promise<(DocumentModel & { disclosureId: string })[]> {
    return this.db
      .select({ ...getTableColumns(documents), disclosureId: disclosureDocuments.disclosureId })
      .from(disclosureDocuments)
      .innerJoin(documents, eq(documents.id, disclosureDocuments.documentId))
      .where(and(inList(disclosureDocuments.disclosureId, [...disclosureIds]), scope))
      .orderBy(desc(documents.recordedAt), desc(documents.id));
  }

  /**
   * Every revision, the original first, with the document's client and unit and the author's name:
   * the user's, or the authoring organisation's for partner-written revisions (no user id).
   */
  revisionsOf(documentIds: readonly string[], scope: SQL): Promise<DocumentRevisionModel[]> {
    return this.db
      .select({
        ...getTableColumns(documentRevisions),
        clientId: documents.clientId,
        unitId: documents.unitId,
        authorName: sql<string | null>`coalesce(${users.displayName}, ${organisations.name})`,
      })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .leftJoin(users, eq(users.id, documentRevisions.authorId))
      .leftJoin(organisations, eq(organisations.id, documents.authorOrganisationId))
      .where(and(inList(documentRevisions.documentId, [...documentIds]), scope))
      .orderBy(asc(documentRevisions.documentId), asc(documentRevisions.revision));
  }

  disclosuresByIds(ids: readonly string[], scope: SQL) {
    return this.db.select().from(disclosures).where(and(inList(disclosures.id, [...ids]), scope));
  }

  /** Newest first; `scope` on the batch's rows, picked by client first (kit candidateRows). */
  disclosuresOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, disclosures, disclosures.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.disclosedAt), desc(batch.id));
  }

  /** Newest first; `scope` on the batch's rows, picked by client first (kit candidateRows). */
  dataSubjectRequestsOf(clientIds: readonly string[], scope: SQL) {
    const batch = candidateRows(this.db, dataSubjectRequests, dataSubjectRequests.clientId, clientIds);
    return this.db.select().from(batch).where(scope).orderBy(desc(batch.receivedOn), desc(batch.id));
  }

  userNames(ids: readonly string[]) {
    return this.db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inList(users.id, [...ids]));
  }

  organisationNames(ids: readonly string[]) {
    return this.db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(inList(organisations.id, [...ids]));
  }
}
