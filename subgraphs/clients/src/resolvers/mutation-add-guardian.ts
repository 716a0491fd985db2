import { parseInput } from '@vartija/kit';
import { addGuardianInput } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { guardianAnswer } from './client-record-answers';

export const addGuardian: MutationResolvers['addGuardian'] = async (_root, args, ctx) => {
  const id = await new ClientRecordService(ctx).addGuardian(args.clientId, parseInput(addGuardianInput, args.input));
  return guardianAnswer(ctx, args.clientId, id);
};
