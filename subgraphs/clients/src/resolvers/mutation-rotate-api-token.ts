import { assertCan } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const rotateApiToken: MutationResolvers['rotateApiToken'] = async (_root, { id, overlapHours }, ctx) => {
  const { actor, ability, audit, db } = ctx;
  assertCan({ ability, audit }, 'update', 'ApiToken', { id });
  const issued = await new ApiTokenService(db).rotate(id, overlapHours, actor.kind === 'USER' ? actor.id : null);
  audit.recordChange({ entityType: 'ApiToken', entityId: issued.apiToken.id, clientId: null }, [], 'CREATE');
  return issued;
};
