import { parseInput } from '@vartija/kit';
import { ClientService } from '../client-service';
import { updateClientInput } from '../client-input';
import { reasonInput } from '../client-record-input';
import type { MutationResolvers } from '../generated/resolvers-types';

export const updateClient: MutationResolvers['updateClient'] = async (_root, args, ctx) => {
  const input = parseInput(updateClientInput, args.input);
  const reason = args.reason == null ? null : parseInput(reasonInput, args.reason, 'reason');
  const id = await new ClientService(ctx).updateClient(args.id, args.version, input, reason);
  return (await ctx.loaders.client.clear(id).load(id)) ?? null;
};
