import type { QueryResolvers } from '../generated/resolvers-types';

export const units: QueryResolvers['units'] = (_root, _args, { actor, loaders }) =>
  loaders.store.unitsOfOrganisation(actor.organisationId);
