import { audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { authorizeTokenChange } from './api-token-subject';

export const rotateApiToken: MutationResolvers['rotateApiToken'] = (_root, { id, overlapHours }, ctx) =>
  audited(ctx, async (w) => {
    const { grant, target } = await authorizeTokenChange(w, id);
    const issued = await new ApiTokenService(w.tx).rotate(id, overlapHours, w.actor.kind === 'USER' ? w.actor.id : null);
    w.change(target, ['expiresAt'], 'UPDATE', grant);
    w.change({ ...target, entityId: issued.apiToken.id }, [], 'CREATE', grant);
    return issued;
  });
