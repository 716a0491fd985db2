import { assertCan, badInput, conflict, isUuid, notFound } from '@vartija/kit';
import type { MutationResolvers } from '../generated/resolvers-types';
import { ServiceWriteStore } from '../service-write-store';

const today = () => new Date().toISOString().slice(0, 10);

export const endPlacement: MutationResolvers['endPlacement'] = async (_root, { id, endsOn }, ctx) => {
  const { ability, audit, db, loaders } = ctx;
  if (!isUuid(id)) throw notFound('Placement', id);
  return db.transaction(async (tx) => {
    const store = new ServiceWriteStore(tx);
    const current = await store.placement(id, loaders.scope.placement);
    if (!current) throw notFound('Placement', id);
    assertCan({ ability, audit }, 'update', 'Placement', current);
    // A planned end date may still be moved; one already passed is history.
    if (current.endsOn && current.endsOn < today()) throw conflict(`The placement already ended on ${current.endsOn}.`);
    if (endsOn < current.startsOn) throw badInput('endsOn', `must not be before the start, ${current.startsOn}`);
    const ended = (await store.endPlacement(id, endsOn))!;
    audit.recordChange(
      { entityType: 'Placement', entityId: id, clientId: current.clientId, unitId: current.unitId },
      ['endsOn'],
      'UPDATE',
    );
    await audit.flush(tx);
    loaders.placement.clear(id).prime(id, ended);
    return ended;
  });
};
