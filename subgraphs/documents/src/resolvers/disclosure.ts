import type { DisclosureResolvers } from '../generated/resolvers-types';

export const Disclosure: DisclosureResolvers = {
  unit: (d) => ({ id: d.unitId }),
  recipientOrganisation: (d) => (d.recipientOrganisationId ? { id: d.recipientOrganisationId } : null),
  disclosedByName: async (d, _args, { loaders }) => (d.disclosedBy ? ((await loaders.userName.load(d.disclosedBy))?.displayName ?? null) : null),
  documents: (d, _args, { loaders }) => loaders.disclosureDocuments.load(d.id),
};
