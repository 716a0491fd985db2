import { auditLogTarget, logAuditorQuery } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { authorizeMonitoring } from '../monitoring-policy';

export const auditUnits: QueryResolvers['auditUnits'] = async (_root, _args, ctx) => {
  authorizeMonitoring(ctx, 'read', 'AuditDirectory', {}, { target: auditLogTarget('auditUnits', null), action: 'READ' }, "the organisation's data protection officer (AUDITOR) or registrar looks up the log's units");
  logAuditorQuery(ctx, 'auditUnits');
  return ctx.loaders.directory.unitsOf(ctx.actor.organisationId);
};
