import { parseInput } from '@vartija/kit';
import { isoDate } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { commissionAnswer } from './client-record-answers';

export const endCommission: MutationResolvers['endCommission'] = async (_root, args, ctx) => {
  const endsOn = parseInput(isoDate.nullish(), args.endsOn, 'endsOn');
  const { id, clientId } = await new ClientRecordService(ctx).endCommission(args.id, endsOn);
  return commissionAnswer(ctx, clientId, id);
};
