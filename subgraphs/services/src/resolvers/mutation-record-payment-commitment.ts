import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { recordPaymentCommitmentInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordPaymentCommitment: MutationResolvers['recordPaymentCommitment'] = async (_root, args, ctx) => {
  const input = parseInput(recordPaymentCommitmentInput, args.input);
  const id = await new ServiceRecordService(ctx).recordPaymentCommitment(input);
  return (await ctx.loaders.paymentCommitment.clear(id).load(id))!;
};
