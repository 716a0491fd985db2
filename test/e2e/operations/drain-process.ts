/**
 * The federated stack as its own process, shut down as the real entry points are (kit
 * `onShutdownSignals`: drain, stop, close), for the drain test (operations-drain.test.ts). Every
 * access-log write waits DRAIN_TEST_WRITE_DELAY_MS, so that a request is surely in flight when the
 * test sends SIGTERM. Prints `{"type":"ready","gatewayUrl":…}` once it listens.
 */
import { readFileSync } from 'node:fs';
import { openDatabase, seedDemoWorld } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, generateDevKeys } from '@vartija/gateway';
import { type AuditSink, configureLogging, DbAuditSink, onShutdownSignals } from '@vartija/kit';
import { signDevToken, startStack } from '@vartija/tools';

async function main() {
  const logger = configureLogging({ level: 'info' });
  const delayMs = Number(process.env['DRAIN_TEST_WRITE_DELAY_MS'] ?? 0);
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  await seedDemoWorld(database.db, { now: new Date() });
  const keys = await generateDevKeys();
  const real = new DbAuditSink(database.db);
  const slow: AuditSink = {
    async write(batch, via) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await real.write(batch, via);
    },
  };
  const stack = await startStack({ database, keys, supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), gatewayPort: 0, auditSink: slow, logger });
  onShutdownSignals(async () => {
    await stack.drain(Number(process.env['DRAIN_TIMEOUT_MS'] ?? 20_000));
    await stack.stop();
    await database.close();
  }, logger);
  const token = await signDevToken(keys.tokenSigning.privateJwk, 'sw-child');
  process.stdout.write(`${JSON.stringify({ type: 'ready', gatewayUrl: stack.gatewayUrl, token })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
