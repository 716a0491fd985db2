import { parseInput } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { careDaysInput } from '../record-input';
import { ServiceRecordService } from '../service-record-service';

export const recordCareDays: MutationResolvers['recordCareDays'] = async (_root, args, ctx) => {
  const days = parseInput(careDaysInput, args.days, 'days');
  const ids = await new ServiceRecordService(ctx).recordCareDays(args.placementId, days);
  // The days recorded, as the caller may read them (in calendar order).
  const rows = await ctx.loaders.careDay.loadMany(ids);
  return rows
    .filter((row): row is Exclude<typeof row, Error | null> => row !== null && !(row instanceof Error))
    .sort((a, b) => a.day.localeCompare(b.day));
};
