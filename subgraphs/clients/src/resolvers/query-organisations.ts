import { assertCan } from '@vartija/kit';
import { ApiTokenStore } from '../api-token-store';
import type { QueryResolvers } from '../generated/resolvers-types';

/** For whoever may issue its region's partner tokens (the registrar): partners by code, to issue to. */
export const organisations: QueryResolvers['organisations'] = (_root, { kind }, { actor, ability, audit, db }) => {
  assertCan({ ability, audit }, 'create', 'ApiToken', { issuerOrganisationId: actor.organisationId });
  return new ApiTokenStore(db).organisationsFor(actor.organisationId, kind);
};
