import { assertCan, badInput, conflict, parseInput } from '@vartija/kit';
import { ClientWriteStore } from '../client-write-store';
import { createClientInput, toClientColumns } from '../client-input';
import { changedFields } from '../changed-fields';
import type { MutationResolvers } from '../generated/resolvers-types';
import { isUniqueViolation } from '../pg-errors';

export const createClient: MutationResolvers['createClient'] = async (_root, args, { actor, ability, audit, db, loaders }) => {
  const { unitId, startedOn, personalIdentityCode, dateOfBirth, ...fields } = parseInput(createClientInput, args.input);
  assertCan({ ability, audit }, 'create', 'Client', { unitId });
  let clientId: string;
  try {
    clientId = await db.transaction(async (tx) => {
      const store = new ClientWriteStore(tx);
      const unit = await store.unit(unitId);
      if (!unit || unit.organisationId !== actor.organisationId) throw badInput('input.unitId', 'is not a unit of your organisation');
      const columns = {
        ...toClientColumns(fields),
        personalIdentityCode: personalIdentityCode ?? null,
        dateOfBirth: dateOfBirth ?? null,
        organisationId: unit.organisationId,
      };
      const client = await store.insertClient(columns as Parameters<ClientWriteStore['insertClient']>[0]);
      const relationship = await store.insertRelationship({
        clientId: client.id,
        unitId,
        serviceTask: unit.serviceTask,
        startedOn: startedOn ?? new Date().toISOString().slice(0, 10),
        responsibleWorkerId: actor.kind === 'USER' ? actor.id : null,
      });
      const target = { clientId: client.id, unitId };
      audit.recordChange({ ...target, entityType: 'Client', entityId: client.id }, changedFields(columns), 'CREATE');
      audit.recordChange({ ...target, entityType: 'ClientRelationship', entityId: relationship.id }, ['unit', 'startedOn'], 'CREATE');
      await audit.flush(tx);
      return client.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('A client with this personal identity code is already registered.');
    throw error;
  }
  // Read back through the actor's scope, with the attributes the field rules need.
  return (await loaders.client.load(clientId))!;
};
