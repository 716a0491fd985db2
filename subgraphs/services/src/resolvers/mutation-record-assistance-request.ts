import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { recordAssistanceRequestInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordAssistanceRequest: MutationResolvers['recordAssistanceRequest'] = async (_root, args, ctx) => {
  const input = parseInput(recordAssistanceRequestInput, args.input);
  const id = await new ServiceRecordService(ctx).recordAssistanceRequest(input);
  return (await ctx.loaders.assistanceRequest.clear(id).load(id))!;
};
