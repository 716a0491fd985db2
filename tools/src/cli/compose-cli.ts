import { readFileSync, writeFileSync } from 'node:fs';
import { type CliIo, consoleIo, EXIT_FAILED, EXIT_OK, helpText, parseCliArgs, runCli } from '@vartija/kit';
import { composeSupergraph, fieldCatalogModule } from '../compose/compose';
import { API_SCHEMA_PATH, FIELD_CATALOG_PATH, SUPERGRAPH_PATH } from '../compose/paths';

export const COMPOSE_HELP = helpText({
  usage: ['npm run compose [-- --check]'],
  summary: `Composes the four subgraph SDLs (subgraphs/*/src/schema.graphql) into the supergraph the gateway
serves (gateway/supergraph.graphql), the public API schema (gateway/api-schema.graphql) and the
sensitive-field catalog (subgraphs/kit/src/generated/sensitive-fields.ts). Run it, then npm run codegen,
after every SDL change, and commit the results.`,
  options: [['--check', 'write nothing; fail when the committed files are not what the SDLs compose to (npm test runs this)']],
  exitCodes: { 0: 'written, or (--check) up to date', 1: 'composition failed, or (--check) a file is stale' },
});

/** `--check` fails when the committed files are not what the subgraph SDLs compose to. */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const { help, values } = parseCliArgs(argv, { check: { type: 'boolean' } }, COMPOSE_HELP);
  if (help) {
    io.out(COMPOSE_HELP);
    return EXIT_OK;
  }
  const composed = composeSupergraph();
  const outputs = [
    [SUPERGRAPH_PATH, composed.supergraphSdl],
    [API_SCHEMA_PATH, composed.apiSchemaSdl],
    [FIELD_CATALOG_PATH, fieldCatalogModule(composed.supergraphSdl)],
  ] as const;
  let stale = false;
  for (const [file, content] of outputs) {
    if (values.check) {
      if (readFileSync(file, 'utf8') !== content) {
        io.err(`${file} is stale: run \`npm run compose\` and commit the result.`);
        stale = true;
      }
    } else {
      writeFileSync(file, content);
      io.out(`Wrote ${file}`);
    }
  }
  if (stale) return EXIT_FAILED;
  if (values.check) io.out('Supergraph and API schema are up to date.');
  return EXIT_OK;
}

if (require.main === module) runCli(main);
