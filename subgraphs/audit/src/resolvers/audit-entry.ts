import type { AuditEntryResolvers } from '../generated/resolvers-types';

export const AuditEntry: AuditEntryResolvers = {
  id: (e) => String(e.seq),
  client: (e) => (e.clientId ? { id: e.clientId } : null),
  categories: (e) => e.categories as never,
};
