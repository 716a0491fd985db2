import { assertCan, badInput, conflict, isUuid, notFound } from '@vartija/kit';
import { ClientWriteStore } from '../client-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';

export const endRelationship: MutationResolvers['endRelationship'] = async (_root, { id, endedOn }, ctx) => {
  const { ability, audit, db, loaders } = ctx;
  // Checked before the transaction: the embedded database has one connection, which the transaction holds.
  const found = isUuid(id) ? await new ClientWriteStore(db).relationship(id) : undefined;
  // Only relationships of clients the actor sees exist for it.
  if (!found || !(await loaders.client.load(found.clientId))) throw notFound('ClientRelationship', id);
  assertCan({ ability, audit }, 'update', 'ClientRelationship', found);
  if (endedOn < found.startedOn) throw badInput('endedOn', `must not be before the start, ${found.startedOn}`);
  return db.transaction(async (tx) => {
    const store = new ClientWriteStore(tx);
    const ended = await store.endRelationship(id, endedOn);
    if (!ended) throw conflict(`The relationship has already ended.`);
    audit.recordChange(
      { entityType: 'ClientRelationship', entityId: id, clientId: found.clientId, unitId: found.unitId },
      ['endedOn'],
      'UPDATE',
    );
    await audit.flush(tx);
    return ended;
  });
};
