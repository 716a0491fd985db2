import { runSubgraph } from '@vartija/kit';
import { createAuditSubgraph } from './app';
import { auditCheckpointsFromEnv } from './checkpoint-config';

runSubgraph('audit', 4004, async (runtime) => createAuditSubgraph({ ...runtime, auditCheckpoints: await auditCheckpointsFromEnv() }));
