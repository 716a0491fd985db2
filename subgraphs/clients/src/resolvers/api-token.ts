import type { ApiTokenResolvers } from '../generated/resolvers-types';

export const ApiToken: ApiTokenResolvers = {
  organisation: async (t, _args, { loaders }) => (await loaders.organisation.load(t.organisationId))!,
  prefix: (t) => t.tokenPrefix,
};
