import { readFileSync } from 'node:fs';
import { auditCheckpointsFromEnv } from '@vartija/audit';
import { DEMO_PARTNER_TOKEN, isSeeded, openDatabase, PERSONAS, readDbConfig, seedDemoWorld } from '@vartija/db';
import { installProcessGuards } from '@vartija/kit';
import { documentSettingsOf, readGatewayConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';
import { startStack } from './stack';
import { DEFAULT_SUPERGRAPH_PATH, type SubgraphName } from './subgraph-list';

/** `npm start`: migrate, seed an empty database, run the four subgraphs and the gateway in one process. */
async function main() {
  // A lost connection (database, Redis) is logged, never the end of the process.
  installProcessGuards('vartija');
  const dbConfig = readDbConfig();
  const config = readGatewayConfig();
  if (config.NODE_ENV === 'production') {
    throw new Error('npm start is the development stack; in production run each service with its own entry point.');
  }
  const database = await openDatabase({
    url: dbConfig.DATABASE_URL,
    dataDir: dbConfig.PGLITE_DATA_DIR,
    poolSize: dbConfig.DATABASE_POOL_SIZE,
  });
  await database.migrate();
  if (!(await isSeeded(database.db))) {
    const summary = await seedDemoWorld(database.db);
    console.log(`Seeded the demo world: ${summary.clients} clients, ${summary.documents} documents.`);
  }
  const keys = await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  const stack = await startStack({
    database,
    keys,
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    host: config.HOST,
    gatewayPort: config.GATEWAY_PORT,
    subgraphPorts: portsFromEnv(),
    grantCacheMs: config.GRANT_CACHE_MS,
    maxTokenAgeSeconds: config.TOKEN_MAX_AGE_SECONDS,
    idleTimeoutSeconds: config.IDLE_TIMEOUT_SECONDS,
    tokenClockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    maxOperationCost: config.MAX_OPERATION_COST,
    staffRateLimitPerMinute: config.STAFF_RATE_LIMIT_PER_MINUTE,
    ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
    auditCheckpoints: await auditCheckpointsFromEnv(),
    documents: documentSettingsOf(config),
  });
  const where = database.kind === 'pglite' ? `embedded PGlite in ${dbConfig.PGLITE_DATA_DIR}` : 'PostgreSQL (DATABASE_URL)';
  console.log(
    [
      '',
      `Vartija gateway: ${stack.gatewayUrl}/graphql   (database: ${where})`,
      ...Object.entries(stack.subgraphUrls).map(([name, url]) => `  subgraph ${name.padEnd(9)} ${url} (accepts only gateway-signed requests)`),
      '',
      'Personas (get a token with: npm run token -- <login>):',
      ...PERSONAS.map((p) => `  ${p.login.padEnd(20)} ${p.grants.map((g) => `${g.role} ${g.unit ?? p.organisation}`).join(' + ')}  ${p.description}`),
      `  ${'majakka'.padEnd(20)} PARTNER token (demo only) ${DEMO_PARTNER_TOKEN}`,
      '',
      'Try:',
      `  TOKEN=$(npm run -s token -- sw-child)`,
      `  curl -s ${stack.gatewayUrl}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
      `    -d '{"query":"{ clients(first: 3) { totalCount nodes { id displayName } } }"}'`,
      '',
    ].join('\n'),
  );
  const shutdown = async () => {
    await stack.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function portsFromEnv(): Partial<Record<SubgraphName, number>> {
  const ports: Partial<Record<SubgraphName, number>> = {};
  for (const name of ['clients', 'services', 'documents', 'audit'] as const) {
    const value = process.env[`${name.toUpperCase()}_PORT`];
    if (value !== undefined) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name.toUpperCase()}_PORT must be a port number`);
      ports[name] = port;
    }
  }
  return ports;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
