import type { QueryResolvers } from '../generated/resolvers-types';
import { DisposalService } from '../lifecycle/disposal-service';

/** The organisation's disposal runs, newest first (issue 13 item 2): see lifecycle/disposal-service.ts. */
export const disposalRuns: QueryResolvers['disposalRuns'] = (_root, { first }, ctx) => new DisposalService(ctx).runs(first);
