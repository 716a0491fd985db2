export { createServicesSubgraph } from './app';
