import { audited, parseInput } from '@vartija/kit';
import { createUserInput } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** A user of the caller's organisation, without grants (REGISTRAR). */
export const createUser: MutationResolvers['createUser'] = (_root, { input }, ctx) => {
  const values = parseInput(createUserInput, input);
  return audited(ctx, (w) => new AccessAdminService(w).createUser(values));
};
