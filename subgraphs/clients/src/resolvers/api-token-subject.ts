import { type AuditedWrite, type AuditTarget, notFound } from '@vartija/kit';
import { ApiTokenService } from '../api-token-service';

/**
 * The token a registrar's change is about, decided by the policy on its row: another region's token
 * answers NOT_FOUND like an unknown id (and the refusal is logged).
 */
export async function authorizeTokenChange(w: AuditedWrite, id: string) {
  const target: AuditTarget = { entityType: 'ApiToken', entityId: id, clientId: null };
  const token = await new ApiTokenService(w.tx).find(id);
  if (!token) throw notFound('ApiToken', id);
  try {
    return { grant: w.authorize('update', 'ApiToken', token, null, target), target };
  } catch {
    throw notFound('ApiToken', id);
  }
}
