import { parseInput } from '@vartija/kit';
import { receiveDataSubjectRequestInput } from '../data-subject-request-input';
import { DataSubjectRequestService } from '../data-subject-request-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const receiveDataSubjectRequest: MutationResolvers['receiveDataSubjectRequest'] = async (_root, args, ctx) => {
  const id = await new DataSubjectRequestService(ctx).receive(parseInput(receiveDataSubjectRequestInput, args.input));
  // Read back under the actor's own read rules, like any query.
  return (await ctx.loaders.dataSubjectRequest.clear(id).load(id))!;
};
