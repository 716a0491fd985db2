import { readFileSync } from 'node:fs';
import { auditCheckpointsFromEnv } from '@vartija/audit';
import { DEMO_PARTNER_TOKEN, isSeeded, LOG_HISTORY_DAYS, openDatabase, PERSONAS, readDbConfig, seedDemoWorld, databaseOptions } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, loadOrCreateDevKeys, readGatewayConfig, type SubgraphName } from '@vartija/gateway';
import { configureLogging, DbAuditSink, installProcessGuards, onShutdownSignals, tracingFromConfig } from '@vartija/kit';
import { ensureConsoleBuilt } from './console-build';
import { startStack } from './stack';

/** `npm start`: migrate, seed an empty database, run the four subgraphs and the gateway in one process. */
async function main() {
  // A lost connection (database, Redis) is logged, never the end of the process.
  installProcessGuards('vartija');
  const dbConfig = readDbConfig();
  const config = readGatewayConfig();
  if (config.NODE_ENV === 'production') {
    throw new Error('npm start is the development stack; in production run each service with its own entry point.');
  }
  const logger = configureLogging({ ...(config.LOG_LEVEL ? { level: config.LOG_LEVEL } : {}), pseudonymKey: config.LOG_PSEUDONYM_KEY });
  const tracing = tracingFromConfig(config.OTEL_TRACES);
  const database = await openDatabase(databaseOptions(dbConfig));
  await database.migrate();
  if (!(await isSeeded(database.db))) {
    // With a few weeks of access-log history, written through the log's own chained writer (issue 15).
    const summary = await seedDemoWorld(database.db, { logHistory: { sink: new DbAuditSink(database.db) } });
    console.log(`Seeded the demo world: ${summary.clients} clients, ${summary.documents} documents, ${LOG_HISTORY_DAYS} days of access-log history.`);
  }
  const keys = await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  // The auditor's console (GET /console): built when console/dist is missing or older than its sources.
  await ensureConsoleBuilt().then(
    (state) => state === 'built' && console.log('Built the auditor console (console/dist).'),
    (error: unknown) => console.warn(`The auditor console could not be built; /console answers 503 until it is.\n${(error as Error).message}`),
  );
  const stack = await startStack({
    database,
    keys,
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    // The gateway's options from the same configuration, through the same function, as the gateway process.
    config,
    host: config.HOST,
    gatewayPort: config.GATEWAY_PORT,
    subgraphPorts: portsFromEnv(),
    auditCheckpoints: await auditCheckpointsFromEnv(),
    logger,
  });
  const where = database.kind === 'pglite' ? `embedded PGlite in ${dbConfig.PGLITE_DATA_DIR}` : 'PostgreSQL (DATABASE_URL)';
  console.log(
    [
      '',
      `Vartija gateway: ${stack.gatewayUrl}/graphql   (database: ${where})`,
      `  console          ${stack.gatewayUrl}/console (the auditor's log review: sign in as dpo)`,
      ...(stack.gatewayMetricsUrl ? [`  metrics          ${stack.gatewayMetricsUrl}`] : []),
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
  // SIGTERM or Ctrl-C: the gateway drains, then the subgraphs; the database (and its lock) is closed; exit 0.
  onShutdownSignals(async () => {
    await stack.drain(config.DRAIN_TIMEOUT_MS);
    await stack.stop();
    await database.close();
    await tracing?.shutdown();
  }, logger.child({ service: 'vartija' }));
  stopWhenOrphaned();
}

/**
 * `npm start` runs this under `sh -c` (and tsx): a SIGTERM to npm reaches the shell, which dies without
 * passing it on. So the stack also stops (drains, as on SIGTERM) when any process that started it is
 * gone. Linux (/proc); elsewhere only the signals count.
 */
function stopWhenOrphaned() {
  const ancestors: number[] = [];
  for (let pid = process.ppid; pid > 1 && ancestors.length < 8; ) {
    ancestors.push(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  const gone = (pid: number) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const timer = setInterval(() => {
    if (!ancestors.some(gone)) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, 1_000);
  timer.unref();
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
