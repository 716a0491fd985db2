import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.client.load(ref.id),
  displayName: (c) => c.pseudonym ?? [c.firstName, c.lastName].filter(Boolean).join(' '),
  address: (c) => ({ street: c.streetAddress, postalCode: c.postalCode, postOffice: c.postOffice }),
  // Guardians are part of the client: readable under the grants the client is visible through.
  guardians: async (c, _args, { loaders }) => loaders.grants.inherit(c, await loaders.guardians.load(c.id)),
  relationships: (c, _args, { loaders }) => loaders.relationships.load(c.id),
  commissions: (c, _args, { loaders }) => loaders.commissions.load(c.id),
  consents: (c, _args, { loaders }) => loaders.consents.load(c.id),
};
