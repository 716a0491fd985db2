import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rowsOf } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import type { BenchDatabase } from './bench-db';
import type { ChainHeadResult } from './chain-head';
import { type HostKind, isVartija } from './hosts';
import type { Instrumentation } from './instrument';
import type { MicroResult } from './micro';
import type { ProfileSummary } from './profile';
import { cellOf, evaluateTargets } from './targets';
import type { ChainCheck, WorldFacts, WorldScale } from './world';

export interface Cell {
  scenario: string;
  gateway: HostKind;
  connections: number;
  requests: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  graphqlErrors: number;
  firstError: string | null;
  timeouts: number;
  probeProblem: string | null;
  meanResponseBytes: number;
  statementsPerRequest: number;
  auditRowsPerRequest: number;
  /** Statements per request that append to the access log (INSERT INTO audit.entries); null where not counted. */
  logWritesPerRequest: number | null;
  /** The round this measurement belongs to (per-round cells), or the req/s of every round (medians). */
  round?: number;
  roundRps?: number[];
  hostCpuMsPerRequest: number | null;
  postgresCpuMsPerRequest: number | null;
  eventLoopUtilisation: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPeakMb: number;
  peakIsPerCell: boolean;
  inProcess: boolean;
}

export interface GrowthProbe {
  gateway: HostKind;
  listSize: number;
  clients: number;
  statements: number;
  auditRows: number;
}

export interface QueryCatalogue {
  scenario: string;
  gateway: HostKind;
  requests: number;
  queries: {
    sql: string;
    perRequest: number;
    executionMs: number | null;
    planningMs: number | null;
    rows: number | null;
    seqScans: string[];
    explainError?: string;
  }[];
}

export interface BenchResults {
  generatedAt: string;
  totalSeconds: number;
  machine: Record<string, string | number>;
  config: {
    db: string;
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    poolSize: number;
    scale: WorldScale;
    rounds: number;
    topologyKind: 'single' | 'processes';
    topology: string;
  };
  world: WorldFacts & { headSeqAfterRun: number; chainAfterRun: ChainCheck };
  baselineSeam: { allowAllRowScopeSql: string };
  partnerOperation: string;
  micro: MicroResult[];
  catalogues: QueryCatalogue[];
  /** Medians over the rounds, one per scenario, configuration and concurrency. */
  cells: Cell[];
  /** Every round's measurement. */
  roundCells: Cell[];
  chainHead: ChainHeadResult[];
  growth: GrowthProbe[];
  memory: { gateway: HostKind; rssAtStartMb: number; rssAtEndMb: number; peakRssMb: number; heapUsedAtEndMb: number; inProcess: boolean }[];
  profiles: { kind: HostKind; scenario?: string; requests: number; rps: number; profile: ProfileSummary | null; instrumentation: Instrumentation | null }[];
}

function versionOf(pkg: string): string {
  try {
    let dir = path.dirname(require.resolve(pkg));
    for (let i = 0; i < 5; i += 1) {
      try {
        const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? '?';
      } catch {
        // keep walking up
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not installed
  }
  return '?';
}

export async function machineFacts(bench: BenchDatabase): Promise<Record<string, string | number>> {
  const cpus = os.cpus();
  const facts: Record<string, string | number> = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    database: bench.kind === 'postgres' ? 'PostgreSQL (server)' : `PGlite ${versionOf('@electric-sql/pglite')} (embedded, in process)`,
    '@apollo/gateway': versionOf('@apollo/gateway'),
    '@apollo/server': versionOf('@apollo/server'),
    '@graphql-hive/gateway-runtime': versionOf('@graphql-hive/gateway-runtime'),
    graphql: versionOf('graphql'),
    autocannon: versionOf('autocannon'),
  };
  const [version] = rowsOf<{ v: string }>(await bench.database.db.execute(sql`SELECT version() AS v`));
  facts['databaseVersion'] = (version?.v ?? '?').split(' on ')[0]!;
  for (const setting of ['shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'work_mem']) {
    try {
      const [row] = rowsOf<Record<string, string>>(await bench.database.db.execute(sql.raw(`SHOW ${setting}`)));
      facts[setting] = row ? Object.values(row)[0]! : '?';
    } catch {
      facts[setting] = '?';
    }
  }
  return facts;
}

const GATEWAY_LABEL: Record<HostKind, string> = {
  vartija: 'Vartija (security on)',
  'vartija-no-log': 'Vartija, access log off (what-if)',
  apollo: 'plain @apollo/gateway (baseline)',
  hive: 'Hive Gateway (baseline subgraphs)',
};

const SCENARIO_TITLE: Record<string, string> = {
  a: '(a) client page across three subgraphs, sw-child',
  b: '(b) 50 clients with identity codes and addresses, mgr-child',
  c1: '(c) clientAccessReport over the 1M-entry log, dpo',
  c2: '(c) auditEntries actor-day (first 50 + totalCount), dpo',
  d: "(d) partner's persisted operation, majakka token",
};

const f = (value: number | null | undefined, digits = 1) => (value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)} %`;

/** A statement shortened for a table cell: whitespace collapsed, long lists of parameters folded. */
function abbreviate(statement: string, max = 220): string {
  const flat = statement.replace(/\s+/g, ' ').replace(/(\$\d+, ){3,}\$\d+/g, '$n, …').replace(/\|/g, '/').replace(/`/g, "'");
  return flat.length > max ? `${flat.slice(0, max)} …` : flat;
}

export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const push = (...xs: string[]) => lines.push(...xs);
  push(
    '# Vartija benchmark results',
    '',
    `Generated by \`npm run bench\` on ${results.generatedAt} in ${results.totalSeconds.toFixed(0)} s. ` +
      `${results.config.rounds} round${results.config.rounds === 1 ? '' : 's'}: in each, every scenario is measured on every configuration in turn (order rotating), all configurations running throughout; cells show the median over the rounds. ` +
      `${results.config.durationSeconds} s per cell after ${results.config.warmupSeconds} s warm-up, ${results.config.connections} concurrent connections (autocannon, loopback), ` +
      `${results.config.db === 'postgres' ? `${results.config.poolSize} database connections per configuration` : 'one embedded PGlite database'}. Topology: ${results.config.topology}.`,
    '',
    '## Machine',
    '',
    '| fact | value |',
    '| --- | --- |',
    ...Object.entries(results.machine).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '## World',
    '',
    ...((results.world.counts['audit.entries'] ?? 0) < 1_000_000
      ? [
          `**Scaled down**: the log has ${(results.world.counts['audit.entries'] ?? 0).toLocaleString('en')} entries, not 1,000,000 ` +
            (results.config.db === 'pglite'
              ? '(PGlite default: it keeps the whole database in the WASM heap of this one process, and every configuration shares its single connection; set BENCH_AUDIT_SCALE=1 to try the full log).'
              : '(BENCH_SCALE / BENCH_AUDIT_SCALE).'),
          '',
        ]
      : []),
    `The demo world (DESIGN.md §7) bulk-extended with set-based SQL (\`INSERT … SELECT generate_series\`), deterministic (md5-derived ids). ` +
      `The access log is generated in Node, chained with the product's \`chainHash\` and loaded with \`COPY\`; the whole chain is then re-verified from genesis with the product's \`verifyChain\`.`,
    '',
    '| table | rows |',
    '| --- | ---: |',
    ...Object.entries(results.world.counts).map(([k, v]) => `| ${k} | ${v.toLocaleString('en')} |`),
    '',
    `Seeding: ${Object.entries(results.world.timings).map(([k, v]) => `${k} ${v} s`).join('; ') || 'reused an already seeded database'}. ` +
      `Chain check: ${results.world.chain.ok ? 'valid' : `BROKEN (${results.world.chain.reason})`}, ${results.world.chain.verifiedEntries.toLocaleString('en')} entries in ${results.world.chain.seconds} s. ` +
      `After the run: ${results.world.chainAfterRun.ok ? 'the chain is valid' : `the chain is BROKEN (${results.world.chainAfterRun.reason})`} over the ${results.world.chainAfterRun.verifiedEntries.toLocaleString('en')} entries the run appended (head seq ${results.world.headSeqAfterRun.toLocaleString('en')}). ` +
      `Actor-day of (c): ${results.world.actorDay.entries} entries on ${results.world.actorDay.from.slice(0, 10)}. Partner operation: ${results.partnerOperation}. ` +
      `Baseline seam check: rowScope of the allow-all ability renders as \`${results.baselineSeam.allowAllRowScopeSql}\`.`,
    '',
    '## Results',
    '',
    'Throughput is completed requests per second; latencies are per request at the load generator. SQL/req counts the statements drizzle sent ' +
      '(its logger; BEGIN/COMMIT not included) in the configuration\'s process; audit/req is the growth of the hash chain per request; log writes/req counts the statements that append to the log (`INSERT INTO audit.entries`). ' +
      'CPU ms/req: the configuration\'s process (gateway + subgraphs) and all PostgreSQL processes. ELU: event-loop utilisation of the configuration\'s process (1.0 = its one JavaScript thread was never idle).',
    '',
  );
  const scenarios = [...new Set(results.cells.map((c) => c.scenario))];
  for (const scenario of scenarios) {
    push(
      `### ${SCENARIO_TITLE[scenario] ?? scenario}`,
      '',
      '| gateway | req/s (median) | req/s per round | p50 ms | p95 ms | p99 ms | SQL/req | audit rows/req | log writes/req | CPU ms/req (node) | CPU ms/req (pg) | ELU | peak RSS MB | response KB | errors |',
      '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const c of results.cells.filter((x) => x.scenario === scenario)) {
      const errors = c.graphqlErrors + c.non2xx + c.timeouts;
      push(
        `| ${GATEWAY_LABEL[c.gateway]}${c.connections !== results.config.connections ? `, ${c.connections} connection${c.connections === 1 ? '' : 's'}` : ''} | ${f(c.rps, 0)} | ${(c.roundRps ?? [c.rps]).map((x) => f(x, 0)).join(' / ')} | ${f(c.latencyMs.p50)} | ${f(c.latencyMs.p95)} | ${f(c.latencyMs.p99)} | ${f(c.statementsPerRequest)} | ${f(c.auditRowsPerRequest)} | ${f(c.logWritesPerRequest, 2)} | ${f(c.hostCpuMsPerRequest, 2)} | ${f(c.postgresCpuMsPerRequest, 2)} | ${f(c.eventLoopUtilisation, 2)} | ${f(c.rssPeakMb, 0)} | ${f(c.meanResponseBytes / 1024)} | ${errors}${c.probeProblem ? ` (probe: ${c.probeProblem.replace(/\|/g, '/')})` : ''} |`,
      );
    }
    push('');
  }

  push('### Ratios', '', '| scenario | Vartija / plain Apollo (req/s) | Vartija / Hive (req/s) | Hive / plain Apollo (req/s) | p50 Vartija / Apollo | p50 Vartija / Hive |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const scenario of scenarios) {
    const v = cellOf(results, scenario, 'vartija');
    const a = cellOf(results, scenario, 'apollo');
    const h = cellOf(results, scenario, 'hive');
    const r = (x?: number, y?: number) => (x !== undefined && y !== undefined ? f(x / y, 2) : 'n/a');
    push(`| ${scenario} | ${r(v?.rps, a?.rps)} | ${r(v?.rps, h?.rps)} | ${r(h?.rps, a?.rps)} | ${r(v?.latencyMs.p50, a?.latencyMs.p50)} | ${r(v?.latencyMs.p50, h?.latencyMs.p50)} |`);
  }
  push('');

  const whatIf = results.cells.filter((c) => c.gateway !== 'vartija' && isVartija(c.gateway));
  if (whatIf.length) {
    push(
      '### What-ifs through the same seams (not product configurations)',
      '',
      '`vartija-no-log` is the Vartija stack with a no-op access-log sink (startStack\'s `auditSink` option): the upper bound of what any faster log write could give. ' +
        'It is built in bench/src/hosts.ts; the chain check after the run covers what the configurations wrote.',
      '',
      '| scenario | variant | Vartija req/s | variant req/s | change | p50 ms Vartija / variant | SQL/req Vartija / variant | audit rows/req |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const w of whatIf) {
      const v = cellOf(results, w.scenario, 'vartija');
      if (v) {
        push(
          `| ${w.scenario} | ${w.gateway} | ${f(v.rps, 0)} | ${f(w.rps, 0)} | ${pct(w.rps / v.rps - 1)} | ${f(v.latencyMs.p50)} / ${f(w.latencyMs.p50)} | ${f(v.statementsPerRequest)} / ${f(w.statementsPerRequest)} | ${f(w.auditRowsPerRequest)} |`,
        );
      }
    }
    push('');
  }

  push(
    '## Targets',
    '',
    'The targets of issue 16, measured on this run (medians over the rounds), not asserted. A missed target says why, from this run\'s own numbers.',
    '',
    '| target | measured | result | why missed (this run) |',
    '| --- | --- | --- | --- |',
  );
  for (const t of evaluateTargets(results)) push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'MET' : '**MISSED**'} | ${t.why ?? ''} |`);
  push('', 'What each change paid, and the reasons read across runs: `bench/FINDINGS.md`.', '');

  if (results.chainHead.length) {
    push(
      '## Access-log chain head',
      '',
      'Append rate of the hash chain alone, after the load cells: K writers each looping `await sink.write(10 entries)` through the product\'s ' +
        '`GroupCommitAuditSink` over `DbAuditSink` (one transaction per group, the chain head row locked `FOR UPDATE`). With several sink instances ' +
        '(several processes\' worth, here in one process) their groups compete for the head lock. The chain is verified after the run (see World).',
      '',
      '| sinks | writers | seconds | entries | entries/s | commits/s | entries per commit | write p50 ms | write p95 ms |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.chainHead.map(
        (c) => `| ${c.sinks} | ${c.writers} | ${f(c.seconds)} | ${c.entries.toLocaleString('en')} | ${f(c.entriesPerSecond, 0)} | ${f(c.commitsPerSecond, 0)} | ${f(c.entriesPerCommit, 1)} | ${f(c.writeMs.p50)} | ${f(c.writeMs.p95)} |`,
      ),
      '',
    );
  }

  if (results.growth.length) {
    push('## SQL statements per request by list size (scenario b query, one request at a time, grants cached)', '', '| gateway | list size | clients returned | SQL statements | audit rows |', '| --- | ---: | ---: | ---: | ---: |');
    for (const g of results.growth) push(`| ${GATEWAY_LABEL[g.gateway]} | ${g.listSize} | ${g.clients} | ${g.statements} | ${g.auditRows} |`);
    push('');
  }

  push(
    '## Memory per configuration',
    '',
    results.memory.some((m) => m.inProcess)
      ? 'All configurations ran in the runner\'s own process (PGlite is embedded), so these are that process\'s RSS figures, load generator included: compare them with care.'
      : results.config.topologyKind === 'processes'
        ? 'Each service ran in its own process; figures are sums over the configuration\'s five processes (peak: the sum of their high-water marks, VmHWM, reset before each cell).'
        : 'Each configuration ran in its own process (gateway + four subgraphs + its connection pool); peak RSS is the process\'s high-water mark (VmHWM), reset before each cell.',
    '',
    '| configuration | RSS at start MB | RSS at end MB | peak RSS MB | heap used at end MB |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.memory.map((m) => `| ${GATEWAY_LABEL[m.gateway]} | ${f(m.rssAtStartMb, 0)} | ${f(m.rssAtEndMb, 0)} | ${f(m.peakRssMb, 0)} | ${f(m.heapUsedAtEndMb, 0)} |`),
    '',
    '## Building blocks of the security layer (idle process, µs per operation)',
    '',
    '| operation | µs/op |',
    '| --- | ---: |',
    ...results.micro.map((m) => `| ${m.name} | ${f(m.usPerOp, 1)} |`),
    '',
  );

  for (const p of results.profiles) {
    push(`## Profile: ${GATEWAY_LABEL[p.kind]}, scenario (${p.scenario ?? 'a'}), ${p.requests} requests (${f(p.rps, 0)} req/s)`, '');
    if (p.instrumentation && p.requests > 0) {
      push('Per-phase timings (prototype wrappers in the configuration\'s process; wall time, async phases include waiting):', '', '| phase | calls/req | ms/call | ms/req | items/call |', '| --- | ---: | ---: | ---: | ---: |');
      for (const [name, s] of Object.entries(p.instrumentation)) {
        push(`| ${name} | ${f(s.calls / p.requests, 2)} | ${f(s.ms / Math.max(1, s.calls), 3)} | ${f(s.ms / p.requests, 3)} | ${s.items !== undefined ? f(s.items / Math.max(1, s.calls), 1) : ''} |`);
      }
      push('');
    }
    if (p.profile) {
      const per = (ms: number) => f(ms / Math.max(1, p.requests), 3);
      push(
        `CPU profile (V8 sampling profiler through node:inspector, the measured window only${p.instrumentation ? '; the per-phase wrappers above ran too' : ''}): busy ${f(p.profile.busyMs, 0)} ms, idle ${f(p.profile.idleMs, 0)} ms, ${per(p.profile.busyMs)} ms CPU per request.`,
        '',
        '| where (self time) | ms | share of busy | ms per measured request |',
        '| --- | ---: | ---: | ---: |',
        ...p.profile.buckets.map((b) => `| ${b.bucket} | ${f(b.ms, 0)} | ${f(b.share * 100)} % | ${per(b.ms)} |`),
        '',
        '| hottest functions (self) | ms | share |',
        '| --- | ---: | ---: |',
        ...p.profile.topSelf.slice(0, 12).map((x) => `| \`${x.fn}\` | ${f(x.ms, 0)} | ${f(x.share * 100)} % |`),
        '',
      );
      if (p.profile.topVartijaInclusive.length) {
        push('| Vartija functions (inclusive: with all they call) | ms | share |', '| --- | ---: | ---: |', ...p.profile.topVartijaInclusive.slice(0, 15).map((x) => `| \`${x.fn}\` | ${f(x.ms, 0)} | ${f(x.share * 100)} % |`), '');
      }
    }
  }

  if (results.catalogues.length) {
    push(
      '## SQL statements per request, with EXPLAIN ANALYZE',
      '',
      'The distinct statements each configuration sent during the measured window (drizzle\'s logger), how often per request, and for SELECTs the ' +
        'execution time of one EXPLAIN ANALYZE with the parameters of its first call, on an idle database. Sequential scans on large tables would show here.',
      '',
    );
    for (const c of results.catalogues) {
      const dbMs = c.queries.reduce((sum, q) => sum + (q.executionMs ?? 0) * q.perRequest, 0);
      push(
        `### ${SCENARIO_TITLE[c.scenario] ?? c.scenario}: ${GATEWAY_LABEL[c.gateway]}`,
        '',
        `${c.queries.reduce((sum, q) => sum + q.perRequest, 0).toFixed(1)} statements per request; SELECT execution ≈ ${dbMs.toFixed(2)} ms per request (sum over statements, idle).`,
        '',
        '| per request | exec ms | rows | sequential scans | statement |',
        '| ---: | ---: | ---: | --- | --- |',
        ...c.queries.map(
          (q) =>
            `| ${f(q.perRequest, 2)} | ${f(q.executionMs, 3)} | ${q.rows ?? ''} | ${q.seqScans.join(', ')}${q.explainError ? ` (explain: ${q.explainError.replace(/\|/g, '/')})` : ''} | \`${abbreviate(q.sql)}\` |`,
        ),
        '',
      );
    }
  }

  push(
    '## Notes',
    '',
    '- Baselines: the same four subgraph servers built by the product\'s factories, through the `SubgraphRuntime` seams only: an allow-all CASL ability (row rules render as `TRUE`), a verifier that returns a fixed actor (a fresh requestId per request) and reads no header, and a no-op access-log sink. They seal page cursors with the run\'s cursor secret; the list scenarios (b) and (d) rotate over cursors collected from a baseline configuration, since cursors are bound to the actor they were issued to. The field guard still wraps sensitive fields there (it asks the allow-all ability and records into the no-op sink), so the baseline subgraphs are not entirely free of the policy machinery.',
    '- The baselines see every row (no row rules): (b) and (d) return the first 50 / 20 clients of all 10,000 instead of the actor\'s; response sizes are in the tables. (d) runs on the baselines as a plain query: they have no persisted-operation layer.',
    '- The demo partner token\'s rate limit is raised for the run (the limiter itself still runs on every partner request), and its allowlist is set to the one benchmark operation.',
    '- List scenarios rotate over keyset pages, so concurrent requests differ: Hive Gateway merges identical in-flight subgraph requests, which would otherwise show as fewer SQL statements per request.',
    '- The auditor scenarios are also measured with one connection: that is the latency an auditor sees; with ten connections it includes queueing behind the other nine on a saturated process.',
    '- The services\' request logs stay on at their default level, as deployed; each configuration\'s standard output goes to a file in the temporary directory (vartija-bench-logs/), not to the terminal.',
    '- Node runs each configuration on one JavaScript thread; on this 2-core machine PostgreSQL and the load generator share the other core.',
  );
  return `${lines.join('\n')}\n`;
}

/** Writes <dir>/<YYYY-MM-DD>/results.{md,json} (the run's UTC date) and copies them to <dir>/latest.{md,json}. */
export function writeResults(results: BenchResults, dir: string): string[] {
  const dated = path.join(dir, results.generatedAt.slice(0, 10));
  mkdirSync(dated, { recursive: true });
  const json = path.join(dated, 'results.json');
  const md = path.join(dated, 'results.md');
  writeFileSync(json, `${JSON.stringify({ ...results, targets: evaluateTargets(results) }, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(results));
  copyFileSync(json, path.join(dir, 'latest.json'));
  copyFileSync(md, path.join(dir, 'latest.md'));
  return [md, json, path.join(dir, 'latest.md'), path.join(dir, 'latest.json')];
}
