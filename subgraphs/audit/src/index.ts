export { createAuditSubgraph } from './app';
