import { type SQL, sql } from 'drizzle-orm';

/**
 * Values the read and write rules test that are not columns of the row's own table, as SQL sub-selects
 * of the statement that loads the rows: one definition for every store (loaders, history, the write
 * subject). `clientId` is the client id column of the outer row, named in full (drizzle prints a lone
 * table's columns unqualified inside sub-selects).
 */

/** Responsible workers of the client's open relationships: who may read a non-disclosure client's contact data. */
export const responsibleWorkerIdsOf = (clientId: SQL) =>
  sql<string[]>`ARRAY(SELECT r.responsible_worker_id::text FROM clients.client_relationships r WHERE r.client_id = ${clientId} AND r.ended_on IS NULL AND r.responsible_worker_id IS NOT NULL)`;

/** Units with an open relationship with the client: the units that serve it. */
export const servingUnitIdsOf = (clientId: SQL) =>
  sql<string[]>`ARRAY(SELECT r.unit_id::text FROM clients.client_relationships r WHERE r.client_id = ${clientId} AND r.ended_on IS NULL)`;

/** The client's non-disclosure flag, for records about the client (guardians share the protected address). */
export const clientAddressNonDisclosureOf = (clientId: SQL) =>
  sql<boolean>`(SELECT c.address_non_disclosure FROM clients.clients c WHERE c.id = ${clientId})`;

/** A commission as a partner's read rules test it (roles.ts commissionedFor). */
export interface PartnerCommission {
  partnerOrganisationId: string;
  startsOn: string;
  endsOn: string | null;
  partnerScopes: string[];
}

/**
 * For a PARTNER actor only: the client's commissions to the partner's organisation, any period. The policy
 * decides which are active and what they allow, so "active" keeps one definition (conditions.ts).
 */
export const partnerCommissionsOf = (clientId: SQL, partnerOrganisationId: string) =>
  sql<PartnerCommission[]>`(SELECT coalesce(json_agg(json_build_object('partnerOrganisationId', pc.partner_organisation_id,
    'startsOn', pc.starts_on, 'endsOn', pc.ends_on, 'partnerScopes', pc.partner_scopes)), '[]'::json)
    FROM clients.commissions pc WHERE pc.client_id = ${clientId} AND pc.partner_organisation_id = ${partnerOrganisationId}::uuid)`;

/** The computed attributes of a Client row and of a Guardian row, for the actor (partners get their commissions). */
export function clientSubjectColumns(clientId: SQL, partnerOrganisationId: string | null) {
  return {
    responsibleWorkerIds: responsibleWorkerIdsOf(clientId),
    ...(partnerOrganisationId ? { partnerCommissions: partnerCommissionsOf(clientId, partnerOrganisationId) } : {}),
  };
}

export function guardianSubjectColumns(clientId: SQL, partnerOrganisationId: string | null) {
  return {
    clientAddressNonDisclosure: clientAddressNonDisclosureOf(clientId),
    clientResponsibleWorkerIds: responsibleWorkerIdsOf(clientId),
    ...(partnerOrganisationId ? { partnerCommissions: partnerCommissionsOf(clientId, partnerOrganisationId) } : {}),
  };
}
