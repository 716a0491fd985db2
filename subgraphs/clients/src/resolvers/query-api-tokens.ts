import { assertCan, rowScope } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { QueryResolvers } from '../generated/resolvers-types';

/** The registrar's own region's tokens only (policy: ApiToken by issuer). */
export const apiTokens: QueryResolvers['apiTokens'] = (_root, { organisationId }, { actor, ability, audit, db }) => {
  assertCan({ ability, audit }, 'read', 'ApiToken', { issuerOrganisationId: actor.organisationId });
  return new ApiTokenService(db).list(organisationId, rowScope(ability, 'ApiToken'));
};
