import { cursorCodec, pageSize, toConnection } from '@vartija/kit';
import { CLIENT_SORT, clientChannel, clientTarget, listScope, normaliseCode, recordRefusedLookup } from '../client-channels';
import { cursorOfClient } from '../client-store';
import type { QueryResolvers } from '../generated/resolvers-types';

export const clients: QueryResolvers['clients'] = async (_root, { filter, first, after }, ctx) => {
  const { actor, loaders } = ctx;
  // Filters and the sort read fields: only rows whose fields the actor may read are selected or counted.
  const channel = clientChannel(ctx, filter, CLIENT_SORT);
  const scope = await listScope(ctx, channel, filter?.personalIdentityCode);
  const size = pageSize(first);
  // Opaque cursors, valid only for this user, this list and this filter.
  const cursors = cursorCodec({ actorId: actor.id, list: 'clients', filter });
  const rows = await loaders.store.page(filter, scope, size + 1, after ? cursors.decode(after) : null).then(loaders.grants.of('Client'));
  for (const row of rows) loaders.client.prime(row.id, row);
  channel.recordMatches(rows.slice(0, size), clientTarget);
  // A code that matched nothing the actor may read: a refused look-up of the clients that bear it.
  if (filter?.personalIdentityCode && rows.length === 0 && !after) {
    await recordRefusedLookup(ctx, { code: normaliseCode(filter.personalIdentityCode) }, 'personalIdentityCode', 'PERSONAL_ID');
  }
  const totalCount = async () => {
    if (!channel.filtered) return loaders.store.count(filter, scope);
    // A filtered count is a use of every matched client's data: each is logged.
    const matched = await loaders.store.matching(filter, scope).then(loaders.grants.of('Client'));
    channel.recordMatches(matched, clientTarget);
    return matched.length;
  };
  return toConnection(rows, size, cursorOfClient, totalCount, cursors);
};
