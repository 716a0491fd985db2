import { badInput } from '@vartija/kit';
import { logAuditorQuery, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { DirectoryStore } from '../directory-store';
import { dayRangeOf } from '../monitoring-input';

export const actorActivity: QueryResolvers['actorActivity'] = async (_root, args, ctx) => {
  requireAuditor(ctx, 'actorActivity');
  const actorId = args.actorId.trim();
  if (!actorId || actorId.length > 200) throw badInput('actorId', 'must be the id of an actor of the log (AuditEntry.actorId; see auditActors)');
  const { fromDay, toDay } = dayRangeOf(args.from, args.to);
  logAuditorQuery(ctx, 'actorActivity', null, `activity of actor ${actorId} ${fromDay}–${toDay}`);
  const { monitoring } = ctx.loaders;
  // The name only of an actor of the auditor's own organisation: an id alone never names another register's employee.
  const [days, usual, named] = await Promise.all([
    monitoring.actorDays(actorId, fromDay, toDay),
    monitoring.usualRange(fromDay, toDay),
    new DirectoryStore(ctx.db).actorOf(ctx.actor.organisationId, actorId),
  ]);
  return { actorId, actorName: named?.name ?? null, days, usual };
};
