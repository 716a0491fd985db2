import type { QueryResolvers } from '../generated/resolvers-types';
import { StatisticsService } from '../lifecycle/statistics-service';

/** A statistics report without identifiers (issue 13 item 4): see lifecycle/statistics-service.ts. */
export const statistics: QueryResolvers['statistics'] = (_root, { report, from, to }, ctx) => new StatisticsService(ctx).report(report, from, to);
