import { hasCommitment } from '../access-admin-store';
import type { UserResolvers } from '../generated/resolvers-types';

/** Users are staff, not clients: no field is sensitive. Grants shown are those the caller administers. */
export const User: UserResolvers = {
  organisation: async (u, _args, { loaders }) => (await loaders.organisation.load(u.organisationId))!,
  hasCommitment: async (u, _args, { loaders }) => hasCommitment(await loaders.userCommitments.load(u.id)),
  commitments: (u, _args, { loaders }) => loaders.userCommitments.load(u.id),
  grants: (u, _args, { loaders }) => loaders.userGrants.load(u.id),
};
