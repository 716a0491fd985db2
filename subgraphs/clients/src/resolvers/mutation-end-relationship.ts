import { assertCan, badInput, conflict, notFound } from '@vartija/kit';
import { ClientWriteStore } from '../client-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';
import { isUuid } from './query-client';

export const endRelationship: MutationResolvers['endRelationship'] = async (_root, { id, endedOn }, ctx) => {
  const { ability, audit, db, loaders } = ctx;
  return db.transaction(async (tx) => {
    const store = new ClientWriteStore(tx);
    const current = isUuid(id) ? await store.relationship(id) : undefined;
    // Only relationships of clients the actor sees exist for it.
    if (!current || !(await loaders.client.load(current.clientId))) throw notFound('ClientRelationship', id);
    assertCan(ability, 'update', 'ClientRelationship', current);
    if (current.endedOn) throw conflict(`The relationship already ended on ${current.endedOn}.`);
    if (endedOn < current.startedOn) throw badInput('endedOn', `must not be before the start, ${current.startedOn}`);
    const ended = (await store.endRelationship(id, endedOn))!;
    audit.recordChange(
      { entityType: 'ClientRelationship', entityId: id, clientId: current.clientId, unitId: current.unitId },
      ['endedOn'],
      'UPDATE',
    );
    await audit.flush(tx);
    return ended;
  });
};
