import { audited } from '@vartija/kit';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Takes effect within the gateway's grant cache time (GRANT_CACHE_MS). */
export const revokeGrant: MutationResolvers['revokeGrant'] = (_root, { id }, ctx) =>
  audited(ctx, (w) => new AccessAdminService(w).revokeGrant(id));
