import path from 'node:path';
import type { HostKind } from './hosts';

/** Settings of one `npm run bench`, from the environment; a bad value stops it with the variable's name. */
export interface BenchConfig {
  db: 'postgres' | 'pglite';
  /** Server on which the throwaway database vartija_bench_<random> is created (and dropped). */
  adminUrl: string;
  reuseDbName: string | undefined;
  keepDb: boolean;
  /** World size relative to 10,000 clients / 100,000 documents; the log relative to 1,000,000 entries. */
  scale: number;
  auditScale: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  poolSize: number;
  scenarios: string[];
  gateways: HostKind[];
  whatIf: boolean;
  profile: boolean;
  profileSeconds: number;
  /** The scenario the V8 profiles are taken on (default a). */
  profileScenario: string;
  /** Where the raw .cpuprofile files are kept (for Chrome DevTools or speedscope); undefined: summarised, then removed. */
  profileDir: string | undefined;
  /** Rounds: every configuration is measured once per scenario per round, in turn; cells report the median. */
  rounds: number;
  /** `single`: gateway + four subgraphs in one process per configuration; `processes`: each service in its own process. */
  topology: 'single' | 'processes';
  /** BENCH_TOPOLOGY=processes: database connections of each service process. */
  processPoolSize: number;
  /** Seconds of the access-log chain head measurement (0 = skip). */
  chainSeconds: number;
  /** Concurrent writers of the chain head measurement. */
  chainWriters: number;
  /** Results directory: <outDir>/<YYYY-MM-DD>/results.{md,json} and <outDir>/latest.{md,json}. */
  outDir: string;
}

const SCENARIOS = ['a', 'b', 'c1', 'c2', 'd'];
const GATEWAYS: HostKind[] = ['vartija', 'apollo', 'hive'];

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const problems: string[] = [];
  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name}: must be a number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const raw = env[name];
    if (!raw) return [...allowed];
    const values = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = values.filter((v) => !allowed.includes(v as T));
    if (bad.length) problems.push(`${name}: unknown ${bad.join(', ')} (known: ${allowed.join(', ')})`);
    return values.filter((v): v is T => allowed.includes(v as T));
  };
  const flag = (name: string, fallback: boolean) => (env[name] === undefined || env[name] === '' ? fallback : env[name] !== '0' && env[name] !== 'false');

  const dbRaw = env['BENCH_DB'] ?? 'postgres';
  if (dbRaw !== 'postgres' && dbRaw !== 'pglite') problems.push(`BENCH_DB: "postgres" or "pglite", got "${dbRaw}"`);
  const db = dbRaw === 'pglite' ? 'pglite' : 'postgres';
  const adminUrl = env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
  if (db === 'postgres' && !/^postgres(ql)?:\/\//.test(adminUrl)) problems.push(`DATABASE_URL: must be a postgres:// URL`);
  // PGlite (single-threaded WASM in this process) gets a tenth of the log by default: see README.
  const scale = number('BENCH_SCALE', 1, 0.01, 10);
  const topologyRaw = env['BENCH_TOPOLOGY'] || 'single';
  if (topologyRaw !== 'single' && topologyRaw !== 'processes') problems.push(`BENCH_TOPOLOGY: "single" or "processes", got "${topologyRaw}"`);
  if (topologyRaw === 'processes' && dbRaw === 'pglite') problems.push('BENCH_TOPOLOGY=processes needs BENCH_DB=postgres (PGlite is embedded in one process)');
  const config: BenchConfig = {
    db,
    adminUrl,
    reuseDbName: env['BENCH_DB_NAME'] || undefined,
    keepDb: flag('BENCH_KEEP_DB', false),
    scale,
    auditScale: number('BENCH_AUDIT_SCALE', db === 'pglite' ? Math.min(scale, 0.1) : scale, 0.001, 10),
    durationSeconds: number('BENCH_DURATION', 10, 1, 600),
    warmupSeconds: number('BENCH_WARMUP', 3, 0, 120),
    connections: number('BENCH_CONNECTIONS', 10, 1, 500),
    poolSize: number('BENCH_POOL_SIZE', 10, 1, 50),
    scenarios: list('BENCH_SCENARIOS', SCENARIOS),
    gateways: list('BENCH_GATEWAYS', GATEWAYS),
    whatIf: flag('BENCH_WHAT_IF', true),
    profile: flag('BENCH_PROFILE', true),
    profileSeconds: number('BENCH_PROFILE_DURATION', 8, 1, 120),
    profileScenario: list('BENCH_PROFILE_SCENARIO', SCENARIOS)[0] ?? 'a',
    profileDir: env['BENCH_PROFILE_DIR'] || undefined,
    rounds: number('BENCH_ROUNDS', 3, 1, 20),
    topology: topologyRaw === 'processes' ? 'processes' : 'single',
    processPoolSize: number('BENCH_PROCESS_POOL_SIZE', 4, 1, 50),
    chainSeconds: number('BENCH_CHAIN_DURATION', 5, 0, 120),
    chainWriters: number('BENCH_CHAIN_WRITERS', 64, 1, 1000),
    outDir: env['BENCH_OUT'] || path.join(__dirname, '..', 'results'),
  };
  if (problems.length) throw new Error(`Invalid benchmark configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
