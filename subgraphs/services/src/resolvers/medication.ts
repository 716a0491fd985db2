import type { MedicationResolvers } from '../generated/resolvers-types';

export const Medication: MedicationResolvers = {
  unit: (m) => ({ id: m.unitId }),
};
