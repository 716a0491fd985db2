export { createClientsSubgraph } from './app';
export { ApiTokenService } from './api-token-service';
