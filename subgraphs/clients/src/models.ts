import type { Actor, Connection } from '@vartija/kit';
import type { clientRelationships, clients, commissions, consents, guardians, organisations, units } from '@vartija/db';

/** Resolver parents are drizzle rows: codegen maps the GraphQL types to these. */
export type ClientModel = typeof clients.$inferSelect & {
  responsibleWorkerIds?: string[];
  /** The actor's grants through which the row is visible (policy v2), set by the loaders. */
  via?: string[];
};
export type GuardianModel = typeof guardians.$inferSelect & {
  clientAddressNonDisclosure?: boolean;
  clientResponsibleWorkerIds?: string[];
  via?: string[];
};
export type ClientRelationshipModel = typeof clientRelationships.$inferSelect;
export type CommissionModel = typeof commissions.$inferSelect;
export type ConsentModel = typeof consents.$inferSelect;
export type UnitModel = typeof units.$inferSelect;
export type OrganisationModel = typeof organisations.$inferSelect;
export type MeModel = Actor;
/** A grant of `me` (the actor's, as the gateway read it) or a row of access.grants (access administration). */
export type GrantModel = Actor['grants'][number] | import('./access-admin-store').GrantRow;
export type { UserRow as UserModel, UserCommitmentRow as UserCommitmentModel } from './access-admin-store';
export type UserConnectionModel = Connection<import('./access-admin-store').UserRow>;
export type ClientConnectionModel = Connection<ClientModel>;
export type { ApiTokenRow as ApiTokenModel } from './api-token-store';
export type { IssuedToken as IssuedApiTokenModel } from './api-token-service';
