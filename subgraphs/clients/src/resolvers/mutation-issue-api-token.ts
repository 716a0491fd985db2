import { assertCan } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const issueApiToken: MutationResolvers['issueApiToken'] = async (_root, { input }, { actor, ability, audit, db }) => {
  assertCan({ ability, audit }, 'create', 'ApiToken', {});
  const issued = await new ApiTokenService(db).issue(input, actor.kind === 'USER' ? actor.id : null);
  audit.recordChange({ entityType: 'ApiToken', entityId: issued.apiToken.id, clientId: null }, [], 'CREATE');
  return issued;
};
