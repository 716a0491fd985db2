import { z } from 'zod';

export const ROLES = ['SOCIAL_WORKER', 'MANAGER', 'STUDENT', 'BILLING', 'AUDITOR', 'REGISTRAR'] as const;
export type Role = (typeof ROLES)[number];

export const PARTNER_SCOPES = ['clients:read', 'services:read', 'documents:read', 'documents:write'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

export const grantSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  organisationId: z.string(),
  /** null for organisation-wide roles (BILLING, AUDITOR, REGISTRAR). */
  unitId: z.string().nullable(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  /** The unit's visibility window (months after a relationship ends); null for organisation-wide grants. */
  visibilityWindowMonths: z.number().int().nullable(),
});
export type Grant = z.infer<typeof grantSchema>;

/**
 * Who is asking, as established by the gateway and carried to the subgraphs in the signed actor
 * context. Grants and scopes are the current ones read from the access schema, never the token's.
 */
export const actorSchema = z.object({
  kind: z.enum(['USER', 'PARTNER']),
  /** User id, or the API token id for a partner. */
  id: z.string(),
  login: z.string().nullable(),
  organisationId: z.string(),
  /** A partner token's issuing welfare region: the token reaches that region's commissions only. */
  issuerOrganisationId: z.string().nullish(),
  grants: z.array(grantSchema),
  scopes: z.array(z.enum(PARTNER_SCOPES)),
  purpose: z.string(),
  emergency: z.boolean(),
  /** What the caller does with what it reads: printing and exporting are logged as such. */
  intent: z.enum(['VIEW', 'PRINT', 'EXPORT']).default('VIEW'),
  requestId: z.string(),
  operationName: z.string().nullable(),
  callerAddress: z.string().nullable(),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * The organisation whose register the actor works in: its own for staff; for a partner token the welfare
 * region that issued it (a partner reads only that region's commissioned clients). A refused look-up names a
 * client in the log only when it is this organisation's.
 */
export function registerOrganisationOf(actor: Pick<Actor, 'kind' | 'organisationId' | 'issuerOrganisationId'>): string {
  return actor.kind === 'PARTNER' && actor.issuerOrganisationId ? actor.issuerOrganisationId : actor.organisationId;
}

export function rolesOf(actor: Actor): Role[] {
  return [...new Set(actor.grants.map((g) => g.role))];
}

/** The default purpose of use (käyttötarkoitus) when the caller states none. */
export function defaultPurpose(kind: Actor['kind'], roles: readonly Role[]): string {
  if (kind === 'PARTNER') return 'COMMISSIONED_SERVICE';
  if (roles.includes('AUDITOR')) return 'LOG_MONITORING';
  if (roles.includes('BILLING')) return 'BILLING';
  if (roles.includes('REGISTRAR')) return 'REGISTER_ADMINISTRATION';
  return 'CLIENT_WORK';
}
