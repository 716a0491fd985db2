import type { AuditEntryResolvers } from '../generated/resolvers-types';
import { mayRead } from '../monitoring-policy';

/** How the data left: a PRINT or EXPORT entry is a printable document or an export (the recorder logs a read under that intent so). */
const INTENT_OF: Record<string, string> = { PRINT: 'PRINT', EXPORT: 'EXPORT' };

export const AuditEntry: AuditEntryResolvers = {
  id: (e) => String(e.seq),
  client: (e) => (e.clientId ? { id: e.clientId } : null),
  categories: (e) => e.categories as never,
  // Names through DataLoaders: one IN per batch for a whole page of entries.
  actorName: async (e, _args, ctx) => (await ctx.loaders.actorName.load(e.actorId))?.name ?? null,
  unitName: async (e, _args, ctx) => (e.unitId ? ((await ctx.loaders.unitName.load(e.unitId))?.name ?? null) : null),
  organisationName: async (e, _args, ctx) => (e.organisationId ? ((await ctx.loaders.organisationName.load(e.organisationId))?.name ?? null) : null),
  intent: (e) => INTENT_OF[e.action] ?? 'VIEW',
  reviews: (e, _args, ctx) => (mayRead(ctx, 'AuditReview') ? ctx.loaders.reviewsOfEntry.load(String(e.seq)) : []),
};
