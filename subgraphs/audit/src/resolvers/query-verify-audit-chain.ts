import { asDate, assertOrdered, logAuditorQuery, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';

export const verifyAuditChain: QueryResolvers['verifyAuditChain'] = async (_root, args, ctx) => {
  requireAuditor(ctx, 'verifyAuditChain');
  const from = asDate(args.from);
  const to = asDate(args.to);
  assertOrdered(from, to);
  logAuditorQuery(ctx, 'verifyAuditChain');
  return ctx.loaders.store.verifyChain({ from, to }, undefined, ctx.loaders.checkpoints);
};
