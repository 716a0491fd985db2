import { assertCan, badInput, isUuid, notFound } from '@vartija/kit';
import { ClientWriteStore } from '../client-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';

export const openRelationship: MutationResolvers['openRelationship'] = async (_root, { input }, ctx) => {
  const { actor, ability, audit, db, loaders } = ctx;
  const client = isUuid(input.clientId) ? await loaders.client.load(input.clientId) : null;
  if (!client) throw notFound('Client', input.clientId);
  if (!isUuid(input.unitId)) throw badInput('input.unitId', 'must be the id of a unit');
  assertCan({ ability, audit }, 'create', 'ClientRelationship', { unitId: input.unitId });
  return db.transaction(async (tx) => {
    const store = new ClientWriteStore(tx);
    const unit = await store.unit(input.unitId);
    if (!unit || unit.organisationId !== actor.organisationId) throw badInput('input.unitId', 'is not a unit of your organisation');
    const relationship = await store.insertRelationship({
      clientId: client.id,
      unitId: unit.id,
      serviceTask: unit.serviceTask,
      startedOn: input.startedOn ?? new Date().toISOString().slice(0, 10),
      responsibleWorkerId: input.responsibleWorkerId ?? (actor.kind === 'USER' ? actor.id : null),
    });
    audit.recordChange(
      { entityType: 'ClientRelationship', entityId: relationship.id, clientId: client.id, unitId: unit.id },
      ['unit', 'startedOn', 'responsibleWorkerName'],
      'CREATE',
    );
    await audit.flush(tx);
    return relationship;
  });
};
