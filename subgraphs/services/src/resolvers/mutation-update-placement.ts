import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { correctionReason, updatePlacementInput, withoutNulls } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const updatePlacement: MutationResolvers['updatePlacement'] = async (_root, args, ctx) => {
  // An explicit null end clears a set end; other nulls mean "not given".
  const input = parseInput(updatePlacementInput, withoutNulls(args.input, ['endsOn']));
  const reason = parseInput(correctionReason, args.reason, 'reason');
  await new ServiceRecordService(ctx).updatePlacement(args.id, args.expectedVersion, input, reason);
  return (await ctx.loaders.placement.clear(args.id).load(args.id))!;
};
