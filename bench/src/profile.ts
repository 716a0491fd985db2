import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (node --cpu-prof) that the summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  sampledMs: number;
  idleMs: number;
  busyMs: number;
  /** Self time by where the code lives, busiest first. */
  buckets: { bucket: string; ms: number; share: number }[];
  /** Functions by self time. */
  topSelf: { fn: string; ms: number; share: number }[];
  /** Functions of Vartija's own code (gateway/, subgraphs/) by inclusive time: what they cost with all they call. */
  topVartijaInclusive: { fn: string; ms: number; share: number }[];
}

/** Where a function lives, for the self-time table. */
export function bucketOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'native / builtins';
  }
  const modules = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const pkg = modules.length ? modules[modules.length - 1]![1]! : null;
  if (pkg) {
    if (pkg === 'jose') return 'jose (staff tokens, JWS sign/verify)';
    if (pkg === 'fast-jwt') return 'fast-jwt (actor contexts, JWS sign/verify)';
    if (pkg.startsWith('@casl/') || pkg.startsWith('@ucast/')) return 'CASL / ucast (policy)';
    if (pkg === 'drizzle-orm') return 'drizzle-orm (SQL building, row mapping)';
    if (pkg === 'postgres') return 'postgres.js (driver)';
    if (pkg === 'graphql') return 'graphql-js (parse, validate, execute)';
    if (pkg === '@apollo/query-planner' || pkg === '@apollo/federation-internals' || pkg === '@apollo/gateway' || pkg === '@apollo/composition')
      return 'Apollo gateway (query planning, fetch, merge)';
    if (pkg.startsWith('@apollo/') || pkg.startsWith('@graphql-tools/')) return 'Apollo Server / subgraph / graphql-tools';
    if (pkg === 'zod') return 'zod (actor context parsing)';
    if (pkg === 'dataloader') return 'dataloader';
    if (pkg === 'tsx' || pkg === 'esbuild' || pkg === 'get-tsconfig') return 'tsx loader';
    if (pkg.startsWith('@graphql-hive/') || pkg.startsWith('@graphql-mesh/') || pkg.startsWith('@whatwg-node/') || pkg.startsWith('graphql-yoga') || pkg.startsWith('@envelop/'))
      return 'Hive gateway runtime';
    return `other packages (${pkg})`;
  }
  if (url.includes('/subgraphs/kit/src/policy/')) return 'Vartija kit: policy';
  if (url.includes('/subgraphs/kit/src/audit')) return 'Vartija kit: access log';
  if (url.includes('/subgraphs/kit/src/')) return 'Vartija kit: other';
  if (url.includes('/subgraphs/')) return 'Vartija subgraphs (resolvers, stores, loaders)';
  if (url.includes('/gateway/src/')) return 'Vartija gateway';
  if (url.includes('/drizzle/src/')) return 'Vartija db package';
  if (url.includes('/bench/src/')) return 'benchmark instrumentation';
  if (url.startsWith('node:') || !url.includes('/')) return 'Node.js core (http, net, streams, crypto)';
  return 'other';
}

const short = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|subgraphs|drizzle|test)\//, '$1/');
/** Our TypeScript is transpiled by tsx into few lines: its line numbers mean nothing, so name the file only. */
const frameName = (functionName: string, url: string, lineNumber: number) =>
  url.includes('node_modules') || !/\/(gateway|subgraphs|drizzle|test)\//.test(url)
    ? `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`
    : `${functionName || '(anonymous)'} ${short(url)}`;

export function summariseProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    sampled += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
  });

  const buckets = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const bucket = bucketOf(url, functionName);
    if (bucket === 'idle') {
      idle += ms;
      continue;
    }
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
    const fn = frameName(functionName, url, lineNumber);
    selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + ms);
    // Inclusive time of Vartija's functions: each ancestor frame once per sample stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url.includes('node_modules') || !/\/(gateway|subgraphs)\//.test(frame.url)) continue;
      const key = frameName(frame.functionName, frame.url, frame.lineNumber);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  const busy = sampled - idle;
  const rows = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, ms]) => ({ fn, ms, share: ms / busy }));
  return {
    sampledMs: sampled,
    idleMs: idle,
    busyMs: busy,
    buckets: rows(buckets, 30).map(({ fn, ms, share }) => ({ bucket: fn, ms, share })),
    topSelf: rows(selfByFn, 20),
    topVartijaInclusive: rows(inclusive, 20),
  };
}
