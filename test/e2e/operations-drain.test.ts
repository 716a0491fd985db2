/**
 * Issue 14 item 4: graceful drain. On SIGTERM a service stops taking requests (503 with a clear JSON
 * error, `/ready` 503, `/live` still 200), lets the requests in flight finish, and exits 0. `npm start`
 * passes SIGTERM on and leaves no process behind; while it runs, its embedded database is locked.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirLockedError, DEMO, LOCK_FILE_NAME, openDatabase } from '@vartija/db';
import { type AuditSink, DbAuditSink } from '@vartija/kit';
import { baseOf, eventually, fetchOnNewConnection, type ObservedStack, startObservedStack } from './operations/observed-stack';

const ROOT = path.join(__dirname, '..', '..');
const CLIENT = `query ClientPage($id: ID!) { client(id: $id) { displayName documents { title } } }`;
const variables = { id: DEMO.clients.childWelfareOpen };

interface Answer {
  status: number;
  body: { data?: { client?: { displayName?: string } } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  headers: Headers;
}

/** Each on a connection of its own: a drain closes idle pooled ones, which a reused one could race. */
async function send(url: string, token: string): Promise<Answer> {
  const response = await fetchOnNewConnection(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CLIENT, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'], headers: response.headers };
}

function expectDrainRefusal(answer: Answer) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('5');
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'draining' });
  expect(answer.body.errors?.[0]?.message).toMatch(/shutting down.*again/);
}

describe('drain in process: a slow request finishes, new ones are refused', () => {
  let t: ObservedStack;
  let entered: () => void = () => {};
  let slowMs = 0;
  beforeAll(async () => {
    let real: DbAuditSink | undefined;
    const slowSink: AuditSink = {
      async write(batch, via) {
        entered();
        await new Promise((resolve) => setTimeout(resolve, slowMs));
        real ??= new DbAuditSink(t.database.db);
        await real.write(batch, via);
      },
    };
    t = await startObservedStack({ auditSink: slowSink });
  });
  afterAll(() => t?.close());

  it('finishes the request in flight with its data, answers 503 to new ones, and reports not ready', async () => {
    const token = await t.tokenFor('sw-child');
    slowMs = 1_500;
    const inFlight = new Promise<void>((resolve) => (entered = resolve));
    const slow = send(t.stack.gatewayUrl, token);
    await inFlight;
    const drained = t.stack.drain(15_000);
    const refused = await send(t.stack.gatewayUrl, token);
    expectDrainRefusal(refused);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetchOnNewConnection(`${baseOf(t.stack.gatewayUrl)}/ready`)).status).toBe(503);
    expect((await fetchOnNewConnection(`${baseOf(t.stack.gatewayUrl)}/live`)).status).toBe(200);
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body.data?.client?.displayName).toEqual(expect.any(String));
    expect(answer.body.errors).toBeUndefined();
    await expect(drained).resolves.toBe(true);
    await eventually(() => t.lines.some((l) => l['outcome'] === 'SERVICE_UNAVAILABLE' && l['route'] === 'other'), 'the refusal in the request log');
  });
});

/** Starts a process; collects its stdout lines; resolves the first line that `ready` accepts. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, ready: (line: string) => boolean) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(command, args, { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  const readyLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (ready(line)) resolve(line);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready:\n${lines.join('\n')}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, readyLine, exited };
}

/** Processes (by /proc) whose environment holds `marker`: what a test started and what those started. */
function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('drain of a real process on SIGTERM', () => {
  let started: ReturnType<typeof startProcess> | undefined;
  afterEach(() => {
    if (started?.child.exitCode === null) started.child.kill('SIGKILL');
  });

  it('lets the slow request finish after SIGTERM, refuses new ones, and exits 0', async () => {
    started = startProcess('node', ['--import', 'tsx', path.join(__dirname, 'operations', 'drain-process.ts')], { DRAIN_TEST_WRITE_DELAY_MS: '1500' }, (line) =>
      line.includes('"type":"ready"'),
    );
    const { gatewayUrl, token } = JSON.parse(await started.readyLine) as { gatewayUrl: string; token: string };
    const slow = send(gatewayUrl, token);
    await new Promise((resolve) => setTimeout(resolve, 500));
    started.child.kill('SIGTERM');
    await eventually(() => started!.lines.some((l) => l.includes('"msg":"draining')), 'the drain to begin');
    expectDrainRefusal(await send(gatewayUrl, token));
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body.data?.client?.displayName).toEqual(expect.any(String));
    expect(await started.exited).toBe(0);
    expect(started.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });

  it('npm start: the embedded database is locked while it runs; SIGTERM to npm leaves no process behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vartija-start-'));
    const marker = `VARTIJA_DRAIN_TEST=${path.basename(dir)}`;
    const dataDir = path.join(dir, 'pglite');
    try {
      started = startProcess(
        'npm',
        ['start'],
        { [marker.split('=')[0]!]: marker.split('=')[1]!, DATABASE_URL: undefined, PGLITE_DATA_DIR: dataDir, DEV_KEYS_PATH: path.join(dir, 'keys.json'), GATEWAY_PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'info' },
        (line) => line.startsWith('Vartija gateway:'),
      );
      const gatewayUrl = /(http:\/\/\S+)\/graphql/.exec(await started.readyLine)![1]!;
      expect((await fetch(`${gatewayUrl}/ready`)).status).toBe(200);

      // The lock names the server's pid; a second opener (a CLI) is refused with what to do.
      const lock = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8')) as { pid: number };
      expect(processesMarked(marker)).toContain(lock.pid);
      const refusal = await openDatabase({ dataDir }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(DataDirLockedError);
      expect((refusal as Error).message).toMatch(new RegExp(`in use by process ${lock.pid}.*stop that process first.*DATABASE_URL`, 's'));

      expect(processesMarked(marker).length).toBeGreaterThanOrEqual(2);
      started.child.kill('SIGTERM');
      await started.exited;
      await eventually(() => processesMarked(marker).length === 0, 'every process of npm start to end', 20_000);
      expect(started.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
      // Released: the next process opens it.
      const reopened = await openDatabase({ dataDir });
      await reopened.close();
    } finally {
      for (const pid of processesMarked(marker)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
