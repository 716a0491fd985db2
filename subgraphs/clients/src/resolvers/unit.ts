import type { UnitResolvers } from '../generated/resolvers-types';

export const Unit: UnitResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.unit.load(ref.id),
  organisation: async (u, _args, { loaders }) => (await loaders.organisation.load(u.organisationId))!,
};
