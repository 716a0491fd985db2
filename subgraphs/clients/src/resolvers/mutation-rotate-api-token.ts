import { audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const rotateApiToken: MutationResolvers['rotateApiToken'] = (_root, { id, overlapHours }, ctx) =>
  audited(ctx, async (w) => {
    const grant = w.authorize('update', 'ApiToken', { id }, null, { entityType: 'ApiToken', entityId: id, clientId: null });
    const issued = await new ApiTokenService(w.tx).rotate(id, overlapHours, w.actor.kind === 'USER' ? w.actor.id : null);
    w.change({ entityType: 'ApiToken', entityId: id, clientId: null }, ['expiresAt'], 'UPDATE', grant);
    w.change({ entityType: 'ApiToken', entityId: issued.apiToken.id, clientId: null }, [], 'CREATE', grant);
    return issued;
  });
