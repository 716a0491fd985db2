import {
  assistanceRequests,
  careDays,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  decisions,
  disclosures,
  documentRevisions,
  documents,
  extractRedactions,
  guardians,
  invoices,
  medications,
  organisations,
  paymentCommitments,
  placements,
  type Queryable,
  restrictions,
  revisions,
  units,
  users,
  inList,
} from '@vartija/db';
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** One stored row of the client's register: its columns, and the unit it belongs to (its own or its parent's). */
export interface ExtractRow {
  row: Record<string, unknown>;
  unitId: string | null;
}

export type ExtractEntityType =
  | 'Client'
  | 'Guardian'
  | 'ClientRelationship'
  | 'Commission'
  | 'Consent'
  | 'Decision'
  | 'Placement'
  | 'CareDay'
  | 'PaymentCommitment'
  | 'Invoice'
  | 'Restriction'
  | 'AssistanceRequest'
  | 'Medication'
  | 'Document'
  | 'DocumentRevision'
  | 'Disclosure'
  | 'DataSubjectRequest'
  | 'Revision';

export type ExtractRedactionRow = typeof extractRedactions.$inferSelect & { decidedByName: string | null };

const own = (row: Record<string, unknown>, unit: unknown): ExtractRow => ({ row, unitId: typeof unit === 'string' ? unit : null });

/**
 * The SQL of the full extract (issue 12 item 4): every row the register holds on one client, archived
 * included, one statement per table whatever the number of rows (records reached through a parent — care
 * days, invoices, document revisions — are joined in the same statement). No row scope: the extract is one
 * policy decision (ClientRecordExtract) made by the service before anything is read.
 */
export class ExtractStore {
  constructor(private readonly db: Queryable) {}

  /** Whether the request is within the actor's row scope for requests. */
  async visibleRequest(id: string, scope: SQL): Promise<boolean> {
    const rows = await this.db.select({ id: dataSubjectRequests.id }).from(dataSubjectRequests).where(and(eq(dataSubjectRequests.id, id), scope));
    return rows.length > 0;
  }

  request(id: string) {
    return this.db
      .select()
      .from(dataSubjectRequests)
      .where(eq(dataSubjectRequests.id, id))
      .then((rows) => rows[0]);
  }

  /** The client row and its controller's name. */
  async client(clientId: string): Promise<{ row: Record<string, unknown>; controllerName: string } | undefined> {
    const [found] = await this.db
      .select({ row: clients, controllerName: organisations.name })
      .from(clients)
      .innerJoin(organisations, eq(organisations.id, clients.organisationId))
      .where(eq(clients.id, clientId));
    return found ? { row: found.row as Record<string, unknown>, controllerName: found.controllerName } : undefined;
  }

  /** Rows of a table with a client_id column (and, when it has one, a unit_id), oldest first. */
  private async byClient(table: PgTable, clientId: string, unitColumn: string | null): Promise<ExtractRow[]> {
    const t = table as unknown as Record<string, never>;
    const rows = (await this.db
      .select()
      .from(table)
      .where(eq(t['clientId']!, clientId))
      .orderBy(asc(t['id']!))) as Record<string, unknown>[];
    return rows.map((row) => own(row, unitColumn ? row[unitColumn] : null));
  }

  guardians = (clientId: string) => this.byClient(guardians, clientId, null);
  relationships = (clientId: string) => this.byClient(clientRelationships, clientId, 'unitId');
  commissions = (clientId: string) => this.byClient(commissions, clientId, 'commissionerUnitId');
  consents = (clientId: string) => this.byClient(consents, clientId, 'unitId');
  decisions = (clientId: string) => this.byClient(decisions, clientId, 'unitId');
  placements = (clientId: string) => this.byClient(placements, clientId, 'unitId');
  paymentCommitments = (clientId: string) => this.byClient(paymentCommitments, clientId, 'unitId');
  restrictions = (clientId: string) => this.byClient(restrictions, clientId, 'unitId');
  assistanceRequests = (clientId: string) => this.byClient(assistanceRequests, clientId, 'unitId');
  medications = (clientId: string) => this.byClient(medications, clientId, 'unitId');
  documents = (clientId: string) => this.byClient(documents, clientId, 'unitId');
  dataSubjectRequests = (clientId: string) => this.byClient(dataSubjectRequests, clientId, 'unitId');
  revisions = (clientId: string) => this.byClient(revisions, clientId, null);

  async careDays(clientId: string): Promise<ExtractRow[]> {
    const rows = await this.db
      .select({ row: careDays, unitId: placements.unitId })
      .from(careDays)
      .innerJoin(placements, eq(placements.id, careDays.placementId))
      .where(eq(placements.clientId, clientId))
      .orderBy(asc(careDays.day), asc(careDays.id));
    return rows.map((r) => own(r.row as Record<string, unknown>, r.unitId));
  }

  async invoices(clientId: string): Promise<ExtractRow[]> {
    const rows = await this.db
      .select({ row: invoices, unitId: paymentCommitments.unitId })
      .from(invoices)
      .innerJoin(paymentCommitments, eq(paymentCommitments.id, invoices.paymentCommitmentId))
      .where(eq(paymentCommitments.clientId, clientId))
      .orderBy(asc(invoices.id));
    return rows.map((r) => own(r.row as Record<string, unknown>, r.unitId));
  }

  async documentRevisions(clientId: string): Promise<ExtractRow[]> {
    const rows = await this.db
      .select({ row: documentRevisions, unitId: documents.unitId })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .where(eq(documents.clientId, clientId))
      .orderBy(asc(documentRevisions.documentId), asc(documentRevisions.revision));
    return rows.map((r) => own(r.row as Record<string, unknown>, r.unitId));
  }

  /** Disclosures with the ids of the documents each gave, in the same statement. */
  async disclosures(clientId: string): Promise<ExtractRow[]> {
    const rows = await this.db
      .select({
        row: disclosures,
        documentIds: sql<string[]>`coalesce((SELECT array_agg(dd.document_id::text ORDER BY dd.document_id) FROM documents.disclosure_documents dd WHERE dd.disclosure_id = ${disclosures.id}), '{}')`,
      })
      .from(disclosures)
      .where(eq(disclosures.clientId, clientId))
      .orderBy(asc(disclosures.id));
    return rows.map((r) => own({ ...(r.row as Record<string, unknown>), documentIds: r.documentIds }, r.row.unitId));
  }

  /** The units named by the records, with their organisation's name. */
  units(ids: readonly string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select({ id: units.id, name: units.name, organisationName: organisations.name })
      .from(units)
      .innerJoin(organisations, eq(organisations.id, units.organisationId))
      .where(inList(units.id, [...ids]))
      .orderBy(asc(units.name));
  }

  redactions(requestId: string): Promise<ExtractRedactionRow[]> {
    return this.db
      .select({
        id: extractRedactions.id,
        requestId: extractRedactions.requestId,
        documentId: extractRedactions.documentId,
        withhold: extractRedactions.withhold,
        reason: extractRedactions.reason,
        decidedBy: extractRedactions.decidedBy,
        decidedAt: extractRedactions.decidedAt,
        decidedByName: users.displayName,
      })
      .from(extractRedactions)
      .leftJoin(users, eq(users.id, extractRedactions.decidedBy))
      .where(eq(extractRedactions.requestId, requestId))
      .orderBy(asc(extractRedactions.decidedAt), asc(extractRedactions.documentId));
  }

  /** The client's documents among `ids`, with their types (what a redaction decision may be about). */
  /** The client's documents among `ids`, within `scope` (an actor's row scope) when given. */
  documentsOf(clientId: string, ids: readonly string[], scope: SQL = sql`TRUE`) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(documents)
      .where(and(inList(documents.id, [...ids]), scope))
      .then((rows) => rows.filter((r) => r.clientId === clientId));
  }

  async insertRedactions(values: (typeof extractRedactions.$inferInsert)[]): Promise<void> {
    if (values.length > 0) await this.db.insert(extractRedactions).values(values);
  }
}
