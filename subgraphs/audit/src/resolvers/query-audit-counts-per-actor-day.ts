import { badInput } from '@vartija/kit';
import { asDate, assertOrdered, DAY_MS, logAuditorQuery, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';

export const COUNTS_DEFAULT_DAYS = 30;
export const COUNTS_MAX_DAYS = 366;
export const COUNTS_MAX_ROWS = 1000;

export const auditCountsPerActorDay: QueryResolvers['auditCountsPerActorDay'] = async (_root, args, ctx) => {
  requireAuditor(ctx, 'auditCountsPerActorDay');
  const to = asDate(args.to) ?? new Date();
  const from = asDate(args.from) ?? new Date(to.getTime() - COUNTS_DEFAULT_DAYS * DAY_MS);
  assertOrdered(from, to);
  if (to.getTime() - from.getTime() > COUNTS_MAX_DAYS * DAY_MS) {
    throw badInput('from', `the range may span at most ${COUNTS_MAX_DAYS} days; ask for it in parts`);
  }
  const minCount = args.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) throw badInput('minCount', 'must be 1 or more');
  const first = args.first ?? 100;
  if (!Number.isInteger(first) || first < 1 || first > COUNTS_MAX_ROWS) {
    throw badInput('first', `must be between 1 and ${COUNTS_MAX_ROWS}`);
  }
  logAuditorQuery(ctx, 'auditCountsPerActorDay');
  return ctx.loaders.store.countsPerActorDay(from, to, minCount, first);
};
