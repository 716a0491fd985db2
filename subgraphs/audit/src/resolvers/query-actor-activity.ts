import { badInput } from '@vartija/kit';
import { logAuditorQuery, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { dayRangeOf } from '../monitoring-input';

export const actorActivity: QueryResolvers['actorActivity'] = async (_root, args, ctx) => {
  requireAuditor(ctx, 'actorActivity');
  const actorId = args.actorId.trim();
  if (!actorId || actorId.length > 200) throw badInput('actorId', 'must be the id of an actor of the log (AuditEntry.actorId; see auditActors)');
  const { fromDay, toDay } = dayRangeOf(args.from, args.to);
  logAuditorQuery(ctx, 'actorActivity', null, `activity of actor ${actorId} ${fromDay}–${toDay}`);
  const { monitoring, actorName } = ctx.loaders;
  const [days, usual, named] = await Promise.all([monitoring.actorDays(actorId, fromDay, toDay), monitoring.usualRange(fromDay, toDay), actorName.load(actorId)]);
  return { actorId, actorName: named?.name ?? null, days, usual };
};
