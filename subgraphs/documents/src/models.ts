import type { Connection } from '@vartija/kit';
import type { dataSubjectRequests, disclosures, documentRevisions, documents } from '@vartija/db';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
/** A referenced client: its id, and the grants it is visible through (policy v2). */
export type ClientRefModel = { id: string; via?: string[] };
/** authorName is resolved through loaders (user or, for partner-authored documents, organisation). */
export type DocumentModel = typeof documents.$inferSelect;
/** Carries its document's client and unit (access log, policy) and the author's name, joined in one query. */
export type DocumentRevisionModel = typeof documentRevisions.$inferSelect & {
  clientId: string;
  unitId: string;
  authorName: string | null;
};
export type DisclosureModel = typeof disclosures.$inferSelect;
export type DataSubjectRequestModel = typeof dataSubjectRequests.$inferSelect;
/** The `dataSubjectRequests` list (kit pagination.ts toConnection). */
export type DataSubjectRequestConnectionModel = Connection<DataSubjectRequestModel>;
/** One change of a record as `history` answers it, already filtered by the read rules (history-service.ts). */
export type FieldChangeModel = { field: string; previousValue: string | null; hidden: boolean };
export type RevisionModel = {
  revision: number;
  entityType: string;
  entityId: string;
  changedAt: Date;
  changedBy: string | null;
  changedByKind: string;
  changedByName: string | null;
  reason: string | null;
  changes: FieldChangeModel[];
};
