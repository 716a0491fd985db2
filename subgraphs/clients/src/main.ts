import { runSubgraph } from '@vartija/kit';
import { createClientsSubgraph } from './app';

runSubgraph('clients', 4001, createClientsSubgraph);
