import { auditLogTarget, logAuditorQuery } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { firstWithin, RUNS_MAX } from '../monitoring-input';
import { authorizeMonitoring } from '../monitoring-policy';

export const monitoringRuns: QueryResolvers['monitoringRuns'] = async (_root, args, ctx) => {
  authorizeMonitoring(ctx, 'read', 'MonitoringRun', {}, { target: auditLogTarget('monitoringRuns', null), action: 'READ' }, "the organisation's data protection officer (AUDITOR) reads its monitoring runs");
  const first = firstWithin(args.first, 20, RUNS_MAX);
  logAuditorQuery(ctx, 'monitoringRuns');
  return ctx.loaders.reviews.runs(first);
};
