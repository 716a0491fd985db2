import type { AuditEntryConnectionResolvers } from '../generated/resolvers-types';

export const AuditEntryConnection: AuditEntryConnectionResolvers = {
  totalCount: (connection) => connection.totalCount(),
};
