import { auditLogTarget, logAuditorQuery } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';
import { firstWithin, periodOf, QUEUE_DEFAULT_DAYS, QUEUE_MAX_ITEMS } from '../monitoring-input';
import { authorizeMonitoring } from '../monitoring-policy';
import { whyInQueue } from '../queue-why';

export const reviewQueue: QueryResolvers['reviewQueue'] = async (_root, args, ctx) => {
  const { kind } = args;
  authorizeMonitoring(ctx, 'read', 'AuditReviewQueue', { kind }, { target: auditLogTarget('reviewQueue', null), action: 'READ' },
    kind === 'DENIED'
      ? "the organisation's data protection officer (AUDITOR) or registrar reads the queue of refused attempts"
      : "the organisation's data protection officer (AUDITOR) reads the review queues (the registrar only the DENIED queue)");
  const period = periodOf(args.from, args.to, ctx.now(), QUEUE_DEFAULT_DAYS);
  const first = firstWithin(args.first, 50, QUEUE_MAX_ITEMS);
  logAuditorQuery(ctx, 'reviewQueue', null, `queue ${kind} ${period.from.toISOString()}–${period.to.toISOString()}`);
  const hits = await ctx.loaders.monitoring.queue(kind, period, args.includeReviewed === true, first);
  const entries = await ctx.loaders.entryBySeq.loadMany(hits.map((h) => h.seq));
  return hits.flatMap((hit, i) => {
    const entry = entries[i];
    if (!entry || entry instanceof Error) return [];
    return [{ entry, reviewed: hit.reviewed, why: whyInQueue(kind, entry, hit) }];
  });
};
