import { parseInput } from '@vartija/kit';
import { ClientService } from '../client-service';
import { updateClientInput } from '../client-input';
import type { MutationResolvers } from '../generated/resolvers-types';

export const updateClient: MutationResolvers['updateClient'] = async (_root, args, ctx) => {
  const id = await new ClientService(ctx).updateClient(args.id, args.version, parseInput(updateClientInput, args.input));
  return (await ctx.loaders.client.clear(id).load(id)) ?? null;
};
