import type { GrantResolvers } from '../generated/resolvers-types';

/** `me.grants` are the actor's grants as the gateway read them; access administration answers rows of access.grants. */
export const Grant: GrantResolvers = {
  unit: (g, _args, { loaders }) => (g.unitId ? loaders.unit.load(g.unitId) : null),
  userId: (g, _args, { actor }) => ('userId' in g ? g.userId : actor.id),
  revokedAt: (g) => ('revokedAt' in g ? g.revokedAt : null),
};
