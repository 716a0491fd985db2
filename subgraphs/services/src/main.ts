import { runSubgraph } from '@vartija/kit';
import { createServicesSubgraph } from './app';

runSubgraph('services', 4002, createServicesSubgraph);
