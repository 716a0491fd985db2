import { parseInput } from '@vartija/kit';
import { decideDataSubjectRequestInput } from '../data-subject-request-input';
import { DataSubjectRequestService } from '../data-subject-request-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const decideDataSubjectRequest: MutationResolvers['decideDataSubjectRequest'] = async (_root, args, ctx) => {
  const id = await new DataSubjectRequestService(ctx).decide(args.id, parseInput(decideDataSubjectRequestInput, args.input));
  // Read back under the actor's own read rules: a decider who may not read the answer gets it null.
  return (await ctx.loaders.dataSubjectRequest.clear(id).load(id))!;
};
