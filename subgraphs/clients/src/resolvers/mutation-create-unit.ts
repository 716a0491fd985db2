import { audited, parseInput } from '@vartija/kit';
import { createUnitInput } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** A unit of the caller's organisation (REGISTRAR). */
export const createUnit: MutationResolvers['createUnit'] = (_root, { input }, ctx) => {
  const values = parseInput(createUnitInput, input);
  return audited(ctx, (w) => new AccessAdminService(w).createUnit(values));
};
