import type { MutationResolvers } from '../generated/resolvers-types';
import { ServiceRecordService } from '../service-record-service';

export const endPlacement: MutationResolvers['endPlacement'] = async (_root, { id, endsOn }, ctx) => {
  await new ServiceRecordService(ctx).endPlacement(id, endsOn);
  return (await ctx.loaders.placement.clear(id).load(id))!;
};
