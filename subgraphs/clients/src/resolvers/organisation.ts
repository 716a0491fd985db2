import type { OrganisationResolvers } from '../generated/resolvers-types';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.organisation.load(ref.id),
};
