import { badInput, cursorCodec, pageSize, toConnection } from '@vartija/kit';
import { cursorOfEntry } from '../audit-store';
import { asDate, logAuditorQuery, ownClientId, requireAuditor } from '../auditor';
import type { QueryResolvers } from '../generated/resolvers-types';

export const auditEntries: QueryResolvers['auditEntries'] = async (_root, { filter, first, after }, ctx) => {
  // The query's entry names the client only when it is this organisation's (ownClientId).
  const named = await ownClientId(ctx, filter?.clientId);
  requireAuditor(ctx, 'auditEntries', named);
  // filter.clientId and filter.unitId arrive as UUIDs (kit argument guard).
  if (filter?.from && filter.to && asDate(filter.from)! > asDate(filter.to)!) {
    throw badInput('filter.from', 'must not be after filter.to');
  }
  const size = pageSize(first);
  // Opaque cursors, valid only for this auditor and this filter.
  const cursors = cursorCodec({ actorId: ctx.actor.id, list: 'auditEntries', filter });
  const position = after ? cursors.decode(after) : null;
  logAuditorQuery(ctx, 'auditEntries', named);
  const { loaders } = ctx;
  return loaders.store
    .page(filter, size + 1, position)
    .then((rows) => toConnection(rows, size, cursorOfEntry, () => loaders.store.count(filter), cursors));
};
