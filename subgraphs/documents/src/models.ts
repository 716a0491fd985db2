import type { dataSubjectRequests, disclosures, documentRevisions, documents } from '@vartija/db';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
export type ClientRefModel = { id: string };
export type DocumentModel = typeof documents.$inferSelect & { authorName: string | null };
export type DocumentRevisionModel = typeof documentRevisions.$inferSelect & {
  clientId: string;
  unitId: string;
  authorName: string | null;
};
export type DisclosureModel = typeof disclosures.$inferSelect;
export type DataSubjectRequestModel = typeof dataSubjectRequests.$inferSelect;
