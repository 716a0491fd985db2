import { badInput, isUuid } from '@vartija/kit';
import { asDate, assertOrdered, logAuditorQuery, ownClientId, requireAuditor, yearsBefore } from '../auditor';
import type { QueryResolvers, SensitiveCategory } from '../generated/resolvers-types';

/** How far back the extract reaches by default (DESIGN.md §1: the last 2 years). */
export const REPORT_DEFAULT_YEARS = 2;

export const clientAccessReport: QueryResolvers['clientAccessReport'] = async (_root, args, ctx) => {
  // The query's entry names the client only when it is this organisation's (ownClientId).
  const named = await ownClientId(ctx, args.clientId);
  requireAuditor(ctx, 'clientAccessReport', named);
  if (!isUuid(args.clientId)) throw badInput('clientId', 'must be the id (UUID) of a client');
  const includeEmployees = args.includeEmployees === true;
  const reason = args.reason?.trim() || null;
  if (includeEmployees && !reason) {
    throw badInput('reason', 'state why the employees who used the data must be named (required with includeEmployees: true)');
  }
  const to = asDate(args.to) ?? new Date();
  const from = asDate(args.from) ?? yearsBefore(to, REPORT_DEFAULT_YEARS);
  assertOrdered(from, to);
  logAuditorQuery(ctx, 'clientAccessReport', named, includeEmployees ? `employees named: ${reason}` : reason);

  const rows = await ctx.loaders.store.clientAccess(args.clientId.toLowerCase(), from, to, includeEmployees);
  return {
    clientId: args.clientId,
    from,
    to,
    includesEmployees: includeEmployees,
    totalEntries: rows.reduce((sum, row) => sum + row.entries, 0),
    rows: rows.map((row) => ({
      ...row,
      categories: row.categories as SensitiveCategory[],
      actions: row.actions as never,
      organisation: row.organisationId ? { id: row.organisationId } : null,
      unit: row.unitId ? { id: row.unitId } : null,
    })),
  };
};
