import path from 'node:path';
import { createSubgraph, loadTypeDefs, type Subgraph, type SubgraphRuntime } from '@vartija/kit';
import { startPeriodicCheckpoints } from './checkpoint';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';

/**
 * Builds the audit subgraph without listening. With `runtime.auditCheckpoints` it checks the chain
 * against them, makes them on demand and, when an interval is set, checkpoints the head periodically
 * until stopped.
 */
export async function createAuditSubgraph(runtime: SubgraphRuntime): Promise<Subgraph> {
  const checkpoints = runtime.auditCheckpoints ?? null;
  const subgraph = await createSubgraph(
    {
      name: 'audit',
      typeDefs: loadTypeDefs(path.join(__dirname, 'schema.graphql')),
      resolvers,
      createLoaders: (deps) => createLoaders(deps, checkpoints),
    },
    runtime,
  );
  if (!checkpoints || checkpoints.intervalMs <= 0 || !checkpoints.canSign) return subgraph;
  const periodic = startPeriodicCheckpoints(runtime.database.db, checkpoints);
  return {
    ...subgraph,
    async stop() {
      await periodic.stop();
      await subgraph.stop();
    },
  };
}
