import type { entries, monitoringRuns, reviews } from '@vartija/db';
import type { Connection } from '@vartija/kit';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
export type AuditEntryModel = typeof entries.$inferSelect;
export type AuditEntryConnectionModel = Connection<AuditEntryModel>;
export type AuditReviewModel = typeof reviews.$inferSelect;
export type MonitoringRunModel = typeof monitoringRuns.$inferSelect;

/** A queue item: the entry that stands for the access (or actor-day), why it is there, whether it was reviewed. */
export interface ReviewQueueItemModel {
  entry: AuditEntryModel;
  why: string;
  reviewed: boolean;
}
