import type { QueryResolvers } from '../generated/resolvers-types';

export const clientByPersonalIdentityCode: QueryResolvers['clientByPersonalIdentityCode'] = async (
  _root,
  { code },
  { loaders },
) => (await loaders.store.byPersonalIdentityCode(code.trim().toUpperCase(), loaders.scope.client)) ?? null;
