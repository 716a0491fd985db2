import { readFileSync } from 'node:fs';
import { databaseOptions, openDatabase, readDbConfig } from '@vartija/db';
import { configureLogging, installProcessGuards, onShutdownSignals, tracingFromConfig } from '@vartija/kit';
import { readGatewayConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';
import { gatewayOptionsFrom, subgraphUrlsFrom } from './gateway-options';
import { createGateway } from './gateway-server';
import { DEFAULT_SUPERGRAPH_PATH } from './subgraph-list';

/** The gateway as its own process: subgraphs elsewhere, the access schema on DATABASE_URL. */
async function main() {
  // A lost connection (database, Redis, a subgraph) is logged, never the end of the process.
  installProcessGuards('gateway');
  const config = readGatewayConfig();
  const logger = configureLogging({ ...(config.LOG_LEVEL ? { level: config.LOG_LEVEL } : {}), pseudonymKey: config.LOG_PSEUDONYM_KEY });
  const tracing = tracingFromConfig(config.OTEL_TRACES);
  const dbConfig = readDbConfig();
  if (!dbConfig.DATABASE_URL) throw new Error('DATABASE_URL is required to run the gateway on its own (use npm start for the embedded stack).');
  const database = await openDatabase(databaseOptions(dbConfig));
  const production = config.NODE_ENV === 'production';
  const devKeys = production ? undefined : await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  const setup = await gatewayOptionsFrom(config, {
    database,
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls: subgraphUrlsFrom(config),
    ...(devKeys ? { devKeys } : {}),
    logger,
    processMetrics: true,
  });
  for (const warning of setup.warnings) logger.warn({ service: 'gateway' }, warning);
  const gateway = await createGateway(setup.options);
  const url = await gateway.listen(config.GATEWAY_PORT, config.HOST);
  logger.info({ service: 'gateway', url: `${url}/graphql`, metrics: gateway.metricsUrl() }, 'Vartija gateway listening');
  // SIGTERM: new requests 503, those in flight finish (up to DRAIN_TIMEOUT_MS), then exit 0.
  onShutdownSignals(async () => {
    await gateway.drain(config.DRAIN_TIMEOUT_MS);
    await gateway.stop();
    await setup.close();
    await database.close();
    await tracing?.shutdown();
  }, logger.child({ service: 'gateway' }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
