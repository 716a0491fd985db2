import { parseInput } from '@vartija/kit';
import { startCommissionInput } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { commissionAnswer } from './client-record-answers';

export const startCommission: MutationResolvers['startCommission'] = async (_root, args, ctx) => {
  const input = parseInput(startCommissionInput, args.input);
  const id = await new ClientRecordService(ctx).startCommission(input);
  return commissionAnswer(ctx, input.clientId, id);
};
