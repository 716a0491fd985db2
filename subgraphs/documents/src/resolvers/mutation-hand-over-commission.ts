import type { MutationResolvers } from '../generated/resolvers-types';
import { HandoverService } from '../lifecycle/handover-service';

/** Packages the partner's records of a commission for the commissioning region (seed 000): see handover-service.ts. */
export const handOverCommission: MutationResolvers['handOverCommission'] = (_root, { id }, ctx) => new HandoverService(ctx).handOver(id);
