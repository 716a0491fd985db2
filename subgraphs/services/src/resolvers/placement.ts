import type { PlacementResolvers } from '../generated/resolvers-types';

export const Placement: PlacementResolvers = {
  unit: (p) => ({ id: p.unitId }),
  provider: (p) => (p.providerOrganisationId ? { id: p.providerOrganisationId } : null),
  careDays: (p, _args, { loaders }) => loaders.careDays.load(p.id),
};
