import type { MutationResolvers } from '../generated/resolvers-types';
import { ReviewService } from '../review-service';

export const markReviewed: MutationResolvers['markReviewed'] = (_root, args, ctx) =>
  new ReviewService(ctx).markReviewed(args.entryId, args.note, args.monitoringRunId);
