/**
 * The federated stack as its own process, for the fault suite (test/e2e/faults.test.ts): a crash is
 * then a crash of a process (counted by the product's process guards, and by its exit), not a failed
 * test. Started with `node --import tsx`; configured by environment variables, controlled over IPC:
 *
 *   { cmd: 'stop-subgraph' | 'start-subgraph', name }   stops (closes its port) / starts a subgraph again
 *   { cmd: 'audit-failures', rate }                      makes this share of access-log inserts fail (0 = none)
 *   { cmd: 'counters' }                                  answers the process guards' counts
 *
 * Every command is answered with `{ id, ok, ... }`.
 */
import { readFileSync } from 'node:fs';
import { openDatabase } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, type DevKeys, type SubgraphName } from '@vartija/gateway';
import { type AuditSink, DbAuditSink, GroupCommitAuditSink, closeServer, installProcessGuards, listen } from '@vartija/kit';
import { startStack } from '@vartija/tools';

export interface FaultStackReady {
  type: 'ready';
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
}

export type FaultStackCommand =
  | { id: number; cmd: 'stop-subgraph' | 'start-subgraph'; name: SubgraphName }
  | { id: number; cmd: 'audit-failures'; rate: number }
  | { id: number; cmd: 'counters' };

async function main() {
  const counts = installProcessGuards('fault-stack');
  const url = process.env['FAULT_DATABASE_URL'];
  const keys = JSON.parse(process.env['FAULT_KEYS'] ?? 'null') as DevKeys | null;
  if (!url || !keys) throw new Error('FAULT_DATABASE_URL and FAULT_KEYS are required');
  const database = await openDatabase({ url, poolSize: 5 });

  // The real chained sink (group commit, as in production), with inserts failing at random on demand.
  let failureRate = 0;
  let failedInserts = 0;
  const real = new DbAuditSink(database.db);
  const flaky: AuditSink = {
    async write(batch, via) {
      if (failureRate > 0 && Math.random() < failureRate) {
        failedInserts += 1;
        throw new Error('access-log insert failed (injected)');
      }
      await real.write(batch, via);
    },
  };
  const stack = await startStack({
    database,
    keys,
    supergraphSdl: readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'),
    gatewayPort: 0,
    auditSink: new GroupCommitAuditSink(flaky),
    ...(process.env['FAULT_REDIS_URL'] ? { redisUrl: process.env['FAULT_REDIS_URL'] } : {}),
  });
  const subgraphByName = (name: SubgraphName) => stack.subgraphs.find((s) => s.name === name)!;
  const portOf = (name: SubgraphName) => Number(new URL(stack.subgraphUrls[name]).port);

  process.on('message', (message: FaultStackCommand) => {
    const reply = (extra: Record<string, unknown> = {}) => process.send?.({ id: message.id, ok: true, ...extra });
    const fail = (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) });
    switch (message.cmd) {
      case 'stop-subgraph':
        closeServer(subgraphByName(message.name).httpServer).then(() => reply(), fail);
        break;
      case 'start-subgraph':
        listen(subgraphByName(message.name).httpServer, portOf(message.name)).then(() => reply(), fail);
        break;
      case 'audit-failures':
        failureRate = message.rate;
        reply({ failedInserts });
        break;
      case 'counters':
        reply({ ...counts, failedInserts });
        break;
    }
  });
  process.send?.({ type: 'ready', gatewayUrl: stack.gatewayUrl, subgraphUrls: stack.subgraphUrls } satisfies FaultStackReady);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
