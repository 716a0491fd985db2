import { cursorCodec, pageSize, toConnection } from '@vartija/kit';
import { assertCanReadIdentityCodes } from './query-client-by-personal-identity-code';
import { cursorOfClient } from '../client-store';
import type { QueryResolvers } from '../generated/resolvers-types';

export const clients: QueryResolvers['clients'] = async (_root, { filter, first, after }, { actor, ability, loaders }) => {
  // A filter on a field is a way to read it: probing identity codes needs the right to read them.
  if (filter?.personalIdentityCode) assertCanReadIdentityCodes(ability);
  const size = pageSize(first);
  // Opaque cursors, valid only for this user, this list and this filter.
  const cursors = cursorCodec({ actorId: actor.id, list: 'clients', filter });
  const rows = await loaders.store.page(filter, loaders.scope.client, size + 1, after ? cursors.decode(after) : null).then(loaders.grants.of('Client'));
  for (const row of rows) loaders.client.prime(row.id, row);
  return toConnection(rows, size, cursorOfClient, () => loaders.store.count(filter, loaders.scope.client), cursors);
};
