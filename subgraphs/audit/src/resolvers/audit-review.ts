import type { AuditReviewResolvers } from '../generated/resolvers-types';

export const AuditReview: AuditReviewResolvers = {
  entryId: (r) => String(r.entrySeq),
  reviewerName: async (r, _args, ctx) => (await ctx.loaders.actorName.load(r.reviewerId))?.name ?? null,
};
