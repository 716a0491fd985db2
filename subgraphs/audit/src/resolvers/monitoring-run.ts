import type { MonitoringRunResolvers } from '../generated/resolvers-types';

export const MonitoringRun: MonitoringRunResolvers = {
  from: (run) => run.periodFrom,
  to: (run) => run.periodTo,
  startedByName: async (run, _args, ctx) => (await ctx.loaders.actorName.load(run.startedBy))?.name ?? null,
  // Entries the actor no longer reaches (or removed by retention) are left out.
  entries: async (run, _args, ctx) => {
    const rows = await ctx.loaders.entryBySeq.loadMany(run.entrySeqs);
    return rows.filter((row): row is NonNullable<typeof row> & object => row !== null && !(row instanceof Error)) as never;
  },
  reviewedCount: (run, _args, ctx) => ctx.loaders.reviewedCount.load(run.id),
};
