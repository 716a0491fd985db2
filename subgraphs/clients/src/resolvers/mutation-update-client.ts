import { assertCan, conflict, isUuid, notFound, parseInput } from '@vartija/kit';
import { changedFields } from '../changed-fields';
import { toClientColumns, updateClientInput } from '../client-input';
import { ClientWriteStore } from '../client-write-store';
import type { MutationResolvers } from '../generated/resolvers-types';

export const updateClient: MutationResolvers['updateClient'] = async (_root, args, { ability, audit, db, loaders }) => {
  const current = isUuid(args.id) ? await loaders.client.load(args.id) : null;
  if (!current) throw notFound('Client', args.id);
  const columns = toClientColumns(parseInput(updateClientInput, args.input));
  const relationships = await loaders.relationships.load(current.id);
  assertCan({ ability, audit }, 'update', 'Client', { ...current, unitIds: relationships.map((r) => r.unitId) });
  await db.transaction(async (tx) => {
    const updated = await new ClientWriteStore(tx).updateClient(current.id, args.version, columns);
    if (!updated) {
      throw conflict(`Client was changed by someone else (you had version ${args.version}); reload it and try again.`, {
        currentVersion: current.version,
      });
    }
    audit.recordChange({ entityType: 'Client', entityId: updated.id, clientId: updated.id }, changedFields(columns), 'UPDATE');
    await audit.flush(tx);
  });
  return (await loaders.client.clear(current.id).load(current.id))!;
};
