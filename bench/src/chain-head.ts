import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DEMO, type Database } from '@vartija/db';
import { type AuditEntryInput, type AuditSink, DbAuditSink, GroupCommitAuditSink } from '@vartija/kit';

/**
 * The access-log chain head's append rate: K writers each looping `await sink.write(10 entries)` for
 * a few seconds through the product's GroupCommitAuditSink over DbAuditSink (one transaction per
 * group, the chain head row locked FOR UPDATE). With several sink instances (several processes'
 * worth, here in one process) the groups compete for the head lock.
 */
export interface ChainHeadResult {
  sinks: number;
  writers: number;
  batchSize: number;
  seconds: number;
  entries: number;
  commits: number;
  entriesPerSecond: number;
  commitsPerSecond: number;
  /** Mean entries per transaction (the group-commit factor). */
  entriesPerCommit: number;
  /** Latency of one writer's `write` (ms). */
  writeMs: { p50: number; p95: number };
}

function batchOf(size: number): AuditEntryInput[] {
  const user = DEMO.users['mgr-child'];
  const requestId = randomUUID();
  const at = new Date();
  return Array.from({ length: size }, (_, k) => ({
    at,
    requestId,
    operationName: 'BenchChainHead',
    subgraph: 'clients',
    actorKind: 'USER' as const,
    actorId: user.id,
    actorRole: user.role,
    organisationId: DEMO.organisations.region.id,
    unitId: DEMO.units['child-welfare'].id,
    clientId: null,
    entityType: 'Client',
    entityId: `bench-chain-${k}`,
    action: 'READ' as const,
    outcome: 'ALLOWED' as const,
    fields: ['displayName'],
    categories: [],
    purpose: 'CLIENT_WORK',
    emergency: false,
    callerAddress: '127.0.0.1',
    reason: null,
  }));
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);

export async function measureChainHead(database: Database, options: { sinks: number; writers: number; seconds: number; batchSize?: number }): Promise<ChainHeadResult> {
  const batchSize = options.batchSize ?? 10;
  let commits = 0;
  const inner = new DbAuditSink(database.db);
  // Counts the transactions: each call of the inner sink is one (the group's, or a retried batch's).
  const counted: AuditSink = {
    write: async (batch, via) => {
      commits += 1;
      await inner.write(batch, via);
    },
  };
  const sinks = Array.from({ length: options.sinks }, () => new GroupCommitAuditSink(counted));
  let entries = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.writers }, async (_, w) => {
      const sink = sinks[w % sinks.length]!;
      while (performance.now() < deadline) {
        const t = performance.now();
        await sink.write(batchOf(batchSize));
        latencies.push(performance.now() - t);
        entries += batchSize;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    sinks: options.sinks,
    writers: options.writers,
    batchSize,
    seconds,
    entries,
    commits,
    entriesPerSecond: entries / seconds,
    commitsPerSecond: commits / seconds,
    entriesPerCommit: entries / Math.max(1, commits),
    writeMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  };
}
