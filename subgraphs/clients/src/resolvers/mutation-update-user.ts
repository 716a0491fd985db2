import { audited, parseInput } from '@vartija/kit';
import { parseArgs, reasonInput, updateUserInput, withoutNulls } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Name, OIDC subject mapping, active; what it replaces stays in history.revisions (entityType User). */
export const updateUser: MutationResolvers['updateUser'] = (_root, args, ctx) => {
  // null means "leave as is" except for the OIDC mapping, where it removes the mapping.
  const values = parseInput(updateUserInput, withoutNulls(args.input, ['externalSubject']));
  const reason = parseArgs(reasonInput, args.reason);
  return audited(ctx, (w) => new AccessAdminService(w).updateUser(args.id, args.version, values, reason));
};
