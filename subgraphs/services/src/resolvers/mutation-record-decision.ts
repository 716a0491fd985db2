import { parseInput } from '@vartija/kit';
import { DECISION_FIELDS, recordDecisionInput } from '../decision-input';
import type { MutationResolvers } from '../generated/resolvers-types';
import { ServiceRecordService } from '../service-record-service';

export const recordDecision: MutationResolvers['recordDecision'] = async (_root, args, ctx) => {
  const input = parseInput(recordDecisionInput, args.input);
  const id = await new ServiceRecordService(ctx).recordDecision(input, DECISION_FIELDS);
  // Read back under the actor's own read rules, like any query.
  return (await ctx.loaders.decision.clear(id).load(id))!;
};
