import { type AuditTarget, type ChannelFields, cursorCodec, pageSize, ReadChannel, toConnection, todayInFinland } from '@vartija/kit';
import { DataSubjectRequestStore, type DataSubjectRequestListFilter } from '../data-subject-request-store';
import type { QueryResolvers } from '../generated/resolvers-types';

/** The request fields each filter reads (policy v2 channels): kind, status and overdue are case record. */
const CHANNELS: ChannelFields = { kind: ['kind'], status: ['status'], overdue: ['overdue'] };
/** The list is sorted by the applying due date: every request of it reads that. */
const SORT = ['dueOn', 'extendedDueOn'];

const target = (row: Record<string, unknown>): AuditTarget => ({
  entityType: 'DataSubjectRequest',
  entityId: row['id'] as string,
  clientId: row['clientId'] as string,
  unitId: row['unitId'] as string,
});

/**
 * Data-subject requests the actor may see (row scope: a unit's staff their unit's, the DPO and the
 * registrar their organisation's), the earliest applying due date first. Cursors are keyset positions
 * (due date, id), sealed for this user and filter. A filter on a request's kind, status or overdue reads
 * those fields: only requests whose fields the actor may read are matched, and each match is logged (also
 * when only ids or the count go out); a client look-up that finds nothing the actor may see is logged DENIED.
 */
export const dataSubjectRequests: QueryResolvers['dataSubjectRequests'] = async (_root, { filter, first, after }, ctx) => {
  const { actor, db, grants, loaders } = ctx;
  // filter.unitId and filter.clientId arrive as UUIDs in lower case (kit argument guard).
  // `overdue: false` filters too (only those not overdue): a used argument, whatever its value.
  const channel = new ReadChannel(ctx, 'DataSubjectRequest', CHANNELS, { ...filter, overdue: filter?.overdue == null ? null : 'used' }, SORT);
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
  const scope = channel.where().rows;
  const rows = await store.page(values, scope, size + 1, after ? cursors.decode(after) : null).then(grants.of('DataSubjectRequest'));
  channel.recordMatches(rows.slice(0, size), target);
  // A client named that the actor may not see, and none of whose requests it may see either (the DPO sees
  // the requests of archived clients it does not otherwise see: naming one is no refused look-up).
  const clientId = values.clientId;
  if (
    clientId &&
    rows.length === 0 &&
    !after &&
    !(await loaders.visibleClient.load(clientId)) &&
    (await store.count({ ...values, status: null, kind: null, unitId: null, overdue: null, clientId }, loaders.scope.dataSubjectRequest)) === 0 &&
    (await loaders.ownClient.load(clientId))
  ) {
    ctx.audit.deny({ entityType: 'Client', entityId: clientId, clientId }, null, 'READ', 'look-up of a client not visible to the actor');
  }
  const totalCount = async () => {
    if (!channel.filtered) return store.count(values, scope);
    // A filtered count is a use of every matched request's fields: each is logged.
    const matched = await store.matching(values, scope).then(grants.of('DataSubjectRequest'));
    channel.recordMatches(matched, target);
    return matched.length;
  };
  return toConnection(rows, size, (r) => ({ key: r.extendedDueOn ?? r.dueOn, id: r.id }), totalCount, cursors);
};
