import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { correctionReason, updateDecisionInput, withoutNulls } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const updateDecision: MutationResolvers['updateDecision'] = async (_root, args, ctx) => {
  const input = parseInput(updateDecisionInput, withoutNulls(args.input));
  const reason = parseInput(correctionReason, args.reason, 'reason');
  await new ServiceRecordService(ctx).updateDecision(args.id, args.expectedVersion, input, reason);
  return (await ctx.loaders.decision.clear(args.id).load(args.id))!;
};
