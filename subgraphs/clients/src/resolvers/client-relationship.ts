import type { ClientRelationshipResolvers } from '../generated/resolvers-types';

export const ClientRelationship: ClientRelationshipResolvers = {
  unit: (r, _args, { loaders }) => loaders.unit.load(r.unitId),
  responsibleWorkerName: async (r, _args, { loaders }) =>
    r.responsibleWorkerId ? ((await loaders.userName.load(r.responsibleWorkerId))?.displayName ?? null) : null,
};
