import path from 'node:path';
import { createSubgraph, loadTypeDefs, type SubgraphRuntime } from '@vartija/kit';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

/** Builds the documents subgraph without listening (tests and the dev stack listen themselves). */
export function createDocumentsSubgraph(runtime: SubgraphRuntime) {
  return createSubgraph(
    { name: 'documents', typeDefs: loadTypeDefs(path.join(__dirname, 'schema.graphql')), resolvers, createLoaders },
    runtime,
  );
}
