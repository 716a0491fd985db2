import { audited } from '@vartija/kit';
import { parseArgs, recordCommitmentInput } from '../access-admin-input';
import { AccessAdminService } from '../access-admin-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Käyttö- ja vaitiolositoumus: from its signing day on, the user's grants take effect. */
export const recordUserCommitment: MutationResolvers['recordUserCommitment'] = (_root, args, ctx) => {
  const values = parseArgs(recordCommitmentInput, args);
  return audited(ctx, (w) => new AccessAdminService(w).recordCommitment(values));
};
