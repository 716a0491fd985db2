export { createClientsSubgraph } from './app';
export { ApiTokenService } from './api-token-service';
// Access administration for the `npm run users` CLI (issue 11, item 4).
export { createOrganisation, runAsSystem, type SystemOperator } from './access-admin-system';
export { AccessAdminStore } from './access-admin-store';
export { createUnitInput, createUserInput, grantRoleInput, recordCommitmentInput, parseArgs } from './access-admin-input';
