import type { DecisionResolvers } from '../generated/resolvers-types';

export const Decision: DecisionResolvers = {
  unit: (d) => ({ id: d.unitId }),
};
