import { audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** Revocation takes effect at once: tokens are read on every request. */
export const revokeApiToken: MutationResolvers['revokeApiToken'] = (_root, { id }, ctx) =>
  audited(ctx, async (w) => {
    const target = { entityType: 'ApiToken', entityId: id, clientId: null };
    const grant = w.authorize('update', 'ApiToken', { id }, null, target);
    const revoked = await new ApiTokenService(w.tx).revoke(id);
    w.change(target, [], 'UPDATE', grant);
    return revoked;
  });
