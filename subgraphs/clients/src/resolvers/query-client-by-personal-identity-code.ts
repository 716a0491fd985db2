import { type AppAbility, forbidden } from '@vartija/kit';
import type { QueryResolvers } from '../generated/resolvers-types';

/** Looking a client up by henkilötunnus reveals it: only for those who may read identity codes. */
export function assertCanReadIdentityCodes(ability: AppAbility): void {
  if (!ability.can('read', 'Client', 'personalIdentityCode')) {
    throw forbidden('Not allowed to search by personal identity code');
  }
}

export const clientByPersonalIdentityCode: QueryResolvers['clientByPersonalIdentityCode'] = async (
  _root,
  { code },
  { ability, loaders },
) => {
  assertCanReadIdentityCodes(ability);
  return (await loaders.store.byPersonalIdentityCode(code.trim().toUpperCase(), loaders.scope.client)) ?? null;
};
