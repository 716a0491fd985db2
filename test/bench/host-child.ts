import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@vartija/db';
import { type Host, type HostSpec, startHost } from './hosts';
import { CpuProfiler } from './cpu-profiler';
import { installInstrumentation, type Instrumentation } from './instrument';

/**
 * One benchmarked configuration in its own process (forked by run.ts): gateway and subgraphs, its
 * own connection pool, its own statement counter. Talks to the runner over IPC.
 */
export type ChildRequest =
  | { op: 'start'; spec: HostSpec; databaseUrl: string; poolSize: number; instrument: boolean }
  | { op: 'stats' }
  | { op: 'profile-start' }
  | { op: 'profile-stop'; file: string }
  | { op: 'capture-start' }
  | { op: 'capture-stop' }
  | { op: 'stop' };

/** A distinct SQL text the configuration sent while capturing, with how often and the first parameters. */
export interface CapturedQuery {
  sql: string;
  count: number;
  params: unknown[];
}

export interface ChildStats {
  statements: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Peak resident set size of the process's life so far (getrusage). */
  maxRssBytes: number;
  /** Event-loop utilisation since start: 1.0 means the one JavaScript thread never waited. */
  elu: { idle: number; active: number };
  instrumentation: Instrumentation | null;
}

export type ChildReply =
  | { op: 'ready'; url: string }
  | { op: 'stats'; stats: ChildStats }
  | { op: 'profile-started' }
  | { op: 'profile-stopped' }
  | { op: 'capture-started' }
  | { op: 'captured'; queries: CapturedQuery[] }
  | { op: 'stopped' }
  | { op: 'error'; message: string };

let host: Host | null = null;
let close: (() => Promise<void>) | null = null;
let statements: (() => number) | null = null;
let instrumentation: (() => Instrumentation) | null = null;
const profiler = new CpuProfiler();
let capture: Map<string, CapturedQuery> | null = null;

const reply = (message: ChildReply) => process.send?.(message);

process.on('message', (message: ChildRequest) => {
  void handle(message).catch((error: unknown) => reply({ op: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});

async function handle(message: ChildRequest): Promise<void> {
  if (message.op === 'start') {
    if (message.instrument) instrumentation = installInstrumentation();
    // Hive's runtime adds an abort listener per upstream request to shared signals; more than
    // Node's default of 10 is expected under load, not a leak.
    setMaxListeners(100);
    const database = await openDatabase({ url: message.databaseUrl, poolSize: message.poolSize });
    statements = () => database.statements.count;
    // The statement counter is drizzle's logger: it also sees each statement's text, for the query catalogue.
    const counter = database.statements as unknown as { logQuery: (query: string, params: unknown[]) => void };
    const logQuery = counter.logQuery.bind(counter);
    counter.logQuery = (query, params) => {
      logQuery(query, params);
      if (!capture) return;
      const seen = capture.get(query);
      if (seen) seen.count += 1;
      else capture.set(query, { sql: query, count: 1, params });
    };
    host = await startHost(message.spec, database);
    close = () => database.close();
    reply({ op: 'ready', url: host.url });
    return;
  }
  if (message.op === 'stats') {
    const memory = process.memoryUsage();
    const elu = performance.eventLoopUtilization();
    reply({
      op: 'stats',
      stats: {
        statements: statements?.() ?? 0,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        elu: { idle: elu.idle, active: elu.active },
        instrumentation: instrumentation?.() ?? null,
      },
    });
    return;
  }
  if (message.op === 'capture-start') {
    capture = new Map();
    reply({ op: 'capture-started' });
    return;
  }
  if (message.op === 'capture-stop') {
    const queries = [...(capture?.values() ?? [])];
    capture = null;
    reply({ op: 'captured', queries: JSON.parse(JSON.stringify(queries)) as CapturedQuery[] });
    return;
  }
  if (message.op === 'profile-start') {
    await profiler.start();
    reply({ op: 'profile-started' });
    return;
  }
  if (message.op === 'profile-stop') {
    await profiler.stop(message.file);
    reply({ op: 'profile-stopped' });
    return;
  }
  await host?.stop();
  await close?.();
  reply({ op: 'stopped' });
  setTimeout(() => process.exit(0), 50);
}

process.on('disconnect', () => process.exit(0));
