import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { recordRestrictionInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordRestriction: MutationResolvers['recordRestriction'] = async (_root, args, ctx) => {
  const input = parseInput(recordRestrictionInput, args.input);
  const id = await new ServiceRecordService(ctx).recordRestriction(input);
  // Read back under the actor's own read rules, like any query.
  return (await ctx.loaders.restriction.clear(id).load(id))!;
};
