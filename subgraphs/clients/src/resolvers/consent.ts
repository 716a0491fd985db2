import type { ConsentResolvers } from '../generated/resolvers-types';

export const Consent: ConsentResolvers = {
  unit: (c, _args, { loaders }) => (c.unitId ? loaders.unit.load(c.unitId) : null),
};
