import type { QueryResolvers } from '../generated/resolvers-types';
import { RetentionService } from '../lifecycle/retention-service';

/** The organisation's retention classes and disposal schedule (issue 13 item 1): see lifecycle/retention-service.ts. */
export const retentionConfiguration: QueryResolvers['retentionConfiguration'] = (_root, _args, ctx) => new RetentionService(ctx).configuration();
