import { parseInput } from '@vartija/kit';
import { recordDisclosureInput } from '../disclosure-input';
import { DisclosureService } from '../disclosure-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const recordDisclosure: MutationResolvers['recordDisclosure'] = async (_root, args, ctx) => {
  const id = await new DisclosureService(ctx).recordDisclosure(parseInput(recordDisclosureInput, args.input));
  // Read back under the actor's own read rules, like any query.
  return (await ctx.loaders.disclosure.clear(id).load(id))!;
};
