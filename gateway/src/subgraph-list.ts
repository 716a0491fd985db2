import path from 'node:path';

/** The four subgraphs, in composition order, with their default local ports. */
export const SUBGRAPHS = [
  { name: 'clients', defaultPort: 4001 },
  { name: 'services', defaultPort: 4002 },
  { name: 'documents', defaultPort: 4003 },
  { name: 'audit', defaultPort: 4004 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

/** The composed supergraph the gateway plans against (`npm run compose` writes it; SUPERGRAPH_PATH overrides). */
export const DEFAULT_SUPERGRAPH_PATH = path.join(__dirname, '..', 'supergraph.graphql');
