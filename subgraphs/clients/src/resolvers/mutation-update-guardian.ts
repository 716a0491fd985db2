import { parseInput } from '@vartija/kit';
import { reasonInput, updateGuardianInput } from '../client-record-input';
import { ClientRecordService } from '../client-record-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { guardianAnswer } from './client-record-answers';

export const updateGuardian: MutationResolvers['updateGuardian'] = async (_root, args, ctx) => {
  const input = parseInput(updateGuardianInput, args.input);
  const reason = parseInput(reasonInput, args.reason, 'reason');
  const { id, clientId } = await new ClientRecordService(ctx).updateGuardian(args.id, args.expectedVersion, input, reason);
  return guardianAnswer(ctx, clientId, id);
};
