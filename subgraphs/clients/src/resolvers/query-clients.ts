import { pageSize, toConnection } from '@vartija/kit';
import { cursorOfClient } from '../client-store';
import type { QueryResolvers } from '../generated/resolvers-types';

export const clients: QueryResolvers['clients'] = async (_root, { filter, first, after }, { loaders }) => {
  const size = pageSize(first);
  const rows = await loaders.store.page(filter, loaders.scope.client, size + 1, after);
  for (const row of rows) loaders.client.prime(row.id, row);
  return toConnection(rows, size, cursorOfClient, () => loaders.store.count(filter, loaders.scope.client));
};
