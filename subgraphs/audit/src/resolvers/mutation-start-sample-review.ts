import { asDate } from '../auditor';
import type { MutationResolvers } from '../generated/resolvers-types';
import { ReviewService } from '../review-service';

export const startSampleReview: MutationResolvers['startSampleReview'] = (_root, args, ctx) =>
  new ReviewService(ctx).startSampleReview({ size: args.size, seed: args.seed, from: asDate(args.from)!, to: asDate(args.to)! });
