import { badInput } from '@vartija/kit';
import { auditLogTarget, logAuditorQuery } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { ACTORS_MAX, firstWithin } from '../monitoring-input';
import { authorizeMonitoring } from '../monitoring-policy';

export const auditActors: QueryResolvers['auditActors'] = async (_root, args, ctx) => {
  authorizeMonitoring(ctx, 'read', 'AuditDirectory', {}, { target: auditLogTarget('auditActors', null), action: 'READ' }, "the organisation's data protection officer (AUDITOR) or registrar looks up the log's actors");
  const first = firstWithin(args.first, 20, ACTORS_MAX);
  const search = args.search?.trim() || null;
  if (search && search.length > 100) throw badInput('search', 'must be at most 100 characters');
  logAuditorQuery(ctx, 'auditActors');
  return ctx.loaders.directory.actorsOf(ctx.actor.organisationId, search, first);
};
