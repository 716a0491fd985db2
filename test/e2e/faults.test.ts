/**
 * Fault suite (issue 10, item 5): under a steady load of mixed personas, the database connections are
 * terminated (and the database refuses connections for a while), a subgraph is stopped and started
 * again, access-log inserts fail at random and Redis is stopped and started again. Counted: sensitive
 * values returned without their log entry, process crashes, errors without a code (or a 500), and how
 * long each recovery takes once the dependency is back.
 *
 * The stack runs as its own process (test/testkit/fault-stack.ts) so that a crash is a process crash.
 * PostgreSQL only: the embedded PGlite has no connections to terminate and no server to stop.
 */
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { DEMO, DEMO_PARTNER_TOKEN, postgresDriverRepaired, seedDemoWorld } from '@vartija/db';
import { generateDevKeys, type SubgraphName } from '@vartija/gateway';
import { rowsOf, SENSITIVE_FIELDS, unavailableDependency } from '@vartija/kit';
import { signDevToken } from '@vartija/tools';
import { sql } from 'drizzle-orm';
import type { GraphQLFormattedError } from 'graphql';
import postgres from 'postgres';
import { createTestDatabase, type TestDatabase } from '../testkit/database';
import type { FaultStackReady } from '../testkit/fault-stack';

const DATABASE_URL = process.env['DATABASE_URL'];
const SKIP_REASON = 'fault suite skipped: needs PostgreSQL (set DATABASE_URL) — on the embedded PGlite there are no connections to terminate';
if (!DATABASE_URL) console.warn(SKIP_REASON);
const describeOnPostgres = DATABASE_URL ? describe : describe.skip;

const CLIENT_PAGE = /* GraphQL */ `
  query ClientPage($id: ID!) {
    client(id: $id) {
      __typename id displayName personalIdentityCode phone address { street postOffice }
      relationships { __typename id startedOn endedOn unit { id name } }
      decisions { __typename id type legalSection }
      placements { __typename id kind careDays { __typename day costCents } }
      documents { __typename id type title revisions { __typename revision reason } }
    }
  }
`;
const LIST = /* GraphQL */ `
  query List { clients(first: 10) { nodes { __typename id displayName personalIdentityCode address { postOffice } documents { __typename id title } } } }
`;

interface Load {
  name: string;
  auth: () => Promise<string>;
  query: string;
  variables: Record<string, unknown>;
  /** Pause between this persona's requests (ms): a steady, modest load. */
  pauseMs: number;
}

interface Sample {
  persona: string;
  startedAt: number;
  endedAt: number;
  status: number;
  requestId: string | null;
  data: Record<string, unknown> | null;
  errors: GraphQLFormattedError[];
  /** Network failure or timeout of the request itself (no HTTP answer). */
  transportError?: string;
}

const SENSITIVE = new Set(SENSITIVE_FIELDS.map((f) => `${f.type}.${f.field}`));
const NO_ID = new Set(['CareDay', 'DocumentRevision']);

/** Every non-null sensitive (type, id, field) value in a response. */
function sensitiveValues(data: unknown, out: string[] = []): string[] {
  if (Array.isArray(data)) data.forEach((item) => sensitiveValues(item, out));
  else if (data && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    const type = object['__typename'];
    for (const [key, value] of Object.entries(object)) {
      if (typeof type === 'string' && SENSITIVE.has(`${type}.${key}`) && value !== null && value !== undefined) {
        out.push(`${type}|${NO_ID.has(type) ? '-' : String(object['id'])}|${key}`);
      }
      sensitiveValues(value, out);
    }
  }
  return out;
}

const codeOf = (e: GraphQLFormattedError) => e.extensions?.['code'];
/** What a persona gets when nothing is wrong: an answer whose only errors are the policy's own refusals. */
const healthy = (s: Sample) => s.status === 200 && s.data !== null && s.errors.every((e) => codeOf(e) === 'FORBIDDEN');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** A throwaway Redis on its own port (never the machine's Redis), killed and restarted by the test. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 5 s')), 5_000);
    redis.once('error', reject);
    redis.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return redis;
}

function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describeOnPostgres(DATABASE_URL ? 'fault suite (PostgreSQL): failures stay closed and clear, never a crash' : SKIP_REASON, () => {
  let testDb: TestDatabase;
  let admin: postgres.Sql;
  let dbName: string;
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let stack: ChildProcess;
  let gatewayUrl: string;
  const stackLog: string[] = [];
  let stackExits = 0;
  let stopping = false;
  let stopLoad = () => {};
  let tokens: Record<string, string>;

  let nextId = 1;
  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  const command = (message: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`fault stack did not answer ${JSON.stringify(message)}`)), 10_000);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply['ok']) resolve(reply);
        else reject(new Error(String(reply['error'])));
      });
      stack.send({ id, ...message });
    });

  beforeAll(async () => {
    testDb = await createTestDatabase();
    await seedDemoWorld(testDb.database.db);
    dbName = new URL(testDb.url!).pathname.slice(1);
    admin = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
    const keys = await generateDevKeys();
    redisPort = await freePort();
    redis = await startRedis(redisPort);

    stack = fork(path.join(__dirname, '..', 'testkit', 'fault-stack.ts'), [], {
      cwd: path.join(__dirname, '..', '..'),
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        FAULT_DATABASE_URL: testDb.url!,
        FAULT_KEYS: JSON.stringify(keys),
        FAULT_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [stack.stdout!, stack.stderr!]) stream.on('data', (chunk: Buffer) => stackLog.push(...chunk.toString().split('\n').filter(Boolean)));
    stack.on('exit', (code, signal) => {
      stackExits += 1;
      if (!stopping) console.log(`fault stack exited (${code ?? signal}); its last log lines:\n${stackLog.slice(-80).join('\n')}`);
    });
    const ready = await new Promise<FaultStackReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fault stack did not start:\n${stackLog.join('\n')}`)), 30_000);
      stack.on('message', (message: Record<string, unknown>) => {
        if (message['type'] === 'ready') {
          clearTimeout(timer);
          resolve(message as unknown as FaultStackReady);
        } else if (typeof message['id'] === 'number') {
          pending.get(message['id'])?.(message);
          pending.delete(message['id']);
        }
      });
      stack.once('exit', (code) => reject(new Error(`fault stack exited (${code}):\n${stackLog.join('\n')}`)));
    });
    gatewayUrl = ready.gatewayUrl;
    tokens = Object.fromEntries(
      await Promise.all(['sw-child', 'mgr-child', 'student-child', 'billing', 'sw-adult'].map(async (login) => [login, await signDevToken(keys.tokenSigning.privateJwk, login)])),
    );
  }, 45_000);

  afterAll(async () => {
    stopLoad();
    stopping = true;
    await stopProcess(stack, 'SIGTERM');
    await stopProcess(redis);
    await admin?.unsafe(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await testDb?.dispose();
  }, 20_000);

  it('a transaction whose connection is terminated fails as "database unavailable"; the pool serves the next queries', async () => {
    // postgres.js 3.4.9 crashed the process here (its automatic ROLLBACK written to the closed socket
    // from a setImmediate), and answered the first query after reconnecting with the dead session's error.
    expect(postgresDriverRepaired()).toBe(true);
    const { db } = testDb.database;
    let pid: number | undefined;
    const transaction = db.transaction(async (tx) => {
      pid = Number(rowsOf<{ pid: number }>(await tx.execute(sql`SELECT pg_backend_pid() AS pid`))[0]!.pid);
      await tx.execute(sql`SELECT pg_sleep(3)`);
    });
    while (pid === undefined) await sleep(10);
    await admin`SELECT pg_terminate_backend(${pid})`;
    const failure = await transaction.then(() => null, (error: unknown) => error);
    expect(unavailableDependency(failure)).toBe('database');
    const started = Date.now();
    for (let i = 0; i < 10; i++) expect(rowsOf(await db.execute(sql`SELECT 1 AS one`))).toEqual([{ one: 1 }]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await sleep(50); // a deferred write on the dead socket would surface here as an uncaught error
  });

  it('a connection lost while it is being opened leaves no unhandled rejection (which ends a Node process)', async () => {
    // postgres.js 3.4.9 reads the array types right after connecting and left that query's rejection
    // unhandled when the connection died meanwhile. Run in a process of its own, counting.
    const script = `
      const postgres = require('postgres');
      let unhandled = 0, failed = 0, stop = false;
      process.on('unhandledRejection', () => { unhandled += 1; });
      (async () => {
        const url = process.env.PROBE_URL;
        const killer = postgres(url, { max: 1, onnotice() {} });
        const kill = (async () => { while (!stop) await killer\`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'vartija-probe'\`; })();
        for (let i = 0; i < 30; i++) {
          const sql = postgres(url, { max: 1, onnotice() {}, connection: { application_name: 'vartija-probe' } });
          await sql\`SELECT 1\`.catch(() => { failed += 1; });
          await sql.end({ timeout: 0 }).catch(() => {});
        }
        stop = true;
        await kill;
        await killer.end();
        setTimeout(() => console.log(JSON.stringify({ unhandled, failed })), 100);
      })();`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), env: { ...process.env, PROBE_URL: testDb.url! }, timeout: 30_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    const { unhandled, failed } = JSON.parse(output) as { unhandled: number; failed: number };
    expect(failed).toBeGreaterThan(0); // the connections were lost
    expect(unhandled).toBe(0);
  });

  it('loses no log entry, never crashes, answers every failure with a code, and recovers within seconds', async () => {
    const loads: Load[] = [
      { name: 'sw-child', auth: async () => tokens['sw-child']!, query: CLIENT_PAGE, variables: { id: DEMO.clients.childWelfareOpen }, pauseMs: 150 },
      { name: 'student-child', auth: async () => tokens['student-child']!, query: CLIENT_PAGE, variables: { id: DEMO.clients.childWelfareOpen }, pauseMs: 250 },
      { name: 'billing', auth: async () => tokens['billing']!, query: CLIENT_PAGE, variables: { id: DEMO.clients.childWelfareOpen }, pauseMs: 250 },
      { name: 'mgr-child', auth: async () => tokens['mgr-child']!, query: LIST, variables: {}, pauseMs: 250 },
      { name: 'sw-adult', auth: async () => tokens['sw-adult']!, query: LIST, variables: {}, pauseMs: 250 },
      { name: 'majakka', auth: async () => DEMO_PARTNER_TOKEN, query: CLIENT_PAGE, variables: { id: DEMO.clients.majakkaActive[0] }, pauseMs: 250 },
    ];
    const samples: Sample[] = [];
    let running = true;
    stopLoad = () => {
      running = false;
    };
    const worker = async (load: Load) => {
      while (running) {
        const startedAt = Date.now();
        try {
          const res = await fetch(`${gatewayUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await load.auth()}` },
            body: JSON.stringify({ query: load.query, variables: load.variables }),
            signal: AbortSignal.timeout(15_000),
          });
          const body = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
          samples.push({
            persona: load.name,
            startedAt,
            endedAt: Date.now(),
            status: res.status,
            requestId: res.headers.get('x-request-id'),
            data: body.data ?? null,
            errors: body.errors ?? [],
          });
        } catch (error) {
          samples.push({ persona: load.name, startedAt, endedAt: Date.now(), status: 0, requestId: null, data: null, errors: [], transportError: String(error) });
        }
        await sleep(load.pauseMs);
      }
    };
    const workers = loads.map(worker);
    const testStart = Date.now();
    const windows: Record<string, { from: number; to: number }> = {};
    /** Recovery: from the moment the dependency is back to the first healthy answer of a request sent after it, per persona. */
    const recoveryMs: Record<string, number> = {};
    const recoveryAfter = async (fault: string, since: number) => {
      const deadline = Date.now() + 20_000;
      const recovered = () => loads.every((l) => samples.some((s) => s.persona === l.name && s.startedAt >= since && healthy(s)));
      while (!recovered() && Date.now() < deadline) await sleep(50);
      const firsts = loads.map((l) => samples.filter((s) => s.persona === l.name && s.startedAt >= since && healthy(s)).map((s) => s.endedAt).sort((a, b) => a - b)[0]);
      recoveryMs[fault] = firsts.some((f) => f === undefined) ? Infinity : Math.max(...(firsts as number[])) - since;
    };

    await sleep(1_500); // a healthy baseline first

    // (a) the database: every connection terminated, three times under load; then the database refuses
    // connections for two seconds (PostgreSQL down), then takes them again.
    windows['a'] = { from: Date.now(), to: 0 };
    for (let i = 0; i < 3; i++) {
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`;
      await sleep(400);
    }
    await admin.unsafe(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`;
    await sleep(2_000);
    await admin.unsafe(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    windows['a'].to = Date.now();
    await recoveryAfter('database', windows['a'].to);

    // (b) one subgraph (documents) stopped for three seconds, then started again.
    const stopped: SubgraphName = 'documents';
    await command({ cmd: 'stop-subgraph', name: stopped });
    windows['b'] = { from: Date.now(), to: 0 };
    await sleep(3_000);
    await command({ cmd: 'start-subgraph', name: stopped });
    windows['b'].to = Date.now();
    await recoveryAfter('subgraph', windows['b'].to);

    // (c) access-log inserts failing at random (a third of them) for three seconds.
    await command({ cmd: 'audit-failures', rate: 0.33 });
    windows['c'] = { from: Date.now(), to: 0 };
    await sleep(3_000);
    const { failedInserts } = await command({ cmd: 'audit-failures', rate: 0 });
    windows['c'].to = Date.now();
    await recoveryAfter('access log', windows['c'].to);

    // (d) Redis killed for three seconds, then started again on its port.
    await stopProcess(redis);
    windows['d'] = { from: Date.now(), to: 0 };
    await sleep(3_000);
    redis = await startRedis(redisPort);
    windows['d'].to = Date.now();
    await recoveryAfter('Redis', windows['d'].to);

    await sleep(1_000);
    running = false;
    await Promise.all(workers);
    const durationMs = Date.now() - testStart;
    const counters = await command({ cmd: 'counters' });

    // 0 sensitive values returned without their log entry: reconcile every answer with the entries
    // written under its request id.
    const withValues = samples.filter((s) => s.data && sensitiveValues(s.data).length > 0);
    const ids = [...new Set(withValues.map((s) => s.requestId).filter((id): id is string => id !== null))];
    const logDb = postgres(testDb.url!, { max: 1, onnotice: () => {} });
    const logged = new Map<string, Set<string>>();
    try {
      const entries = await logDb<{ request_id: string; entity_type: string; entity_id: string | null; fields: string[] }[]>`
        SELECT request_id, entity_type, entity_id, fields FROM audit.entries
        WHERE request_id = ANY(${ids}) AND outcome = 'ALLOWED' AND action IN ('READ', 'DISCLOSE')`;
      for (const e of entries) {
        const set = logged.get(e.request_id) ?? new Set<string>();
        for (const f of e.fields) set.add(`${e.entity_type}|${NO_ID.has(e.entity_type) ? '-' : e.entity_id}|${f}`);
        logged.set(e.request_id, set);
      }
    } finally {
      await logDb.end();
    }
    let unlogged = 0;
    const unloggedExamples: string[] = [];
    for (const s of withValues) {
      const own = (s.requestId && logged.get(s.requestId)) || new Set<string>();
      for (const value of sensitiveValues(s.data)) {
        if (!own.has(value)) {
          unlogged += 1;
          if (unloggedExamples.length < 5) unloggedExamples.push(`${s.persona} ${s.requestId}: ${value}`);
        }
      }
    }

    const allErrors = samples.flatMap((s) => s.errors);
    const byCode: Record<string, number> = {};
    for (const e of allErrors) byCode[String(codeOf(e) ?? '(none)')] = (byCode[String(codeOf(e) ?? '(none)')] ?? 0) + 1;
    const byStatus: Record<string, number> = {};
    for (const s of samples) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    const inWindow = (s: Sample, w: { from: number; to: number }) => s.startedAt >= w.from && s.startedAt < w.to;
    // (b): while documents is down, answers keep the other subgraphs' data, and its errors name the path and the service.
    const subgraphDown = samples.filter((s) => inWindow(s, windows['b']!) && s.errors.some((e) => e.extensions?.['serviceName'] === stopped));
    const partial = subgraphDown.filter((s) => s.data && Object.values(s.data).some((v) => v !== null));
    const unnamed = subgraphDown.flatMap((s) => s.errors).filter((e) => codeOf(e) === 'SERVICE_UNAVAILABLE' && (!e.path || e.extensions?.['serviceName'] !== stopped));
    // (d) and the database outage: refusals are 503 SERVICE_UNAVAILABLE naming the dependency.
    const redisDown = samples.filter((s) => inWindow(s, windows['d']!) && !healthy(s));
    /** What the clients got during each fault (the policy's own FORBIDDEN aside). */
    const during = (w: { from: number; to: number }) => {
      const inside = samples.filter((s) => inWindow(s, w));
      const count = (values: (string | number)[]) => {
        const out: Record<string, number> = {};
        for (const v of values) out[v] = (out[v] ?? 0) + 1;
        return out;
      };
      const errors = inside.flatMap((s) => s.errors).filter((e) => codeOf(e) !== 'FORBIDDEN');
      return {
        answers: inside.length,
        healthy: inside.filter(healthy).length,
        statuses: count(inside.map((s) => s.status)),
        codes: count(errors.map((e) => String(codeOf(e)))),
        reasons: [...new Set(errors.map((e) => `${codeOf(e)}: ${String(e.extensions?.['reason'] ?? e.message)}`))],
      };
    };
    const report = {
      durationMs,
      requests: samples.length,
      healthy: samples.filter(healthy).length,
      byStatus,
      byCode,
      errorsWithoutCode: allErrors.filter((e) => typeof codeOf(e) !== 'string').length,
      internalServerErrors: (byCode['INTERNAL_SERVER_ERROR'] ?? 0) + (byStatus['500'] ?? 0),
      transportErrors: samples.filter((s) => s.transportError).length,
      answersWithSensitiveValues: withValues.length,
      sensitiveValuesChecked: withValues.reduce((n, s) => n + sensitiveValues(s.data).length, 0),
      unlogged,
      unloggedExamples,
      processCrashes: stackExits + Number(counters['uncaughtExceptions']) + Number(counters['unhandledRejections']),
      counters,
      injectedLogInsertFailures: failedInserts,
      subgraphDown: { answers: subgraphDown.length, partial: partial.length, errorsWithoutPathOrService: unnamed.length },
      redisDown: { refused: redisDown.length, codes: [...new Set(redisDown.flatMap((s) => s.errors.map(codeOf)))], statuses: [...new Set(redisDown.map((s) => s.status))] },
      recoveryMs,
      perFault: {
        a_database: during(windows['a']!),
        b_subgraph: during(windows['b']!),
        c_accessLog: during(windows['c']!),
        d_redis: during(windows['d']!),
      },
    };
    console.log(`fault suite: ${JSON.stringify(report, null, 2)}`);
    if (report.processCrashes || report.errorsWithoutCode || report.internalServerErrors || report.transportErrors) {
      console.log(stackLog.filter((line) => /unhandled|uncaught|fatal/i.test(line)).concat(stackLog.slice(-20)).join('\n'));
    }

    expect(report.unlogged).toBe(0);
    expect(report.processCrashes).toBe(0);
    expect(report.errorsWithoutCode).toBe(0);
    expect(report.internalServerErrors).toBe(0);
    expect(report.transportErrors).toBe(0);
    // Every code is one a client can act on.
    for (const code of Object.keys(byCode)) expect(['FORBIDDEN', 'SERVICE_UNAVAILABLE', 'AUDIT_UNAVAILABLE', 'RATE_LIMITED']).toContain(code);
    // The faults were felt (else this suite proves nothing) ...
    expect(byCode['SERVICE_UNAVAILABLE'] ?? 0).toBeGreaterThan(0);
    expect(byCode['AUDIT_UNAVAILABLE'] ?? 0).toBeGreaterThan(0);
    expect(report.subgraphDown.answers).toBeGreaterThan(0);
    // ... answered with the other subgraphs' data, errors naming path and service ...
    expect(report.subgraphDown.partial).toBe(report.subgraphDown.answers);
    expect(report.subgraphDown.errorsWithoutPathOrService).toBe(0);
    // ... Redis down is a 503, not a 500 ...
    expect(report.redisDown.refused).toBeGreaterThan(0);
    expect(report.redisDown.statuses).toEqual([503]);
    expect(report.redisDown.codes).toEqual(['SERVICE_UNAVAILABLE']);
    // ... and every dependency back is every persona served again within seconds.
    for (const ms of Object.values(recoveryMs)) expect(ms).toBeLessThan(5_000);
    expect(durationMs).toBeLessThan(45_000);
  }, 60_000);
});
