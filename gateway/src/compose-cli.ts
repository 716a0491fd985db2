import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, fieldCatalogModule } from './compose';
import { DEFAULT_API_SCHEMA_PATH, DEFAULT_SUPERGRAPH_PATH, FIELD_CATALOG_PATH } from './subgraph-list';

// `--check` fails when the committed files are not what the subgraph SDLs compose to.
const check = process.argv.includes('--check');
const composed = composeSupergraph();
const outputs = [
  [DEFAULT_SUPERGRAPH_PATH, composed.supergraphSdl],
  [DEFAULT_API_SCHEMA_PATH, composed.apiSchemaSdl],
  [FIELD_CATALOG_PATH, fieldCatalogModule(composed.supergraphSdl)],
] as const;
let stale = false;
for (const [file, content] of outputs) {
  if (check) {
    if (readFileSync(file, 'utf8') !== content) {
      console.error(`${file} is stale: run \`npm run compose\` and commit the result.`);
      stale = true;
    }
  } else {
    writeFileSync(file, content);
    console.log(`Wrote ${file}`);
  }
}
if (stale) process.exit(1);
if (check) console.log('Supergraph and API schema are up to date.');
