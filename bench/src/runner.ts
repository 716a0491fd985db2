import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_PARTNER_TOKEN, type Database } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, type DevKeys, generateDevKeys, generateEd25519, type KeyPair, type SubgraphName, SUBGRAPHS } from '@vartija/gateway';
import { rowsOf, subgraphActorContextKey } from '@vartija/kit';
import { signDevToken } from '@vartija/tools';
import { sql } from 'drizzle-orm';
import { type BenchDatabase, openBenchDatabase } from './bench-db';
import { type BenchConfig, readBenchConfig } from './config';
import type { CapturedQuery, ChildReply, ChildRequest, ChildStats, ServiceSpec } from './host-child';
import { CpuProfiler } from './cpu-profiler';
import { allowAllRowScopeSql, type HostKind, type HostSpec, isVartija, startHost } from './hosts';
import { installInstrumentation, type Instrumentation } from './instrument';
import { type ChainHeadResult, measureChainHead } from './chain-head';
import { runLoad } from './load';
import { microBenchmarks } from './micro';
import { cpuMsOf, LOG_WRITE, memoryOf, postgresCpu, postgresCpuDelta, resetPeakMemory } from './proc';
import { type ProfileSummary, summariseProfile } from './profile';
import { type BenchResults, type Cell, type GrowthProbe, machineFacts, type QueryCatalogue, writeResults } from './report';
import {
  buildScenarios,
  CLIENT_LIST,
  type PageCursors,
  PARTNER_OPERATION,
  PARTNER_OPERATION_ID,
  persistedBody,
  type Scenario,
} from './scenarios';
import { scaled, seedBenchWorld, verifyChainRange, type WorldFacts } from './world';

const log = (line: string) => console.log(line);

/** A running configuration: in a child process (PostgreSQL) or in this process (PGlite). */
interface HostHandle {
  kind: HostKind;
  url: string;
  /** Every process the configuration runs in (CPU per request sums over them). */
  pids: number[];
  inProcess: boolean;
  stats(): Promise<ChildStats>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  /** Records the distinct SQL texts sent (child processes only; in process: nothing). */
  captureStart(): Promise<void>;
  captureStop(): Promise<CapturedQuery[]>;
  stop(): Promise<void>;
}

/** Where the configurations' processes write their standard output (the services' request logs, as deployed). */
export const LOG_DIR = path.join(os.tmpdir(), 'vartija-bench-logs');

/** A file for a process's standard output: the request log stays on (as deployed) but out of the run's output. */
export function logFileFor(name: string): number {
  mkdirSync(LOG_DIR, { recursive: true });
  return openSync(path.join(LOG_DIR, `${name}.log`), 'w');
}

/** A forked host-child process and its IPC conversation. */
interface ChildProcessHandle {
  name: string;
  pid: number;
  url: string;
  ask(request: ChildRequest, answer: ChildReply['op']): Promise<ChildReply>;
  stop(): Promise<void>;
}

async function forkChild(name: string, start: ChildRequest): Promise<ChildProcessHandle> {
  const execArgv = ['--import', 'tsx'];
  const out = logFileFor(name);
  const child: ChildProcess = fork(path.join(__dirname, 'host-child.ts'), [], {
    execArgv,
    // Libraries (graphql-js among them) pick their code paths from NODE_ENV when they load; a product
    // entry point then gets its own NODE_ENV from its environment (ServiceSpec.env).
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', out, 'inherit', 'ipc'],
  });
  closeSync(out);
  const waiting = new Map<string, (reply: ChildReply) => void>();
  let failure: string | null = null;
  child.on('message', (reply: ChildReply) => {
    if (reply.op === 'error') {
      failure = reply.message;
      for (const resolve of waiting.values()) resolve(reply);
      waiting.clear();
      return;
    }
    waiting.get(reply.op)?.(reply);
    waiting.delete(reply.op);
  });
  let exitCode: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      failure ??= `exited with code ${code} (its output: ${path.join(LOG_DIR, `${name}.log`)})`;
      for (const resolve of waiting.values()) resolve({ op: 'error', message: failure });
      waiting.clear();
      resolve();
    }),
  );
  const ask = (request: ChildRequest, answer: ChildReply['op']) =>
    new Promise<ChildReply>((resolve, reject) => {
      if (exitCode !== null) return reject(new Error(`${name} process: ${failure}`));
      const timer = setTimeout(() => reject(new Error(`${name}: no ${answer} from the host process within 120 s`)), 120_000);
      waiting.set(answer, (reply) => {
        clearTimeout(timer);
        if (reply.op === 'error') reject(new Error(`${name} process: ${failure}`));
        else resolve(reply);
      });
      child.send(request);
    });
  const ready = await ask(start, 'ready');
  return {
    name,
    pid: child.pid!,
    url: (ready as { url: string }).url,
    ask,
    async stop() {
      if (exitCode !== null) return;
      await ask({ op: 'stop' }, 'stopped').catch(() => child.kill('SIGTERM'));
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function forkHost(spec: HostSpec, config: BenchConfig, databaseUrl: string, options: { instrument?: boolean } = {}): Promise<HostHandle> {
  const child = await forkChild(spec.kind, { op: 'start', spec, databaseUrl, poolSize: config.poolSize, instrument: options.instrument ?? false });
  const { ask } = child;
  return {
    kind: spec.kind,
    url: child.url,
    pids: [child.pid],
    inProcess: false,
    stats: async () => ((await ask({ op: 'stats' }, 'stats')) as { stats: ChildStats }).stats,
    profileStart: async () => void (await ask({ op: 'profile-start' }, 'profile-started')),
    profileStop: async (file) => void (await ask({ op: 'profile-stop', file }, 'profile-stopped')),
    captureStart: async () => void (await ask({ op: 'capture-start' }, 'capture-started')),
    captureStop: async () => ((await ask({ op: 'capture-stop' }, 'captured')) as { queries: CapturedQuery[] }).queries,
    stop: () => child.stop(),
  };
}

/** A free TCP port on the loopback (the product's entry points take theirs from the environment). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const REPO = path.join(__dirname, '..', '..');
let checkpointSigningKey: Promise<KeyPair> | null = null;
const checkpointKey = () => (checkpointSigningKey ??= generateEd25519('bench-checkpoint'));
const SUBGRAPH_ENV: Record<SubgraphName, string> = { clients: 'CLIENTS_URL', services: 'SERVICES_URL', documents: 'DOCUMENTS_URL', audit: 'AUDIT_URL' };

/**
 * BENCH_TOPOLOGY=processes: each service of the configuration in its own process, as deployed.
 * Vartija: the product's own entry points (subgraphs/<name>/src/main.ts, gateway/src/main.ts) with
 * their environment (DATABASE_URL, ports, the run's keys as JWKs, CURSOR_SECRET). Baselines: one
 * process per baseline subgraph and one for the gateway. CPU and memory sum over the processes.
 */
async function processesHost(spec: HostSpec, config: BenchConfig, databaseUrl: string, keysFile: string): Promise<HostHandle> {
  const children: ChildProcessHandle[] = [];
  const poolSize = config.processPoolSize;
  try {
    const urls = {} as Record<SubgraphName, string>;
    for (const { name } of SUBGRAPHS) {
      const port = await freePort();
      const service: ServiceSpec = isVartija(spec.kind)
        ? {
            kind: 'entry',
            name,
            entry: path.join(REPO, 'subgraphs', name, 'src', 'main.ts'),
            port,
            env: {
              NODE_ENV: 'production',
              PORT: String(port),
              DATABASE_URL: databaseUrl,
              DATABASE_POOL_SIZE: String(poolSize),
              ACTOR_CONTEXT_KEY: subgraphActorContextKey(spec.keys.actorContextSecret, name),
              CURSOR_SECRET: spec.keys.cursorSecret,
              ...(name === 'audit'
                ? {
                    AUDIT_CHECKPOINT_DIR: mkdtempSync(path.join(os.tmpdir(), 'vartija-bench-checkpoints-')),
                    AUDIT_CHECKPOINT_PRIVATE_JWK: JSON.stringify((await checkpointKey()).privateJwk),
                    // Only on demand, as in the single-process stack (no periodic checkpoints during the cells).
                    AUDIT_CHECKPOINT_INTERVAL_SECONDS: '0',
                  }
                : {}),
            },
          }
        : { kind: 'baseline-subgraph', name, keys: spec.keys, port };
      const child = await forkChild(`${spec.kind}-${name}`, { op: 'start-service', service, databaseUrl, poolSize });
      children.push(child);
      urls[name] = child.url;
    }
    const port = await freePort();
    const gatewayService: ServiceSpec = isVartija(spec.kind)
      ? {
          kind: 'entry',
          name: 'gateway',
          entry: path.join(REPO, 'gateway', 'src', 'main.ts'),
          port,
          env: {
            // Staff tokens are signed with the run's development key (DEV_KEYS_PATH): production
            // would require an OIDC issuer. As in startStack, no staff rate limit.
            NODE_ENV: 'development',
            GATEWAY_PORT: String(port),
            DATABASE_URL: databaseUrl,
            DATABASE_POOL_SIZE: String(poolSize),
            DEV_KEYS_PATH: keysFile,
            STAFF_RATE_LIMIT_PER_MINUTE: '0',
            ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [SUBGRAPH_ENV[name], urls[name]])),
          },
        }
      : { kind: 'baseline-gateway', gateway: spec.kind, supergraphSdl: spec.supergraphSdl, urls, port };
    children.push(await forkChild(`${spec.kind}-gateway`, { op: 'start-service', service: gatewayService, databaseUrl, poolSize }));
  } catch (error) {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    throw error;
  }
  const gateway = children[children.length - 1]!;
  const all = async <T>(request: ChildRequest, answer: ChildReply['op']) => Promise.all(children.map((c) => c.ask(request, answer) as Promise<T>));
  return {
    kind: spec.kind,
    url: gateway.url,
    pids: children.map((c) => c.pid),
    inProcess: false,
    async stats() {
      const each = (await all<{ stats: ChildStats }>({ op: 'stats' }, 'stats')).map((r) => r.stats);
      const sum = (pick: (s: ChildStats) => number) => each.reduce((total, s) => total + pick(s), 0);
      return {
        statements: sum((s) => s.statements),
        logWrites: sum((s) => s.logWrites),
        rssBytes: sum((s) => s.rssBytes),
        heapUsedBytes: sum((s) => s.heapUsedBytes),
        maxRssBytes: sum((s) => s.maxRssBytes),
        // The gateway's event loop: the one every request passes through.
        elu: each[each.length - 1]!.elu,
        instrumentation: null,
      };
    },
    profileStart: async () => void (await gateway.ask({ op: 'profile-start' }, 'profile-started')),
    profileStop: async (file) => void (await gateway.ask({ op: 'profile-stop', file }, 'profile-stopped')),
    captureStart: async () => void (await all({ op: 'capture-start' }, 'capture-started')),
    async captureStop() {
      const merged = new Map<string, CapturedQuery>();
      for (const { queries } of await all<{ queries: CapturedQuery[] }>({ op: 'capture-stop' }, 'captured')) {
        for (const q of queries) {
          const seen = merged.get(q.sql);
          if (seen) seen.count += q.count;
          else merged.set(q.sql, { ...q });
        }
      }
      return [...merged.values()];
    },
    async stop() {
      for (const child of [...children].reverse()) await child.stop();
    },
  };
}

async function inProcessHost(spec: HostSpec, database: Database, instrumentation: (() => Instrumentation) | null): Promise<HostHandle> {
  const host = await startHost(spec, database);
  let logWrites = 0;
  const counter = database.statements as unknown as { logQuery: (query: string, params: unknown[]) => void };
  const logQuery = counter.logQuery.bind(counter);
  counter.logQuery = (query, params) => {
    logQuery(query, params);
    if (LOG_WRITE.test(query)) logWrites += 1;
  };
  const profiler = new CpuProfiler();
  return {
    kind: spec.kind,
    url: host.url,
    pids: [process.pid],
    inProcess: true,
    async stats() {
      const memory = process.memoryUsage();
      const elu = performance.eventLoopUtilization();
      return {
        statements: database.statements.count,
        logWrites,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        elu: { idle: elu.idle, active: elu.active },
        instrumentation: instrumentation?.() ?? null,
      };
    },
    profileStart: () => profiler.start(),
    profileStop: (file) => profiler.stop(file),
    captureStart: async () => undefined,
    captureStop: async () => [],
    stop: () => host.stop(),
  };
}

async function chainSeq(database: Database): Promise<number> {
  const [row] = rowsOf<{ seq: string | number }>(await database.db.execute(sql`SELECT seq FROM audit.chain_head WHERE id = 'main'`));
  return Number(row?.seq ?? 0);
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string; json: { data?: unknown; errors?: unknown[] } | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let json: { data?: unknown; errors?: unknown[] } | null = null;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}

interface Tokens {
  [login: string]: string;
}

function headersFor(kind: HostKind, scenario: Scenario, tokens: Tokens): Record<string, string> {
  if (!isVartija(kind)) return {};
  return { authorization: `Bearer ${scenario.partnerToken ?? tokens[scenario.as]!}` };
}

const bodiesFor = (kind: HostKind, scenario: Scenario) => (isVartija(kind) ? scenario.bodies : scenario.baselineBodies);

/**
 * Waits until requests still in flight when the load generator stopped have finished (the
 * configuration's statement counter stands still), so that they are not counted in what follows.
 */
async function quiesce(handle: HostHandle): Promise<void> {
  let last = (await handle.stats()).statements;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = (await handle.stats()).statements;
    if (now === last) return;
    last = now;
  }
}

/** Registers the partner's trusted document through the gateway, as the registrar would. */
async function registerPartnerOperation(url: string, tokens: Tokens): Promise<string> {
  const result = await post(
    url,
    JSON.stringify({
      query: 'mutation ($id: String!, $document: String!) { registerPersistedOperation(id: $id, document: $document) { id sha256 } }',
      variables: { id: PARTNER_OPERATION_ID, document: PARTNER_OPERATION },
    }),
    { authorization: `Bearer ${tokens['admin']!}` },
  );
  if (result.json?.errors) {
    const text = JSON.stringify(result.json.errors);
    if (text.includes('already registered')) return 'already registered (reused database)';
    throw new Error(`registerPersistedOperation failed: ${text}`);
  }
  return 'registered through the gateway as admin (registerPersistedOperation)';
}

async function measureCell(
  handle: HostHandle,
  scenario: Scenario,
  config: BenchConfig,
  database: Database,
  tokens: Tokens,
  catalogue?: (queries: CapturedQuery[], requests: number) => void,
  connections = config.connections,
  durationSeconds = config.durationSeconds,
): Promise<Cell> {
  const headers = headersFor(handle.kind, scenario, tokens);
  const bodies = bodiesFor(handle.kind, scenario);
  const probe = await post(handle.url, bodies[0]!, headers);
  const probeProblem =
    probe.status !== 200
      ? `HTTP ${probe.status}: ${probe.text.slice(0, 300)}`
      : probe.json?.errors
        ? `errors: ${JSON.stringify(probe.json.errors).slice(0, 300)}`
        : scenario.check(probe.json?.data);
  if (config.warmupSeconds > 0) {
    await runLoad({ url: handle.url, headers, bodies, connections, durationSeconds: Math.min(config.warmupSeconds, durationSeconds) });
  }
  await quiesce(handle);
  const before = await handle.stats();
  const seqBefore = await chainSeq(database);
  const pgBefore = postgresCpu();
  const cpuBefore = cpuOfAll(handle.pids);
  const peakReset = handle.pids.map((pid) => resetPeakMemory(pid)).every(Boolean);
  const rssBefore = memoryOfAll(handle.pids);
  if (catalogue) await handle.captureStart();

  const load = await runLoad({ url: handle.url, headers, bodies, connections, durationSeconds });

  // Requests in flight when the window closed finish before the counters are read: their work is
  // counted, and so are they (at most `connections` of them, against thousands in the window).
  await quiesce(handle);
  const inFlight = Math.min(connections, load.requests);
  const rssAfter = memoryOfAll(handle.pids);
  const cpuAfter = cpuOfAll(handle.pids);
  const pgAfter = postgresCpu();
  const after = await handle.stats();
  const seqAfter = await chainSeq(database);
  const requests = Math.max(1, load.requests + inFlight);
  if (catalogue) catalogue(await handle.captureStop(), requests);
  const elu = (after.elu.active - before.elu.active) / Math.max(1, after.elu.active - before.elu.active + after.elu.idle - before.elu.idle);
  const pgCpu = postgresCpuDelta(pgBefore, pgAfter);
  const cell: Cell = {
    scenario: scenario.id,
    gateway: handle.kind,
    connections,
    requests: load.requests,
    rps: load.rps,
    latencyMs: load.latencyMs,
    non2xx: load.non2xx,
    graphqlErrors: load.graphqlErrors,
    firstError: load.firstError,
    timeouts: load.timeouts,
    probeProblem,
    meanResponseBytes: load.meanResponseBytes,
    statementsPerRequest: (after.statements - before.statements) / requests,
    auditRowsPerRequest: (seqAfter - seqBefore) / requests,
    logWritesPerRequest: after.logWrites !== undefined && before.logWrites !== undefined ? (after.logWrites - before.logWrites) / requests : null,
    hostCpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / requests : null,
    postgresCpuMsPerRequest: pgCpu !== null ? pgCpu / requests : null,
    eventLoopUtilisation: elu,
    rssBeforeMb: (rssBefore?.rssBytes ?? before.rssBytes) / 2 ** 20,
    rssAfterMb: (rssAfter?.rssBytes ?? after.rssBytes) / 2 ** 20,
    rssPeakMb: peakReset && rssAfter ? rssAfter.peakBytes / 2 ** 20 : after.maxRssBytes / 2 ** 20,
    peakIsPerCell: peakReset && rssAfter !== null,
    inProcess: handle.inProcess,
  };
  log(
    `    ${scenario.id.padEnd(3)} ${`${handle.kind}${connections !== config.connections ? ` ×${connections}` : ''}`.padEnd(26)} ${cell.rps.toFixed(0).padStart(6)} req/s  p50 ${cell.latencyMs.p50.toFixed(1)} ms  p95 ${cell.latencyMs.p95.toFixed(1)}  p99 ${cell.latencyMs.p99.toFixed(1)}  ` +
      `SQL/req ${cell.statementsPerRequest.toFixed(1)}  audit/req ${cell.auditRowsPerRequest.toFixed(1)}  log writes/req ${cell.logWritesPerRequest?.toFixed(2) ?? 'n/a'}  errors ${cell.graphqlErrors + cell.non2xx}${probeProblem ? `  PROBE: ${probeProblem}` : ''}${cell.firstError ? `\n      first error: ${cell.firstError.slice(0, 300)}` : ''}`,
  );
  return cell;
}

/** CPU time of all the configuration's processes (null when /proc is not readable). */
function cpuOfAll(pids: number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = cpuMsOf(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

/** Resident memory summed over the configuration's processes; the peak is the sum of their peaks. */
function memoryOfAll(pids: number[]): { rssBytes: number; peakBytes: number } | null {
  let rssBytes = 0;
  let peakBytes = 0;
  for (const pid of pids) {
    const m = memoryOf(pid);
    if (!m) return null;
    rssBytes += m.rssBytes;
    peakBytes += m.peakBytes;
  }
  return { rssBytes, peakBytes };
}

/** One request at a time for growing list sizes: the statement count must stay flat. */
async function statementGrowth(handle: HostHandle, database: Database, tokens: Tokens): Promise<GrowthProbe[]> {
  const scenario = { as: 'mgr-child' } as Scenario;
  const headers = headersFor(handle.kind, scenario, tokens);
  const once = async (first: number) => {
    const before = await handle.stats();
    const seqBefore = await chainSeq(database);
    const result = await post(handle.url, JSON.stringify({ query: CLIENT_LIST, variables: { first }, operationName: 'ClientList' }), headers);
    const after = await handle.stats();
    const nodes = (result.json?.data as { clients?: { nodes?: unknown[] } } | undefined)?.clients?.nodes?.length ?? 0;
    return { gateway: handle.kind, listSize: first, clients: nodes, statements: after.statements - before.statements, auditRows: (await chainSeq(database)) - seqBefore };
  };
  await quiesce(handle);
  await once(1); // grants into the gateway's cache
  const probes: GrowthProbe[] = [];
  for (const first of [10, 50, 100]) probes.push(await once(first));
  return probes;
}

/** The run's keys as a development key file, for the product gateway's own entry point (BENCH_TOPOLOGY=processes). */
let keysFile: string | null = null;

async function startAny(spec: HostSpec, config: BenchConfig, bench: BenchDatabase, topology: BenchConfig['topology'] = config.topology): Promise<HostHandle> {
  if (bench.kind === 'postgres' && topology === 'processes') {
    if (!keysFile) {
      keysFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'vartija-bench-keys-')), 'dev-keys.json');
      writeFileSync(keysFile, JSON.stringify(spec.keys), { mode: 0o600 });
    }
    return processesHost(spec, config, bench.url!, keysFile);
  }
  if (bench.kind === 'postgres') return forkHost(spec, config, bench.url!);
  return inProcessHost(spec, bench.database, null);
}

async function profileRun(
  kind: HostKind,
  scenario: Scenario,
  config: BenchConfig,
  bench: BenchDatabase,
  spec: HostSpec,
  tokens: Tokens,
): Promise<{ kind: HostKind; requests: number; rps: number; profile: ProfileSummary | null; instrumentation: Instrumentation | null }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vartija-bench-prof-'));
  const instrument = isVartija(kind);
  const handle =
    bench.kind === 'postgres'
      ? await forkHost(spec, config, bench.url!, { instrument })
      : await inProcessHost(spec, bench.database, instrument ? installInstrumentation() : null);
  try {
    const headers = headersFor(kind, scenario, tokens);
    const bodies = bodiesFor(kind, scenario);
    await runLoad({ url: handle.url, headers, bodies, connections: config.connections, durationSeconds: Math.max(1, config.warmupSeconds) });
    await quiesce(handle);
    const before = await handle.stats();
    await handle.profileStart();
    const load = await runLoad({ url: handle.url, headers, bodies, connections: config.connections, durationSeconds: config.profileSeconds });
    const file = path.join(dir, `${kind}.cpuprofile`);
    await handle.profileStop(file);
    if (config.profileDir) {
      mkdirSync(config.profileDir, { recursive: true });
      copyFileSync(file, path.join(config.profileDir, `${kind}-${scenario.id}.cpuprofile`));
    }
    await quiesce(handle);
    const after = await handle.stats();
    const instrumentation = after.instrumentation ? diffInstrumentation(before.instrumentation ?? {}, after.instrumentation) : null;
    return { kind, requests: load.requests, rps: load.rps, profile: summariseProfile(file), instrumentation };
  } finally {
    await handle.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function diffInstrumentation(before: Instrumentation, after: Instrumentation): Instrumentation {
  const out: Instrumentation = {};
  for (const [name, value] of Object.entries(after)) {
    const b = before[name] ?? { calls: 0, ms: 0, items: 0 };
    out[name] = { calls: value.calls - b.calls, ms: value.ms - b.ms, ...(value.items !== undefined ? { items: value.items - (b.items ?? 0) } : {}) };
  }
  return out;
}

function describeTopology(config: BenchConfig, bench: BenchDatabase): string {
  if (bench.kind !== 'postgres') return 'everything in one process (PGlite is embedded)';
  return config.topology === 'processes'
    ? 'each service in its own process (gateway, four subgraphs), as deployed'
    : 'gateway and four subgraphs in one child process per configuration';
}

const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const medianOrNull = (values: (number | null)[]): number | null => (values.some((v) => v === null) ? null : median(values as number[]));

/** One cell per scenario, configuration and concurrency: medians over the rounds, error counts summed. */
export function medianCells(perRound: Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of perRound) {
    const key = `${cell.scenario}|${cell.gateway}|${cell.connections}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map((cells) => {
    const first = cells[0]!;
    const m = (pick: (c: Cell) => number) => median(cells.map(pick));
    const { round: _round, ...rest } = first;
    return {
      ...rest,
      requests: cells.reduce((sum, c) => sum + c.requests, 0),
      rps: m((c) => c.rps),
      roundRps: cells.map((c) => c.rps),
      latencyMs: { mean: m((c) => c.latencyMs.mean), p50: m((c) => c.latencyMs.p50), p95: m((c) => c.latencyMs.p95), p99: m((c) => c.latencyMs.p99), max: Math.max(...cells.map((c) => c.latencyMs.max)) },
      non2xx: cells.reduce((sum, c) => sum + c.non2xx, 0),
      graphqlErrors: cells.reduce((sum, c) => sum + c.graphqlErrors, 0),
      timeouts: cells.reduce((sum, c) => sum + c.timeouts, 0),
      firstError: cells.find((c) => c.firstError)?.firstError ?? null,
      probeProblem: cells.find((c) => c.probeProblem)?.probeProblem ?? null,
      meanResponseBytes: m((c) => c.meanResponseBytes),
      statementsPerRequest: m((c) => c.statementsPerRequest),
      auditRowsPerRequest: m((c) => c.auditRowsPerRequest),
      logWritesPerRequest: medianOrNull(cells.map((c) => c.logWritesPerRequest)),
      hostCpuMsPerRequest: medianOrNull(cells.map((c) => c.hostCpuMsPerRequest)),
      postgresCpuMsPerRequest: medianOrNull(cells.map((c) => c.postgresCpuMsPerRequest)),
      eventLoopUtilisation: m((c) => c.eventLoopUtilisation),
      rssBeforeMb: first.rssBeforeMb,
      rssAfterMb: cells[cells.length - 1]!.rssAfterMb,
      rssPeakMb: Math.max(...cells.map((c) => c.rssPeakMb)),
    };
  });
}

/** Follows `pageInfo.endCursor` through up to `pages` pages. */
async function collectCursors(url: string, headers: Record<string, string>, bodyFor: (after: string | null) => string, pages: number): Promise<(string | null)[]> {
  const cursors: (string | null)[] = [null];
  while (cursors.length < pages) {
    const result = await post(url, bodyFor(cursors[cursors.length - 1]!), headers);
    if (result.json?.errors) throw new Error(`collecting page cursors: ${JSON.stringify(result.json.errors).slice(0, 400)}`);
    const pageInfo = (result.json?.data as { clients?: { pageInfo?: { hasNextPage: boolean; endCursor: string | null } } })?.clients?.pageInfo;
    if (!pageInfo?.hasNextPage || !pageInfo.endCursor) break;
    cursors.push(pageInfo.endCursor);
  }
  return cursors;
}

/**
 * Before measuring: the registrar registers the partner's operation through the gateway, and the
 * list scenarios learn their page cursors (as mgr-child and as majakka), so that every list request
 * differs and no gateway can merge identical in-flight requests.
 */
async function prepare(
  config: BenchConfig,
  bench: BenchDatabase,
  spec: HostSpec,
  tokens: Tokens,
): Promise<{ cursors: PageCursors; partnerOperation: string }> {
  const handle = await startAny({ ...spec, kind: 'vartija' }, config, bench, 'single');
  let partnerOperation: string;
  let list: (string | null)[];
  let partner: (string | null)[];
  try {
    partnerOperation = await registerPartnerOperation(handle.url, tokens);
    list = await collectCursors(
      handle.url,
      { authorization: `Bearer ${tokens['mgr-child']!}` },
      (after) => JSON.stringify({ query: CLIENT_LIST, variables: { first: 50, after } }),
      20,
    );
    partner = await collectCursors(handle.url, { authorization: `Bearer ${tokens['majakka']!}` }, (after) => persistedBody({ first: 20, after }), 20);
    await quiesce(handle);
  } finally {
    await handle.stop();
  }
  // Cursors are sealed and bound to the actor they were issued to: the baselines (another, fixed
  // actor; every client visible) get their own, from a baseline configuration sealing with the
  // run's cursor secret like all baseline configurations.
  let baselineList: (string | null)[] = [null];
  let baselinePartner: (string | null)[] = [null];
  if (config.gateways.some((kind) => !isVartija(kind))) {
    const baseline = await startAny({ ...spec, kind: 'apollo' }, config, bench, 'single');
    try {
      baselineList = await collectCursors(baseline.url, {}, (after) => JSON.stringify({ query: CLIENT_LIST, variables: { first: 50, after } }), 20);
      baselinePartner = await collectCursors(baseline.url, {}, (after) => JSON.stringify({ query: PARTNER_OPERATION, variables: { first: 20, after } }), 20);
    } finally {
      await baseline.stop();
    }
  }
  return { cursors: { list, partner, baselineList, baselinePartner }, partnerOperation };
}

/** EXPLAIN ANALYZE of each SELECT the secured configuration sent, with the parameters it sent. */
async function explainCatalogue(bench: BenchDatabase, scenario: string, gateway: HostKind, queries: CapturedQuery[], requests: number): Promise<QueryCatalogue> {
  const rows: QueryCatalogue['queries'] = [];
  for (const q of [...queries].sort((a, b) => b.count - a.count)) {
    const entry: QueryCatalogue['queries'][number] = { sql: q.sql, perRequest: q.count / requests, executionMs: null, planningMs: null, seqScans: [], rows: null };
    if (bench.explain && /^\s*(select|with)\b/i.test(q.sql) && !/for update/i.test(q.sql)) {
      try {
        const plan = await bench.explain(q.sql, q.params);
        Object.assign(entry, plan);
      } catch (error) {
        entry.explainError = error instanceof Error ? error.message.slice(0, 200) : String(error);
      }
    }
    rows.push(entry);
  }
  return { scenario, gateway, requests, queries: rows };
}

export async function main(): Promise<void> {
  const config = readBenchConfig();
  const started = Date.now();
  log(`Vartija benchmark: ${config.db === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}, ${config.durationSeconds} s per cell, ${config.connections} connections`);
  const scale = scaled(config.scale, config.auditScale);
  const bench = await openBenchDatabase({ kind: config.db, adminUrl: config.adminUrl, reuseName: config.reuseDbName, keep: config.keepDb });
  let results: BenchResults | null = null;
  try {
    log(`database ${bench.name}${bench.reused ? ' (reused)' : ''}; world: ${scale.clients} bulk clients, ${scale.clients * scale.documentsPerClient} bulk documents, ${scale.auditEntries.toLocaleString('en')} log entries`);
    const world: WorldFacts = await seedBenchWorld(bench.database, bench.loader, scale, log);
    if (!world.chain.ok) throw new Error(`the generated access log does not verify: ${world.chain.reason}`);
    const keys: DevKeys = await generateDevKeys();
    const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
    const tokens: Tokens = {};
    for (const login of ['sw-child', 'mgr-child', 'dpo', 'admin']) tokens[login] = await signDevToken(keys.tokenSigning.privateJwk, login, 3600);
    tokens['majakka'] = DEMO_PARTNER_TOKEN;
    log('preparing: partner operation and page cursors');
    const prepared = await prepare(config, bench, { kind: 'vartija', supergraphSdl, keys }, tokens);
    const partnerOperation = prepared.partnerOperation;
    const scenarios = buildScenarios(world, prepared.cursors).filter((s) => config.scenarios.includes(s.id));
    log(`  ${partnerOperation}; ${prepared.cursors.list.length} list pages, ${prepared.cursors.partner.length} partner pages`);
    const allowAllSql = allowAllRowScopeSql();
    log(`baseline seam: rowScope(allow-all ability, Client) = ${allowAllSql}`);

    log('micro-benchmarks of the security layer building blocks');
    const micro = await microBenchmarks(bench.database, keys);
    for (const m of micro) log(`  ${m.name}: ${m.usPerOp.toFixed(1)} µs/op`);

    const perRound: Cell[] = [];
    const growth: GrowthProbe[] = [];
    const memory: BenchResults['memory'] = [];
    const catalogues: QueryCatalogue[] = [];
    const captured: { scenario: string; gateway: HostKind; queries: CapturedQuery[]; requests: number }[] = [];
    const runs: { kind: HostKind; scenarios: Scenario[]; growth: boolean }[] = config.gateways.map((kind) => ({ kind, scenarios, growth: true }));
    if (config.whatIf && config.gateways.includes('vartija') && config.topology === 'processes') {
      log('what-if vartija-no-log skipped: the product entry points of BENCH_TOPOLOGY=processes have no no-op log sink');
    } else if (config.whatIf && config.gateways.includes('vartija')) {
      runs.push({ kind: 'vartija-no-log', scenarios: scenarios.filter((s) => s.id === 'a' || s.id === 'b'), growth: false });
    }
    // Every configuration is started once and kept running; the rounds then measure them in turn,
    // scenario by scenario, so that noise on the machine falls on all of them alike.
    const running: { run: (typeof runs)[number]; handle: HostHandle; startStats: ChildStats }[] = [];
    try {
      for (const run of runs) {
        if (run.scenarios.length === 0) continue;
        log(`${run.kind}: starting ${describeTopology(config, bench)}`);
        const handle = await startAny({ kind: run.kind, supergraphSdl, keys }, config, bench);
        running.push({ run, handle, startStats: await handle.stats() });
      }
      for (let round = 1; round <= config.rounds; round += 1) {
        log(`round ${round} of ${config.rounds}`);
        for (const scenario of scenarios) {
          const here = running.filter((r) => r.run.scenarios.includes(scenario));
          // The order rotates from round to round: no configuration always goes first.
          const order = here.map((_, k) => here[(k + round - 1) % here.length]!);
          for (const { run, handle } of order) {
            const capture = round === 1 && (run.kind === 'vartija' || run.kind === 'apollo');
            const cell = await measureCell(
              handle,
              scenario,
              config,
              bench.database,
              tokens,
              capture ? (queries, requests) => captured.push({ scenario: scenario.id, gateway: run.kind, queries, requests }) : undefined,
            );
            perRound.push({ ...cell, round });
          }
          // The auditor's queries alone, one at a time: their own latency without queueing behind nine others.
          const vartija = here.find((r) => r.run.kind === 'vartija');
          if (vartija && (scenario.id === 'c1' || scenario.id === 'c2')) {
            const cell = await measureCell(vartija.handle, scenario, config, bench.database, tokens, undefined, 1, Math.min(5, config.durationSeconds));
            perRound.push({ ...cell, round });
          }
        }
      }
      for (const { run, handle, startStats } of running) {
        if (run.growth) growth.push(...(await statementGrowth(handle, bench.database, tokens)));
        const endStats = await handle.stats();
        memory.push({
          gateway: run.kind,
          rssAtStartMb: startStats.rssBytes / 2 ** 20,
          rssAtEndMb: endStats.rssBytes / 2 ** 20,
          peakRssMb: Math.max(endStats.maxRssBytes / 2 ** 20, ...perRound.filter((c) => c.gateway === run.kind).map((c) => c.rssPeakMb)),
          heapUsedAtEndMb: endStats.heapUsedBytes / 2 ** 20,
          inProcess: handle.inProcess,
        });
      }
    } finally {
      for (const { handle } of running) {
        await quiesce(handle).catch(() => undefined);
        await handle.stop();
      }
    }
    const cells = medianCells(perRound);

    const profiles: BenchResults['profiles'] = [];
    const profileScenario = scenarios.find((s) => s.id === config.profileScenario);
    if (config.profile && profileScenario) {
      for (const kind of ['vartija', 'apollo', 'hive'] as const) {
        if (!config.gateways.includes(kind)) continue;
        log(`profile: ${kind} on scenario ${config.profileScenario} for ${config.profileSeconds} s (V8 sampling profiler)`);
        profiles.push({ scenario: profileScenario.id, ...(await profileRun(kind, profileScenario, config, bench, { kind, supergraphSdl, keys }, tokens)) });
      }
    }

    const chainHead: ChainHeadResult[] = [];
    if (config.chainSeconds > 0) {
      for (const sinks of [1, 4]) {
        log(`access-log chain head: ${config.chainWriters} writers × 10 entries through ${sinks} GroupCommitAuditSink${sinks > 1 ? 's' : ''} for ${config.chainSeconds} s`);
        const result = await measureChainHead(bench.database, { sinks, writers: config.chainWriters, seconds: config.chainSeconds });
        log(`  ${result.entriesPerSecond.toFixed(0)} entries/s, ${result.commitsPerSecond.toFixed(0)} commits/s (${result.entriesPerCommit.toFixed(1)} entries per commit), write p50 ${result.writeMs.p50.toFixed(1)} ms`);
        chainHead.push(result);
      }
    }

    if (bench.explain) log('EXPLAIN ANALYZE of the statements the configurations sent');
    for (const c of captured) catalogues.push(await explainCatalogue(bench, c.scenario, c.gateway, c.queries, c.requests));

    // Everything the run appended through DbAuditSink under concurrency must chain as well.
    const chainAfterRun = await verifyChainRange(bench.database, world.chain.headSeq + 1, log);
    const after = await bench.database.db.execute(sql`SELECT seq FROM audit.chain_head WHERE id = 'main'`);
    results = {
      generatedAt: new Date().toISOString(),
      totalSeconds: 0,
      machine: await machineFacts(bench),
      config: {
        db: config.db,
        durationSeconds: config.durationSeconds,
        warmupSeconds: config.warmupSeconds,
        connections: config.connections,
        poolSize: config.poolSize,
        scale,
        rounds: config.rounds,
        topologyKind: config.topology,
        topology: `${describeTopology(config, bench)}; load generator in the runner process`,
      },
      world: { ...world, headSeqAfterRun: Number(rowsOf<{ seq: string | number }>(after)[0]?.seq ?? 0), chainAfterRun },
      baselineSeam: { allowAllRowScopeSql: allowAllSql },
      partnerOperation,
      micro,
      catalogues,
      cells,
      roundCells: perRound,
      chainHead,
      growth,
      memory,
      profiles,
    };
    results.totalSeconds = (Date.now() - started) / 1000;
    mkdirSync(config.outDir, { recursive: true });
    const written = writeResults(results, config.outDir);
    log(`results: ${written.join(', ')} (${results.totalSeconds.toFixed(0)} s)`);
  } finally {
    await bench.dispose();
    if (keysFile) rmSync(path.dirname(keysFile), { recursive: true, force: true });
  }
}
