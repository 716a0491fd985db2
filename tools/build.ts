/**
 * `npm run build`: every service and operator command as one JavaScript file in dist/, run with plain
 * `node dist/<name>.js` and the production dependencies only (no tsx, no TypeScript at run time).
 *
 * esbuild bundles our own workspace packages (their package.json "main" is TypeScript source) and
 * leaves every npm package external, to be loaded from node_modules as installed by
 * `npm ci --omit=dev` (PGlite's wasm, pino's workers and the repaired postgres.js stay as installed).
 * Files read at run time (SDL, supergraph, migrations) are copied into dist/ under their repository
 * paths, and `__dirname` in each bundled source file is rewritten to that file's folder in the
 * mirror, so `path.join(__dirname, 'schema.graphql')` finds the same file it finds in the repository.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

export const ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(ROOT, 'dist');

/** One file per service and command: `node dist/<name>.js`. */
export const ENTRIES = {
  gateway: 'gateway/src/main.ts',
  clients: 'subgraphs/clients/src/main.ts',
  services: 'subgraphs/services/src/main.ts',
  documents: 'subgraphs/documents/src/main.ts',
  audit: 'subgraphs/audit/src/main.ts',
  /** Applies the migrations and nothing else: the one schema changer in production. */
  migrate: 'drizzle/src/migrate-cli.ts',
  /** Operator commands that production needs (the first registrar, partner tokens, the log's upkeep). */
  users: 'tools/src/cli/users-cli.ts',
  'partner-token': 'tools/src/cli/partner-token-cli.ts',
  retention: 'subgraphs/audit/src/retention-cli.ts',
  'audit-checkpoint': 'subgraphs/audit/src/checkpoint-cli.ts',
  /** The scheduled disposal of records whose retention has ended (issue 13), as SYSTEM. */
  disposal: 'subgraphs/documents/src/disposal-cli.ts',
  /** The demo world, for trying the deployment out; never in production. */
  seed: 'tools/src/cli/seed-cli.ts',
} as const;

export type EntryName = keyof typeof ENTRIES;

/** Files the services read at run time, copied to dist/<same path>. */
export const ASSETS = [
  'gateway/supergraph.graphql',
  'subgraphs/kit/src/shared.graphql',
  'subgraphs/clients/src/schema.graphql',
  'subgraphs/services/src/schema.graphql',
  'subgraphs/documents/src/schema.graphql',
  'subgraphs/audit/src/schema.graphql',
  'drizzle/migrations',
  // The console's documents: their operation names are known names in metrics, the request log and spans.
  'console/src/operations',
] as const;

/** What the build wrote, for the deployment checks and for skipping a build whose inputs did not change. */
export interface BuildInfo {
  inputsHash: string;
  entries: Record<EntryName, string>;
  /** npm packages the bundles load from node_modules at run time. */
  externals: string[];
  /** Repository files bundled, for the next build's freshness check. */
  inputs: string[];
  /**
   * The command modules (`*-cli.ts`) in each bundle: only the entry's own. A command guarded by
   * `require.main === module` would otherwise also run inside another service's process.
   */
  commandModules: Record<EntryName, string[]>;
}

const BUILD_INFO = 'build-info.json';
const toPosix = (p: string) => p.split(path.sep).join('/');

/** Rewrites `__dirname` in our own sources to the source folder's copy under dist/. */
const mirrorDirname: Plugin = {
  name: 'vartija-mirror-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('__dirname')) return undefined;
      const folder = JSON.stringify(toPosix(path.relative(ROOT, path.dirname(args.path))));
      return { contents: source.replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${folder})`), loader: 'ts' };
    });
  },
};

/** npm packages stay in node_modules; our workspace packages (@vartija/*) are bundled from source. */
const externalPackages: Plugin = {
  name: 'vartija-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@vartija/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** The npm package a bare import names (`drizzle-orm/pg-core` → `drizzle-orm`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function listFiles(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full).flatMap((name) => listFiles(path.join(relative, name)));
}

function hashInputs(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    hash.update(file).update('\0');
    hash.update(existsSync(path.join(ROOT, file)) ? readFileSync(path.join(ROOT, file)) : 'missing').update('\0');
  }
  return hash.digest('hex');
}

const freshnessInputs = (bundled: string[]) => [
  ...bundled,
  ...ASSETS.flatMap(listFiles).filter((file) => !file.endsWith('_snapshot.json')),
  'tools/build.ts',
  ...Object.values(ENTRIES),
];

export function readBuildInfo(dist = DIST): BuildInfo | null {
  const file = path.join(dist, BUILD_INFO);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BuildInfo) : null;
}

/** True when dist/ was built from exactly the sources in the tree now. */
export function buildIsFresh(dist = DIST): boolean {
  const info = readBuildInfo(dist);
  return info !== null && info.inputsHash === hashInputs(freshnessInputs(info.inputs));
}

/** Builds into a scratch folder and then replaces dist/, so a reader never sees half a build. */
export async function buildAll(options: { quiet?: boolean } = {}): Promise<BuildInfo> {
  const staging = `${DIST}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, source]) => [name, source])),
    outdir: staging,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: options.quiet ? 'error' : 'warning',
    plugins: [externalPackages, mirrorDirname],
  });
  for (const asset of ASSETS) {
    // drizzle-kit's snapshots are for generating migrations; applying them needs the SQL and the journal.
    cpSync(path.join(ROOT, asset), path.join(staging, asset), { recursive: true, filter: (file) => !file.endsWith('_snapshot.json') });
  }
  // The auditor's console, when built (`npm run build` builds it first): the gateway serves dist/console/dist.
  if (existsSync(path.join(ROOT, 'console/dist/index.html'))) cpSync(path.join(ROOT, 'console/dist'), path.join(staging, 'console/dist'), { recursive: true });
  const info = describe(result.metafile);
  writeFileSync(path.join(staging, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  rmSync(DIST, { recursive: true, force: true });
  renameSync(staging, DIST);
  return info;
}

function describe(metafile: Metafile): BuildInfo {
  const externals = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith('node:')) externals.add(packageOf(imported.path));
    }
  }
  const inputs = Object.keys(metafile.inputs).filter((file) => !file.includes('node_modules'));
  const commandModules = {} as Record<EntryName, string[]>;
  for (const [name, source] of Object.entries(ENTRIES) as [EntryName, string][]) {
    const output = Object.values(metafile.outputs).find((o) => o.entryPoint === source);
    commandModules[name] = Object.keys(output?.inputs ?? {}).filter((file) => file.endsWith('-cli.ts')).sort();
  }
  return {
    inputsHash: hashInputs(freshnessInputs(inputs)),
    entries: Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, `${name}.js`])) as Record<EntryName, string>,
    externals: [...externals].sort(),
    inputs: inputs.sort(),
    commandModules,
  };
}

const LOCK = `${DIST}.lock`;
const STALE_LOCK_MS = 120_000;

/** One build at a time in this tree (test runs and `npm run build` may overlap): a lock folder. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A build that died leaves its lock behind: older than any build takes, it is taken over.
      const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (since === undefined) continue;
      if (Date.now() - since > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds unless dist/ is already fresh (tests call this, so one run builds at most once). */
export async function ensureBuilt(): Promise<BuildInfo> {
  return withBuildLock(async () => (buildIsFresh() ? readBuildInfo()! : buildAll({ quiet: true })));
}

if (require.main === module) {
  const started = Date.now();
  withBuildLock(() => buildAll())
    .then((info) => {
      console.log(`Built ${Object.keys(info.entries).length} entries into dist/ in ${Date.now() - started} ms: ${Object.values(info.entries).join(', ')}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
