import { badInput } from '@vartija/kit';
import { asDate, assertOrdered, logAuditorQuery, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';

export const MAX_SAMPLE_SIZE = 1000;

export const auditSample: QueryResolvers['auditSample'] = async (_root, args, ctx) => {
  const { size, seed } = args;
  requireAuditor(ctx, 'auditSample');
  if (!Number.isInteger(size) || size < 1 || size > MAX_SAMPLE_SIZE) {
    throw badInput('size', `must be between 1 and ${MAX_SAMPLE_SIZE}`);
  }
  const from = asDate(args.from);
  const to = asDate(args.to);
  assertOrdered(from, to);
  logAuditorQuery(ctx, 'auditSample', null, `size ${size}, seed ${seed}`);
  return ctx.loaders.store.sample(size, seed, { from, to });
};
