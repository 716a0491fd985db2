export { createAuditSubgraph } from './app';
export { applyRetention, DEFAULT_RETENTION_YEARS, type RetentionOptions, type RetentionResult } from './retention';
export { CheckpointRefused, type CheckpointResult, createCheckpoint, startPeriodicCheckpoints } from './checkpoint';
export { auditCheckpointsFromEnv, readCheckpointConfig } from './checkpoint-config';
