export { createAuditSubgraph } from './app';
export { applyRetention, DEFAULT_RETENTION_YEARS, type RetentionOptions, type RetentionResult } from './retention';
