import type { AssistanceRequestResolvers } from '../generated/resolvers-types';

export const AssistanceRequest: AssistanceRequestResolvers = {
  unit: (a) => ({ id: a.unitId }),
};
