import type { RestrictionResolvers } from '../generated/resolvers-types';

export const Restriction: RestrictionResolvers = {
  unit: (r) => ({ id: r.unitId }),
};
