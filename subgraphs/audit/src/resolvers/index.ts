import type { Resolvers } from '../generated/resolvers-types';
import { AuditEntry } from './audit-entry';
import { AuditEntryConnection } from './audit-entry-connection';
import { auditEntries } from './query-audit-entries';

export const resolvers: Resolvers = {
  Query: { auditEntries },
  AuditEntry,
  AuditEntryConnection,
};
