import { isUuid } from '@vartija/kit';
import type { QueryResolvers } from '../generated/resolvers-types';

export const client: QueryResolvers['client'] = (_root, { id }, { loaders }) =>
  isUuid(id) ? loaders.client.load(id) : null;
