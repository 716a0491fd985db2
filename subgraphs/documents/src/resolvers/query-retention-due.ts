import type { QueryResolvers } from '../generated/resolvers-types';
import { RetentionService } from '../lifecycle/retention-service';

/** What a disposal run at `asOf` would remove, and why (issue 13 item 2): see lifecycle/retention-service.ts. */
export const retentionDue: QueryResolvers['retentionDue'] = (_root, { asOf }, ctx) => new RetentionService(ctx).due(asOf);
