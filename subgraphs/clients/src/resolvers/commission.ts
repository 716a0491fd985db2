import type { CommissionResolvers } from '../generated/resolvers-types';

export const Commission: CommissionResolvers = {
  partner: (c, _args, { loaders }) => loaders.organisation.load(c.partnerOrganisationId),
  commissionerUnit: (c, _args, { loaders }) => loaders.unit.load(c.commissionerUnitId),
};
