import { parseInput } from '@vartija/kit';
import { correctDocumentInput, expectedRevision } from '../document-input';
import { DocumentService } from '../document-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const correctDocument: MutationResolvers['correctDocument'] = async (_root, args, ctx) => {
  const revision = parseInput(expectedRevision, args.expectedRevision, 'expectedRevision');
  const id = await new DocumentService(ctx).correctDocument(args.id, revision, parseInput(correctDocumentInput, args.input));
  ctx.loaders.revisions.clear(id);
  return (await ctx.loaders.document.clear(id).load(id))!;
};
