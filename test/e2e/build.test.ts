/**
 * `npm run build` (tools/build.ts): every service as JavaScript in dist/, run by plain `node` with the
 * production dependencies only. The build runs at most once per test run (it is skipped while dist/ is
 * fresh: built from exactly the sources in the tree).
 *
 * The multi-process part needs PostgreSQL (the embedded PGlite serves one process): with DATABASE_URL
 * the built gateway and four subgraphs run as separate node processes, each as its own database role
 * (deploy/sql/roles.sql), after `node dist/migrate.js` as the owner. On PGlite the built commands run
 * against an embedded database instead, and the multi-process part is skipped with the reason.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO } from '@vartija/db';
import { generateDevKeys } from '@vartija/gateway';
import { generateCheckpointKey } from '@vartija/kit';
import { signDevToken } from '@vartija/tools';
import postgres from 'postgres';
import { ASSETS, type BuildInfo, DIST, ENTRIES, ensureBuilt } from '../../tools/build';
import { createRoleDatabase, REPO, type RoleDatabase, runNode } from './deploy-support';

const DATABASE_URL = process.env['DATABASE_URL'];
const SKIP_REASON =
  'build test: the multi-process part skipped — it needs PostgreSQL (set DATABASE_URL): the embedded PGlite serves one process only';
if (!DATABASE_URL) console.warn(SKIP_REASON);
const describeOnPostgres = DATABASE_URL ? describe : describe.skip;

const dist = (file: string) => path.join(DIST, file);
/** The environment of a production process: nothing inherited that could load TypeScript (NODE_OPTIONS). */
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...extra });

let info: BuildInfo;
beforeAll(async () => {
  info = await ensureBuilt();
}, 120_000);

describe('npm run build', () => {
  it('writes one JavaScript file per service and command', () => {
    expect(Object.keys(info.entries).sort()).toEqual(
      ['audit', 'audit-checkpoint', 'clients', 'disposal', 'documents', 'gateway', 'migrate', 'partner-token', 'retention', 'seed', 'services', 'users'].sort(),
    );
    for (const [name, file] of Object.entries(info.entries)) {
      expect(file).toBe(`${name}.js`);
      expect(existsSync(dist(file))).toBe(true);
    }
  });

  it('copies what the services read at run time under the same paths, so __dirname-relative reads find them', () => {
    for (const asset of ASSETS.filter((a) => a.endsWith('.graphql'))) {
      expect(readFileSync(dist(asset), 'utf8')).toBe(readFileSync(path.join(REPO, asset), 'utf8'));
    }
    const journal = JSON.parse(readFileSync(dist('drizzle/migrations/meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    expect(journal.entries.length).toBeGreaterThan(0);
    for (const { tag } of journal.entries) {
      expect(readFileSync(dist(`drizzle/migrations/${tag}.sql`), 'utf8')).toBe(readFileSync(path.join(REPO, `drizzle/migrations/${tag}.sql`), 'utf8'));
    }
    // The bundles point __dirname of each source folder into that mirror.
    expect(readFileSync(dist('clients.js'), 'utf8')).toContain('join(__dirname, "subgraphs/clients/src")');
  });

  it('loads only production dependencies from node_modules: no tsx, no TypeScript, no build or test tool', () => {
    const workspaces = ['drizzle', 'gateway', 'subgraphs/kit', 'subgraphs/clients', 'subgraphs/services', 'subgraphs/documents', 'subgraphs/audit'];
    const production = new Set(
      workspaces.flatMap((w) => Object.keys((JSON.parse(readFileSync(path.join(REPO, w, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {})),
    );
    expect(info.externals.length).toBeGreaterThan(5);
    expect(info.externals.filter((name) => !production.has(name))).toEqual([]);
    for (const tool of ['tsx', 'typescript', 'esbuild', 'jest', 'supertest', '@vartija/db', '@vartija/kit']) expect(info.externals).not.toContain(tool);
  });

  it('puts no command into another entry (a `require.main === module` command would run inside it)', () => {
    for (const [name, source] of Object.entries(ENTRIES)) {
      const commands = info.commandModules[name as keyof typeof ENTRIES];
      expect({ name, commands }).toEqual({ name, commands: source.endsWith('-cli.ts') ? [source] : [] });
    }
  });

  it('runs the built migrate command with plain node: --help, then on an embedded database', async () => {
    expect(await runNode(dist('migrate.js'), cleanEnv({}), ['--help'])).toMatch(/Applies the committed migrations/);
    const dir = mkdtempSync(path.join(tmpdir(), 'vartija-build-'));
    try {
      const env = cleanEnv({ PGLITE_DATA_DIR: path.join(dir, 'pglite') });
      expect(await runNode(dist('migrate.js'), env)).toMatch(/^Applied \d+ migration\(s\) to the embedded database/);
      expect(await runNode(dist('migrate.js'), env)).toMatch(/^Up to date: /);
      expect(await runNode(dist('seed.js'), env)).toMatch(/^Seeded the demo world: 329 clients/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** A port free right now on loopback (the services are told it; port 0 would leave the gateway guessing). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function start(name: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [dist(`${name}.js`)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

async function waitReady(running: Running, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`${running.name} exited (${running.child.exitCode}): ${running.output.join('')}`);
    try {
      const res = await fetch(`${url}/ready`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${running.name} not ready within ${timeoutMs} ms (${last}): ${running.output.join('')}`);
}

async function stopAll(processes: Running[]): Promise<(number | null)[]> {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  return Promise.all(processes.map((p) => p.exited));
}

describeOnPostgres('the built services as separate plain node processes (PostgreSQL)', () => {
  let roleDb: RoleDatabase;
  let keysDir: string;
  const processes: Running[] = [];
  let gatewayUrl = '';
  let token = '';

  beforeAll(async () => {
    await ensureBuilt();
    // The schema as production makes it: the built migrate command, logged in as the owner (no superuser).
    roleDb = await createRoleDatabase(DATABASE_URL!, async (ownerUrl) => {
      await runNode(dist('migrate.js'), cleanEnv({ DATABASE_URL: ownerUrl }));
    });
    await runNode(dist('seed.js'), cleanEnv({ DATABASE_URL: roleDb.urlFor('owner') }));
    keysDir = mkdtempSync(path.join(tmpdir(), 'vartija-build-keys-'));
    const keys = await generateDevKeys();
    const keysPath = path.join(keysDir, 'dev-keys.json');
    writeFileSync(keysPath, JSON.stringify(keys), { mode: 0o600 });
    token = await signDevToken(keys.tokenSigning.privateJwk, 'sw-child');
    // The checkpoint key file the audit process reads (a mounted secret in production).
    writeFileSync(path.join(keysDir, 'checkpoint-key.json'), JSON.stringify(await generateCheckpointKey('build-test')), { mode: 0o600 });

    const ports = { clients: await freePort(), services: await freePort(), documents: await freePort(), audit: await freePort(), gateway: await freePort() };
    const common = { NODE_ENV: 'development', DEV_KEYS_PATH: keysPath, HOST: '127.0.0.1' };
    for (const name of ['clients', 'services', 'documents', 'audit'] as const) {
      processes.push(
        start(
          name,
          cleanEnv({
            ...common,
            PORT: String(ports[name]),
            DATABASE_URL: roleDb.urlFor(name),
            ...(name === 'audit' ? { AUDIT_CHECKPOINT_DIR: path.join(keysDir, 'checkpoints'), AUDIT_CHECKPOINT_KEY_FILE: path.join(keysDir, 'checkpoint-key.json') } : {}),
          }),
        ),
      );
    }
    processes.push(
      start(
        'gateway',
        cleanEnv({
          ...common,
          GATEWAY_PORT: String(ports.gateway),
          DATABASE_URL: roleDb.urlFor('gateway'),
          CLIENTS_URL: `http://127.0.0.1:${ports.clients}/graphql`,
          SERVICES_URL: `http://127.0.0.1:${ports.services}/graphql`,
          DOCUMENTS_URL: `http://127.0.0.1:${ports.documents}/graphql`,
          AUDIT_URL: `http://127.0.0.1:${ports.audit}/graphql`,
        }),
      ),
    );
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    for (const p of processes) await waitReady(p, `http://127.0.0.1:${ports[p.name as keyof typeof ports]}`);
  }, 180_000);

  afterAll(async () => {
    await stopAll(processes);
    await roleDb?.dispose();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  }, 60_000);

  it('serves a client page across three subgraphs to a development token, each service on its own role', async () => {
    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `query ($id: ID!) { client(id: $id) { id displayName relationships { serviceTask } decisions { type } documents { type title } } }`,
        variables: { id: DEMO.clients.childWelfareOpen },
      }),
    });
    const body = (await res.json()) as { data?: { client: { id: string; relationships: unknown[]; decisions: unknown[]; documents: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(body.data?.client.id).toBe(DEMO.clients.childWelfareOpen);
    expect(body.data?.client.decisions.length).toBeGreaterThan(0);
    expect(body.data?.client.documents.length).toBeGreaterThan(0);
    // The subgraphs wrote the request's access-log entries, as their own roles.
    const requestId = res.headers.get('x-request-id');
    const sql = postgres(roleDb.adminUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ subgraph: string }[]>`SELECT DISTINCT subgraph FROM audit.entries WHERE request_id = ${requestId!}`;
      expect(rows.map((r) => r.subgraph).sort()).toEqual(['clients', 'documents', 'services']);
    } finally {
      await sql.end();
    }
  });

  it('no service migrated on start: the schema is exactly what the migrate command applied', async () => {
    const sql = postgres(roleDb.adminUrl, { max: 1, onnotice: () => {} });
    try {
      const [{ count }] = (await sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`) as unknown as [{ count: number }];
      const journal = JSON.parse(readFileSync(dist('drizzle/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(count).toBe(journal.entries.length);
      // Every table is the owner's: no service role created anything.
      const foreign = await sql`SELECT schemaname, tablename, tableowner FROM pg_tables
        WHERE schemaname IN ('access','clients','services','documents','lifecycle','history','audit','drizzle') AND tableowner <> ${roleDb.roleName('owner')}`;
      expect(foreign).toEqual([]);
    } finally {
      await sql.end();
    }
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const codes = await stopAll(processes);
    expect(codes).toEqual(processes.map(() => 0));
  }, 60_000);
});

describeOnPostgres('MIGRATE_ON_START (PostgreSQL)', () => {
  const admin = () => postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
  const name = `vartija_build_${process.pid}_${Date.now().toString(36)}`;
  let url = '';

  beforeAll(async () => {
    await ensureBuilt();
    const sql = admin();
    await sql.unsafe(`CREATE DATABASE ${name}`);
    await sql.end();
    const u = new URL(DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    const sql = admin();
    await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await sql.end();
  });

  it('unset on PostgreSQL, a subgraph does not migrate and is not ready; set to true, it migrates and is ready', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vartija-migrate-on-start-'));
    const keys = await generateDevKeys();
    writeFileSync(path.join(dir, 'dev-keys.json'), JSON.stringify(keys));
    const env = (extra: Record<string, string>) =>
      cleanEnv({ NODE_ENV: 'development', DEV_KEYS_PATH: path.join(dir, 'dev-keys.json'), DATABASE_URL: url, ...extra });
    try {
      const port = await freePort();
      const plain = start('services', env({ PORT: String(port) }));
      await expect(waitReady(plain, `http://127.0.0.1:${port}`, 3_000)).rejects.toThrow(/not ready/);
      expect(await stopAll([plain])).toEqual([0]);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        expect(await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NULL AS fresh`).toEqual([{ fresh: true }]);
      } finally {
        await sql.end();
      }

      const port2 = await freePort();
      const migrating = start('services', env({ PORT: String(port2), MIGRATE_ON_START: 'true' }));
      await waitReady(migrating, `http://127.0.0.1:${port2}`);
      expect(await stopAll([migrating])).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
