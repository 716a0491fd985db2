import { permissionsOf } from '@vartija/kit';
import type { MeResolvers } from '../generated/resolvers-types';

export const Me: MeResolvers = {
  scopes: (actor) => actor.scopes,
  permissions: (_actor, _args, { ability }) => permissionsOf(ability),
};
