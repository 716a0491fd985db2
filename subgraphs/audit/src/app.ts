import path from 'node:path';
import { createSubgraph, loadTypeDefs, type SubgraphRuntime } from '@vartija/kit';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

/** Builds the audit subgraph without listening. */
export function createAuditSubgraph(runtime: SubgraphRuntime) {
  return createSubgraph(
    { name: 'audit', typeDefs: loadTypeDefs(path.join(__dirname, 'schema.graphql')), resolvers, createLoaders },
    runtime,
  );
}
