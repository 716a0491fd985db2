import type { entries } from '@vartija/db';
import type { Connection } from '@vartija/kit';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
export type AuditEntryModel = typeof entries.$inferSelect;
export type AuditEntryConnectionModel = Connection<AuditEntryModel>;
