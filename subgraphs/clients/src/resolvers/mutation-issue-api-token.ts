import { type AuditTarget, audited } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';
import type { MutationResolvers } from '../generated/resolvers-types';

/** The caller's region issues the token: its registrar manages it, and it reaches that region's commissions only. */
export const issueApiToken: MutationResolvers['issueApiToken'] = (_root, { input }, ctx) =>
  audited(ctx, async (w) => {
    const target: AuditTarget = { entityType: 'ApiToken', entityId: null, clientId: null };
    const issuer = w.actor.organisationId;
    const grant = w.authorize('create', 'ApiToken', { issuerOrganisationId: issuer }, null, target);
    const issued = await new ApiTokenService(w.tx).issue(input, w.actor.kind === 'USER' ? w.actor.id : null, issuer);
    w.change({ ...target, entityId: issued.apiToken.id }, [], 'CREATE', grant);
    return issued;
  });
