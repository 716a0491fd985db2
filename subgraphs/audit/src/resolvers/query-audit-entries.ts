import { assertCan, badInput, pageSize, toConnection } from '@vartija/kit';
import { cursorOfEntry } from '../audit-store';
import type { QueryResolvers } from '../generated/resolvers-types';

export const auditEntries: QueryResolvers['auditEntries'] = (_root, { filter, first, after }, { ability, loaders }) => {
  assertCan(ability, 'read', 'AuditEntry', {});
  if (filter?.from && filter.to && new Date(filter.from) > new Date(filter.to)) {
    throw badInput('filter.from', 'must not be after filter.to');
  }
  const size = pageSize(first);
  return loaders.store
    .page(filter, size + 1, after)
    .then((rows) => toConnection(rows, size, cursorOfEntry, () => loaders.store.count(filter)));
};
