import type { QueryResolvers } from '../generated/resolvers-types';
import { HistoryService } from '../history-service';

export const history: QueryResolvers['history'] = (_root, { entityType, id }, ctx) => new HistoryService(ctx).history(entityType, id);
