import { isUuid } from '@vartija/kit';
import type { QueryResolvers } from '../generated/resolvers-types';

/** One request under the list's rules: null when unknown or not visible to the actor. */
export const dataSubjectRequest: QueryResolvers['dataSubjectRequest'] = async (_root, { id }, { loaders }) =>
  isUuid(id) ? ((await loaders.dataSubjectRequest.load(id)) ?? null) : null;
