// First: every later require('@vartija/db') gets the counting openDatabase (the product's entry points too).
import { type CapturedQuery, counters, statementsSoFar } from './db-hook';
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@vartija/db';
import type { DevKeys, SubgraphName } from '@vartija/gateway';
import { type Host, type HostKind, type HostSpec, startBaselineGateway, startBaselineSubgraph, startHost } from './hosts';
import { CpuProfiler } from './cpu-profiler';
import { installInstrumentation, type Instrumentation } from './instrument';

/**
 * One benchmarked configuration in its own process (forked by the runner): gateway and subgraphs, its
 * own connection pool, its own statement counter. Or, with BENCH_TOPOLOGY=processes, one service of
 * a configuration: a product entry point (started as deployed, from its environment) or a baseline
 * subgraph or gateway. Talks to the runner over IPC.
 */
export type ServiceSpec =
  /** A product entry point (gateway/src/main.ts, subgraphs/x/src/main.ts): environment set before it loads; ready when /live answers. */
  | { kind: 'entry'; name: string; entry: string; env: Record<string, string>; port: number }
  | { kind: 'baseline-subgraph'; name: SubgraphName; keys: DevKeys; port: number }
  | { kind: 'baseline-gateway'; gateway: HostKind; supergraphSdl: string; urls: Record<SubgraphName, string>; port: number };

export type ChildRequest =
  | { op: 'start'; spec: HostSpec; databaseUrl: string; poolSize: number; instrument: boolean }
  | { op: 'start-service'; service: ServiceSpec; databaseUrl: string; poolSize: number }
  | { op: 'stats' }
  | { op: 'profile-start' }
  | { op: 'profile-stop'; file: string }
  | { op: 'capture-start' }
  | { op: 'capture-stop' }
  | { op: 'stop' };

export type { CapturedQuery };

export interface ChildStats {
  statements: number;
  /** Statements that append to the access log (LOG_WRITE). */
  logWrites: number;
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
let entryStarted = false;
let instrumentation: (() => Instrumentation) | null = null;
const profiler = new CpuProfiler();

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
    host = await startHost(message.spec, database);
    close = () => database.close();
    reply({ op: 'ready', url: host.url });
    return;
  }
  if (message.op === 'start-service') {
    setMaxListeners(100);
    const service = message.service;
    if (service.kind === 'entry') {
      // As deployed: the entry point reads its environment, opens its own database and listens.
      Object.assign(process.env, service.env);
      entryStarted = true;
      // The entry point runs when loaded, as `node main.js` would run it; require keeps it in this
      // process (after db-hook), so that its statements are counted.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(service.entry);
      await untilLive(`http://127.0.0.1:${service.port}/live`, service.name);
      reply({ op: 'ready', url: `http://127.0.0.1:${service.port}/graphql` });
      return;
    }
    if (service.kind === 'baseline-subgraph') {
      const database = await openDatabase({ url: message.databaseUrl, poolSize: message.poolSize });
      const started = await startBaselineSubgraph(service.name, database, service.keys, service.port);
      host = { url: started.url, stop: () => started.subgraph.stop() };
      close = () => database.close();
      reply({ op: 'ready', url: started.url });
      return;
    }
    host = await startBaselineGateway(service.gateway, service.supergraphSdl, service.urls, service.port);
    reply({ op: 'ready', url: host.url });
    return;
  }
  if (message.op === 'stats') {
    const memory = process.memoryUsage();
    const elu = performance.eventLoopUtilization();
    reply({
      op: 'stats',
      stats: {
        statements: statementsSoFar(),
        logWrites: counters.logWrites,
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
    counters.capture = new Map();
    reply({ op: 'capture-started' });
    return;
  }
  if (message.op === 'capture-stop') {
    const queries = [...(counters.capture?.values() ?? [])];
    counters.capture = null;
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
  if (entryStarted) {
    // The entry point's own shutdown (onShutdownSignals): drain, stop, close its database, exit.
    reply({ op: 'stopped' });
    process.kill(process.pid, 'SIGTERM');
    return;
  }
  await host?.stop();
  await close?.();
  reply({ op: 'stopped' });
  setTimeout(() => process.exit(0), 50);
}

process.on('disconnect', () => process.exit(0));

/** Waits until a started entry point answers on /live (60 s at most). */
async function untilLive(url: string, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const request = http.get(url, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('error', () => resolve(false));
      request.setTimeout(1000, () => request.destroy());
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not answer on ${url} within 60 s`);
}
