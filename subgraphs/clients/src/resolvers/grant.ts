import type { GrantResolvers } from '../generated/resolvers-types';

export const Grant: GrantResolvers = {
  unit: (g, _args, { loaders }) => (g.unitId ? loaders.unit.load(g.unitId) : null),
};
