export { createClientsSubgraph } from './app';
