import { parseInput } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { recordDocumentInput } from '../document-input';
import { DocumentService } from '../document-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const recordDocument: MutationResolvers['recordDocument'] = async (_root, args, ctx) => {
  const id = await new DocumentService(ctx).recordDocument(parseInput(recordDocumentInput, args.input));
  // Read back under the actor's own read rules, like any query. A partner may write a REPORT under a
  // commission that does not let it read documents (partnerScopes without documents:read): the answer is
  // then the new document with no readable field (`via: []`: fail closed), not an error after the write.
  const visible = await ctx.loaders.document.clear(id).load(id);
  if (visible) return visible;
  const [written] = await ctx.loaders.store.documentsByIds([id], sql`TRUE`);
  return { ...written!, via: [] };
};
