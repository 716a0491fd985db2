import { recordRefusedReference } from '../client-channels';
import type { ClientResolvers } from '../generated/resolvers-types';

export const Client: ClientResolvers = {
  __resolveReference: async (ref, ctx) => {
    const client = await ctx.loaders.client.load(ref.id);
    if (!client) await recordRefusedReference(ctx, ref.id);
    return client;
  },
  displayName: (c) => c.pseudonym ?? [c.firstName, c.lastName].filter(Boolean).join(' '),
  address: (c) => ({ street: c.streetAddress, postalCode: c.postalCode, postOffice: c.postOffice }),
  // Guardians are part of the client: readable under the grants the client is visible through.
  guardians: async (c, _args, { loaders }) => loaders.grants.inherit(c, await loaders.guardians.load(c.id)),
  relationships: (c, _args, { loaders }) => loaders.relationships.load(c.id),
  commissions: (c, _args, { loaders }) => loaders.commissions.load(c.id),
  consents: (c, _args, { loaders }) => loaders.consents.load(c.id),
};
