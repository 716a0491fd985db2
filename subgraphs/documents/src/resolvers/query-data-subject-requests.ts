import { badInput, cursorCodec, isUuid, pageSize, toConnection, todayInFinland } from '@vartija/kit';
import { DataSubjectRequestStore, type DataSubjectRequestListFilter } from '../data-subject-request-store';
import type { QueryResolvers } from '../generated/resolvers-types';

/**
 * Data-subject requests the actor may see (row scope: a unit's staff their unit's, the DPO and the
 * registrar their organisation's), the earliest applying due date first. Cursors are keyset positions
 * (due date, id), sealed for this user and filter.
 */
export const dataSubjectRequests: QueryResolvers['dataSubjectRequests'] = async (_root, { filter, first, after }, { actor, db, grants, loaders }) => {
  for (const field of ['unitId', 'clientId'] as const) {
    const value = filter?.[field];
    if (value != null && !isUuid(value)) throw badInput(`filter.${field}`, 'must be an id');
  }
  const size = pageSize(first);
  const cursors = cursorCodec({ actorId: actor.id, list: 'dataSubjectRequests', filter });
  const values: DataSubjectRequestListFilter = {
    status: filter?.status ?? null,
    kind: filter?.kind ?? null,
    unitId: filter?.unitId ?? null,
    clientId: filter?.clientId ?? null,
    overdue: filter?.overdue ?? null,
    today: todayInFinland(),
  };
  const store = new DataSubjectRequestStore(db);
  const scope = loaders.scope.dataSubjectRequest;
  const rows = await store.page(values, scope, size + 1, after ? cursors.decode(after) : null).then(grants.of('DataSubjectRequest'));
  return toConnection(rows, size, (r) => ({ key: r.extendedDueOn ?? r.dueOn, id: r.id }), () => store.count(values, scope), cursors);
};
