import { parseInput } from '@vartija/kit';
import { recordDocumentInput } from '../document-input';
import { DocumentService } from '../document-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const recordDocument: MutationResolvers['recordDocument'] = async (_root, args, ctx) => {
  const id = await new DocumentService(ctx).recordDocument(parseInput(recordDocumentInput, args.input));
  // Read back under the actor's own read rules, like any query.
  return (await ctx.loaders.document.clear(id).load(id))!;
};
