import { assertCan } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const revokeApiToken: MutationResolvers['revokeApiToken'] = async (_root, { id }, { ability, audit, db }) => {
  assertCan({ ability, audit }, 'update', 'ApiToken', { id });
  const revoked = await new ApiTokenService(db).revoke(id);
  audit.recordChange({ entityType: 'ApiToken', entityId: id, clientId: null }, [], 'UPDATE');
  return revoked;
};
