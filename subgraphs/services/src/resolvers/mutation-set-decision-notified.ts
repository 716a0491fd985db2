import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { notificationInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const setDecisionNotified: MutationResolvers['setDecisionNotified'] = async (_root, args, ctx) => {
  // Top-level arguments: the field a problem names is the argument's own (notifiedOn, method).
  const notifiedOn = parseInput(notificationInput.shape.notifiedOn, args.notifiedOn, 'notifiedOn');
  const method = parseInput(notificationInput.shape.method, args.method, 'method');
  await new ServiceRecordService(ctx).setDecisionNotified(args.id, notifiedOn, method);
  return (await ctx.loaders.decision.clear(args.id).load(args.id))!;
};
