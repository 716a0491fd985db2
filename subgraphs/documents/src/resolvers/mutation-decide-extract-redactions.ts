import { parseInput } from '@vartija/kit';
import { extractRedactionsInput } from '../extract-input';
import { ExtractService } from '../extract-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Redaction decisions of the extract answering an ACCESS request (issue 12 item 4): see extract-service.ts. */
export const decideExtractRedactions: MutationResolvers['decideExtractRedactions'] = (_root, args, ctx) =>
  new ExtractService(ctx).decideRedactions(args.requestId, parseInput(extractRedactionsInput, args.redactions, 'redactions'));
