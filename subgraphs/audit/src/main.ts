import { runSubgraph } from '@vartija/kit';
import { createAuditSubgraph } from './app';

runSubgraph('audit', 4004, createAuditSubgraph);
