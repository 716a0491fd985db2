import path from 'node:path';
import type { SubgraphName } from '@vartija/gateway/src/subgraph-list';

const REPO = path.join(__dirname, '..', '..', '..');

/** What composition reads: each subgraph's SDL. */
export const schemaFileOf = (name: SubgraphName) => path.join(REPO, 'subgraphs', name, 'src', 'schema.graphql');

/** What composition writes: the supergraph the gateway serves, the client-facing schema, the policy's field catalogue. */
export const SUPERGRAPH_PATH = path.join(REPO, 'gateway', 'supergraph.graphql');
export const API_SCHEMA_PATH = path.join(REPO, 'gateway', 'api-schema.graphql');
export const FIELD_CATALOG_PATH = path.join(REPO, 'subgraphs', 'kit', 'src', 'generated', 'sensitive-fields.ts');
