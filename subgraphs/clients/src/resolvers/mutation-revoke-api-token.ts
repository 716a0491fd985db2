import { audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';
import { authorizeTokenChange } from './api-token-subject';

/** Revocation takes effect at once: tokens are read on every request. */
export const revokeApiToken: MutationResolvers['revokeApiToken'] = (_root, { id }, ctx) =>
  audited(ctx, async (w) => {
    const { grant, target } = await authorizeTokenChange(w, id);
    const revoked = await new ApiTokenService(w.tx).revoke(id);
    w.change(target, [], 'UPDATE', grant);
    return revoked;
  });
