import { badInput } from '@vartija/kit';
import { extendDataSubjectRequestInput } from '../data-subject-request-input';
import { DataSubjectRequestService } from '../data-subject-request-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const extendDataSubjectRequest: MutationResolvers['extendDataSubjectRequest'] = async (_root, args, ctx) => {
  // The arguments are top-level: a problem names `reason` or `extendedDueOn`.
  const parsed = extendDataSubjectRequestInput.safeParse({ reason: args.reason, extendedDueOn: args.extendedDueOn });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(issue.path.map(String).join('.'), issue.message);
  }
  const id = await new DataSubjectRequestService(ctx).extend(args.id, parsed.data);
  return (await ctx.loaders.dataSubjectRequest.clear(id).load(id))!;
};
