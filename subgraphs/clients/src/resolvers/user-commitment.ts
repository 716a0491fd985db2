import type { UserCommitmentResolvers } from '../generated/resolvers-types';

export const UserCommitment: UserCommitmentResolvers = {
  recordedAt: (c) => c.createdAt,
};
