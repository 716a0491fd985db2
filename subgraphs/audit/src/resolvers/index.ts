import type { Resolvers } from '../generated/resolvers-types';
import { AuditEntry } from './audit-entry';
import { AuditEntryConnection } from './audit-entry-connection';
import { auditCountsPerActorDay } from './query-audit-counts-per-actor-day';
import { auditEntries } from './query-audit-entries';
import { createAuditCheckpoint } from './mutation-create-audit-checkpoint';
import { auditSample } from './query-audit-sample';
import { clientAccessReport } from './query-client-access-report';
import { verifyAuditChain } from './query-verify-audit-chain';

export const resolvers: Resolvers = {
  Query: { auditEntries, clientAccessReport, verifyAuditChain, auditSample, auditCountsPerActorDay },
  Mutation: { createAuditCheckpoint },
  AuditEntry,
  AuditEntryConnection,
};
