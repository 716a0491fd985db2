import { createHash } from 'node:crypto';
import { apiTokens } from '../schema';
import type { Queryable } from '../client';
import { seedUuid } from './random';

const secret = createHash('sha256').update('vartija-demo-world/majakka-token/v1').digest('base64url');

/**
 * The demo partner token of `majakka` (DESIGN.md §7). Its secret is public by design — it exists
 * only in the demo world, so that a fresh clone can try the partner API at once.
 */
export const DEMO_PARTNER_TOKEN = `vrt_pt_6d616a61_${secret}`;
export const DEMO_PARTNER_TOKEN_ID = seedUuid('api-token/majakka-demo');

export async function seedDemoPartnerToken(db: Queryable, organisationId: string, issuerOrganisationId: string, now: Date): Promise<void> {
  await db.insert(apiTokens).values({
    id: DEMO_PARTNER_TOKEN_ID,
    organisationId,
    issuerOrganisationId,
    name: 'Majakka demo integration',
    tokenPrefix: 'vrt_pt_6d616a61',
    secretHash: createHash('sha256').update(secret, 'utf8').digest('hex'),
    scopes: ['clients:read', 'services:read', 'documents:read', 'documents:write'],
    allowedOperations: null,
    rateLimitPerMinute: 600,
    expiresAt: new Date(now.getTime() + 365 * 86_400_000),
  });
}
