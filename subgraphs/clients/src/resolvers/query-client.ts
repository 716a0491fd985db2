import { isUuid } from '@vartija/kit';
import { recordRefusedLookup } from '../client-channels';
import type { QueryResolvers } from '../generated/resolvers-types';

export const client: QueryResolvers['client'] = async (_root, { id }, ctx) => {
  const found = isUuid(id) ? await ctx.loaders.client.load(id) : null;
  // Invisible and unknown answer the same; a refused look-up of an existing client is logged.
  if (!found && isUuid(id)) await recordRefusedLookup(ctx, { id }, 'id', 'IDENTITY');
  return found;
};
