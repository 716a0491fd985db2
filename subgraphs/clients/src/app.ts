import path from 'node:path';
import { createSubgraph, loadTypeDefs, type SubgraphRuntime } from '@vartija/kit';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

/** Builds the clients subgraph without listening (tests and the dev stack listen themselves). */
export function createClientsSubgraph(runtime: SubgraphRuntime) {
  return createSubgraph(
    { name: 'clients', typeDefs: loadTypeDefs(path.join(__dirname, 'schema.graphql')), resolvers, createLoaders },
    runtime,
  );
}
