import path from 'node:path';

/** The four subgraphs, in composition order, with their default local ports. */
export const SUBGRAPHS = [
  { name: 'clients', defaultPort: 4001 },
  { name: 'services', defaultPort: 4002 },
  { name: 'documents', defaultPort: 4003 },
  { name: 'audit', defaultPort: 4004 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const schemaFileOf = (name: SubgraphName) =>
  path.join(__dirname, '..', '..', 'subgraphs', name, 'src', 'schema.graphql');

export const DEFAULT_SUPERGRAPH_PATH = path.join(__dirname, '..', 'supergraph.graphql');
export const DEFAULT_API_SCHEMA_PATH = path.join(__dirname, '..', 'api-schema.graphql');
export const FIELD_CATALOG_PATH = path.join(__dirname, '..', '..', 'subgraphs', 'kit', 'src', 'generated', 'sensitive-fields.ts');
