import type { PaymentCommitmentResolvers } from '../generated/resolvers-types';

export const PaymentCommitment: PaymentCommitmentResolvers = {
  unit: (p) => ({ id: p.unitId }),
  provider: (p) => (p.providerOrganisationId ? { id: p.providerOrganisationId } : null),
  invoices: (p, _args, { loaders }) => loaders.invoices.load(p.id),
};
