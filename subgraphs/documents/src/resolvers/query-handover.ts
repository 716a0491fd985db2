import type { QueryResolvers } from '../generated/resolvers-types';
import { HandoverService } from '../lifecycle/handover-service';

/** A handover package: the packaging partner or the receiving unit's staff; null when unknown or not visible. */
export const handover: QueryResolvers['handover'] = (_root, { id }, ctx) => new HandoverService(ctx).read(id);
