export { createDocumentsSubgraph } from './app';
