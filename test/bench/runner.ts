import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_PARTNER_TOKEN, type Database } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, type DevKeys, generateDevKeys } from '@vartija/gateway';
import { rowsOf } from '@vartija/kit';
import { signDevToken } from '@vartija/tools';
import { sql } from 'drizzle-orm';
import { type BenchDatabase, openBenchDatabase } from './bench-db';
import { type BenchConfig, readBenchConfig } from './config';
import type { CapturedQuery, ChildReply, ChildRequest, ChildStats } from './host-child';
import { CpuProfiler } from './cpu-profiler';
import { allowAllRowScopeSql, type HostKind, type HostSpec, isVartija, startHost } from './hosts';
import { installInstrumentation, type Instrumentation } from './instrument';
import { runLoad } from './load';
import { microBenchmarks } from './micro';
import { cpuMsOf, memoryOf, postgresCpu, postgresCpuDelta, resetPeakMemory } from './proc';
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
  pid: number;
  inProcess: boolean;
  stats(): Promise<ChildStats>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  /** Records the distinct SQL texts sent (child processes only; in process: nothing). */
  captureStart(): Promise<void>;
  captureStop(): Promise<CapturedQuery[]>;
  stop(): Promise<void>;
}

async function forkHost(spec: HostSpec, config: BenchConfig, databaseUrl: string, options: { instrument?: boolean } = {}): Promise<HostHandle> {
  const execArgv = ['--import', 'tsx'];
  const child: ChildProcess = fork(path.join(__dirname, 'host-child.ts'), [], {
    execArgv,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (request: ChildRequest, answer: ChildReply['op']) =>
    new Promise<ChildReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.kind}: no ${answer} from the host process within 120 s`)), 120_000);
      waiting.set(answer, (reply) => {
        clearTimeout(timer);
        if (reply.op === 'error') reject(new Error(`${spec.kind} host process: ${failure}`));
        else resolve(reply);
      });
      child.send(request);
    });
  const ready = await ask({ op: 'start', spec, databaseUrl, poolSize: config.poolSize, instrument: options.instrument ?? false }, 'ready');
  return {
    kind: spec.kind,
    url: (ready as { url: string }).url,
    pid: child.pid!,
    inProcess: false,
    stats: async () => ((await ask({ op: 'stats' }, 'stats')) as { stats: ChildStats }).stats,
    profileStart: async () => void (await ask({ op: 'profile-start' }, 'profile-started')),
    profileStop: async (file) => void (await ask({ op: 'profile-stop', file }, 'profile-stopped')),
    captureStart: async () => void (await ask({ op: 'capture-start' }, 'capture-started')),
    captureStop: async () => ((await ask({ op: 'capture-stop' }, 'captured')) as { queries: CapturedQuery[] }).queries,
    async stop() {
      await ask({ op: 'stop' }, 'stopped').catch(() => child.kill('SIGTERM'));
      await exited;
    },
  };
}

async function inProcessHost(spec: HostSpec, database: Database, instrumentation: (() => Instrumentation) | null): Promise<HostHandle> {
  const host = await startHost(spec, database);
  const profiler = new CpuProfiler();
  return {
    kind: spec.kind,
    url: host.url,
    pid: process.pid,
    inProcess: true,
    async stats() {
      const memory = process.memoryUsage();
      const elu = performance.eventLoopUtilization();
      return {
        statements: database.statements.count,
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
  const cpuBefore = cpuMsOf(handle.pid);
  const peakReset = resetPeakMemory(handle.pid);
  const rssBefore = memoryOf(handle.pid);
  if (catalogue) await handle.captureStart();

  const load = await runLoad({ url: handle.url, headers, bodies, connections, durationSeconds });

  // Requests in flight when the window closed finish before the counters are read: their work is
  // counted, and so are they (at most `connections` of them, against thousands in the window).
  await quiesce(handle);
  const inFlight = Math.min(connections, load.requests);
  const rssAfter = memoryOf(handle.pid);
  const cpuAfter = cpuMsOf(handle.pid);
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
      `SQL/req ${cell.statementsPerRequest.toFixed(1)}  audit/req ${cell.auditRowsPerRequest.toFixed(1)}  errors ${cell.graphqlErrors + cell.non2xx}${probeProblem ? `  PROBE: ${probeProblem}` : ''}`,
  );
  return cell;
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

async function startAny(spec: HostSpec, config: BenchConfig, bench: BenchDatabase): Promise<HostHandle> {
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
async function prepare(config: BenchConfig, bench: BenchDatabase, spec: HostSpec, tokens: Tokens): Promise<{ cursors: PageCursors; partnerOperation: string }> {
  const handle = await startAny({ ...spec, kind: 'vartija' }, config, bench);
  try {
    const partnerOperation = await registerPartnerOperation(handle.url, tokens);
    const list = await collectCursors(
      handle.url,
      { authorization: `Bearer ${tokens['mgr-child']!}` },
      (after) => JSON.stringify({ query: CLIENT_LIST, variables: { first: 50, after } }),
      20,
    );
    const partner = await collectCursors(handle.url, { authorization: `Bearer ${tokens['majakka']!}` }, (after) => persistedBody({ first: 20, after }), 20);
    await quiesce(handle);
    return { cursors: { list, partner }, partnerOperation };
  } finally {
    await handle.stop();
  }
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

    const cells: Cell[] = [];
    const growth: GrowthProbe[] = [];
    const memory: BenchResults['memory'] = [];
    const catalogues: QueryCatalogue[] = [];
    const captured: { scenario: string; gateway: HostKind; queries: CapturedQuery[]; requests: number }[] = [];
    const runs: { kind: HostKind; scenarios: Scenario[]; growth: boolean }[] = config.gateways.map((kind) => ({ kind, scenarios, growth: true }));
    if (config.whatIf && config.gateways.includes('vartija')) {
      runs.push({ kind: 'vartija-no-log', scenarios: scenarios.filter((s) => s.id === 'a' || s.id === 'b'), growth: false });
    }
    for (const run of runs) {
      if (run.scenarios.length === 0) continue;
      log(`${run.kind}: starting gateway and four subgraphs${bench.kind === 'postgres' ? ' in a child process' : ' in this process'}`);
      const spec: HostSpec = { kind: run.kind, supergraphSdl, keys };
      const handle = await startAny(spec, config, bench);
      try {
        const startStats = await handle.stats();
        const capture = run.kind === 'vartija' || run.kind === 'apollo';
        for (const scenario of run.scenarios) {
          cells.push(
            await measureCell(handle, scenario, config, bench.database, tokens, capture ? (queries, requests) => captured.push({ scenario: scenario.id, gateway: run.kind, queries, requests }) : undefined),
          );
        }
        if (run.kind === 'vartija') {
          // The auditor's queries alone, one at a time: their own latency without queueing behind nine others.
          for (const scenario of run.scenarios.filter((s) => s.id === 'c1' || s.id === 'c2')) {
            cells.push(await measureCell(handle, scenario, config, bench.database, tokens, undefined, 1, Math.min(5, config.durationSeconds)));
          }
        }
        if (run.growth) growth.push(...(await statementGrowth(handle, bench.database, tokens)));
        const endStats = await handle.stats();
        memory.push({
          gateway: run.kind,
          rssAtStartMb: startStats.rssBytes / 2 ** 20,
          rssAtEndMb: endStats.rssBytes / 2 ** 20,
          peakRssMb: Math.max(endStats.maxRssBytes / 2 ** 20, ...cells.filter((c) => c.gateway === run.kind).map((c) => c.rssPeakMb)),
          heapUsedAtEndMb: endStats.heapUsedBytes / 2 ** 20,
          inProcess: handle.inProcess,
        });
      } finally {
        await quiesce(handle).catch(() => undefined);
        await handle.stop();
      }
    }

    const profiles: BenchResults['profiles'] = [];
    const profileScenario = scenarios.find((s) => s.id === 'a');
    if (config.profile && profileScenario) {
      for (const kind of ['vartija', 'apollo', 'hive'] as const) {
        if (!config.gateways.includes(kind)) continue;
        log(`profile: ${kind} on scenario a for ${config.profileSeconds} s (V8 sampling profiler)`);
        profiles.push(await profileRun(kind, profileScenario, config, bench, { kind, supergraphSdl, keys }, tokens));
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
        topology: bench.kind === 'postgres' ? 'one child process per configuration (gateway + 4 subgraphs), load generator in the runner process' : 'everything in one process (PGlite is embedded)',
      },
      world: { ...world, headSeqAfterRun: Number(rowsOf<{ seq: string | number }>(after)[0]?.seq ?? 0), chainAfterRun },
      baselineSeam: { allowAllRowScopeSql: allowAllSql },
      partnerOperation,
      micro,
      catalogues,
      cells,
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
  }
}
