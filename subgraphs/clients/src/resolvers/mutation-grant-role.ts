import { audited } from '@vartija/kit';
import { grantRoleInput, parseArgs } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Effective once the user's commitment is recorded (the gateway reads only such users' grants). */
export const grantRole: MutationResolvers['grantRole'] = (_root, args, ctx) => {
  const values = parseArgs(grantRoleInput, args);
  return audited(ctx, (w) => new AccessAdminService(w).grantRole(values));
};
