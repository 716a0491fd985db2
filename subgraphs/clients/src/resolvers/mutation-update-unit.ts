import { audited, parseInput } from '@vartija/kit';
import { parseArgs, reasonInput, updateUnitInput, withoutNulls } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Name, service task, visibility window; what it replaces stays in history.revisions (entityType Unit). */
export const updateUnit: MutationResolvers['updateUnit'] = async (_root, args, ctx) => {
  const values = parseInput(updateUnitInput, withoutNulls(args.input));
  const reason = parseArgs(reasonInput, args.reason);
  const unit = await audited(ctx, (w) => new AccessAdminService(w).updateUnit(args.id, values, reason));
  ctx.loaders.unit.clear(unit.id);
  return unit;
};
