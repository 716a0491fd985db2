import type { MutationResolvers } from '../generated/resolvers-types';
import { HandoverService } from '../lifecycle/handover-service';

/** The commissioning unit confirms receipt; the provider's side is removed: see handover-service.ts. */
export const confirmHandover: MutationResolvers['confirmHandover'] = (_root, { id }, ctx) => new HandoverService(ctx).confirm(id);
