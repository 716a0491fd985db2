export { createClientsSubgraph } from './app';
export { ApiTokenService } from './api-token-service';
export { ApiTokenStore } from './api-token-store';
// The partner-token CLI's audited paths (issue 14).
export {
  issueTokenAsSystem,
  registerOperationsAsSystem,
  removeOperationAsSystem,
  revokeTokenAsSystem,
  rotateTokenAsSystem,
  type NewPersistedOperation,
  type RegisteredOperation,
} from './api-token-system';
// Access administration for the `npm run users` CLI (issue 11, item 4).
export { createOrganisation, runAsSystem, type SystemOperator } from './access-admin-system';
export { AccessAdminStore } from './access-admin-store';
export { createUnitInput, createUserInput, grantRoleInput, recordCommitmentInput, parseArgs } from './access-admin-input';
