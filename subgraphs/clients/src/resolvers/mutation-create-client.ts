import { parseInput } from '@vartija/kit';
import { ClientService } from '../client-service';
import { createClientInput } from '../client-input';
import type { MutationResolvers } from '../generated/resolvers-types';

/** A new client, or the intake of a person already registered: see ClientService.createClient. */
export const createClient: MutationResolvers['createClient'] = async (_root, args, ctx) => {
  const { unitId, startedOn, personalIdentityCode, dateOfBirth, ...fields } = parseInput(createClientInput, args.input);
  const id = await new ClientService(ctx).createClient({ unitId, startedOn, personalIdentityCode, dateOfBirth, fields });
  // Read back through the actor's own read rules, like any query.
  return (await ctx.loaders.client.clear(id).load(id))!;
};
