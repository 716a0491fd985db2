import { audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

export const issueApiToken: MutationResolvers['issueApiToken'] = (_root, { input }, ctx) =>
  audited(ctx, async (w) => {
    const target = { entityType: 'ApiToken', entityId: null, clientId: null };
    const grant = w.authorize('create', 'ApiToken', {}, null, target);
    const issued = await new ApiTokenService(w.tx).issue(input, w.actor.kind === 'USER' ? w.actor.id : null);
    w.change({ ...target, entityId: issued.apiToken.id }, [], 'CREATE', grant);
    return issued;
  });
