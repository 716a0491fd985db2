import { assertCan } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { QueryResolvers } from '../generated/resolvers-types';

export const apiTokens: QueryResolvers['apiTokens'] = (_root, { organisationId }, { ability, audit, db }) => {
  assertCan({ ability, audit }, 'read', 'ApiToken', {});
  return new ApiTokenService(db).list(organisationId);
};
