import { ClientService } from '../client-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const setAddressNonDisclosure: MutationResolvers['setAddressNonDisclosure'] = async (_root, args, ctx) => {
  const id = await new ClientService(ctx).setAddressNonDisclosure(args.clientId, args.addressNonDisclosure);
  return (await ctx.loaders.client.clear(id).load(id)) ?? null;
};
