import type { Resolvers } from '../generated/resolvers-types';
import { AuditEntry } from './audit-entry';
import { AuditEntryConnection } from './audit-entry-connection';
import { AuditReview } from './audit-review';
import { MonitoringRun } from './monitoring-run';
import { markReviewed } from './mutation-mark-reviewed';
import { startSampleReview } from './mutation-start-sample-review';
import { actorActivity } from './query-actor-activity';
import { auditActors } from './query-audit-actors';
import { auditCountsPerActorDay } from './query-audit-counts-per-actor-day';
import { auditEntries } from './query-audit-entries';
import { createAuditCheckpoint } from './mutation-create-audit-checkpoint';
import { auditSample } from './query-audit-sample';
import { auditUnits } from './query-audit-units';
import { clientAccessReport } from './query-client-access-report';
import { monitoringRuns } from './query-monitoring-runs';
import { reviewQueue } from './query-review-queue';
import { verifyAuditChain } from './query-verify-audit-chain';

export const resolvers: Resolvers = {
  Query: {
    auditEntries,
    clientAccessReport,
    verifyAuditChain,
    auditSample,
    auditCountsPerActorDay,
    auditActors,
    auditUnits,
    actorActivity,
    reviewQueue,
    monitoringRuns,
  },
  Mutation: { createAuditCheckpoint, markReviewed, startSampleReview },
  AuditEntry,
  AuditEntryConnection,
  AuditReview,
  MonitoringRun,
};
