import { runSubgraph } from '@vartija/kit';
import { createDocumentsSubgraph } from './app';

runSubgraph('documents', 4003, createDocumentsSubgraph);
