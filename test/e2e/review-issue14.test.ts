/**
 * Attacker's and operator's review of issue 14 (observability, health, drain, data-dir lock, CORS, trusted
 * proxies, CLIs, config strictness, database roles, deployment kit). Every test asserts the SECURE
 * behaviour: a failing test is a hole.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clients, DEMO, entries, openDatabase, organisations, persistedOperations } from '@vartija/db';
import { type CliIo, DbAuditSink, describeCliError, registerInMemoryTracing, type Tracing } from '@vartija/kit';
import { readDbConfig } from '@vartija/db';
import { readGatewayConfig } from '@vartija/gateway';
import type { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { acquireDataDirLock } from '../../drizzle/src/data-dir-lock';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { createRoleDatabase, type RoleDatabase, SERVICE_ROLES } from './deploy-support';
import { baseOf, eventually, fetchOnNewConnection, type ObservedStack, startObservedStack } from './operations/observed-stack';

const ROOT = path.join(__dirname, '..', '..');
const APP = 'https://app.example.fi';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Other helpers are moving the CLIs out of gateway/src: find a module by file name wherever it is now. */
function loadModule<T>(file: string): T {
  const roots = ['tools', 'gateway/src'];
  const walk = (dir: string): string | null => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return null;
    }
    for (const name of names) {
      if (name === 'node_modules' || name === 'dist') continue;
      const full = path.join(dir, name);
      if (name === file) return full;
      if (statSync(full).isDirectory()) {
        const found = walk(full);
        if (found) return found;
      }
    }
    return null;
  };
  for (const root of roots) {
    const found = walk(path.join(ROOT, root));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (found) return require(found) as T;
  }
  throw new Error(`${file} not found under ${roots.join(', ')}`);
}

type PartnerCli = { runPartnerTokenCommand(argv: string[], database: ObservedStack['database'], io: CliIo): Promise<number> };
type TokenCli = { main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } satisfies CliIo, out, err };
}

let tracing: Tracing & { exporter: InMemorySpanExporter };
let t: ObservedStack;
let person: { first: string; last: string; pic: string; id: string };

beforeAll(async () => {
  tracing = registerInMemoryTracing();
  // 192.0.2.1 is the only trusted proxy: the test's loopback peer is an untrusted caller.
  // The gateway's /metrics on a port of its own (METRICS_PORT), as a deployment runs it: the scraper reads it there.
  t = await startObservedStack({ corsOrigins: [APP], trustedProxies: ['192.0.2.1'], metricsPort: 0 });
  const rows = await t.database.db.select({ id: clients.id, first: clients.firstName, last: clients.lastName, pic: clients.personalIdentityCode }).from(clients);
  const ascii = rows.find((r) => /^[A-Za-z]{4,}$/.test(r.first ?? '') && /^[A-Za-z]{4,}$/.test(r.last ?? '') && r.pic);
  person = { id: ascii!.id, first: ascii!.first!, last: ascii!.last!, pic: ascii!.pic! };
}, 120_000);
afterAll(async () => {
  await t?.close();
  await tracing?.shutdown();
});

/** A subgraph's /metrics (its own port), or without a URL the gateway's, on its metrics port. */
const metricsText = async (url?: string) => (await fetch(url ? `${baseOf(url)}/metrics` : t.stack.gatewayMetricsUrl!)).text();
const allMetrics = async () => [await metricsText(), ...(await Promise.all(Object.values(t.stack.subgraphUrls).map((u) => metricsText(u))))].join('\n');
const logText = () => JSON.stringify(t.lines);
const spanText = () => JSON.stringify(tracing.exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })));

describe('personal data in /metrics, the request log and spans', () => {
  it('/metrics holds no id, name or identity code after requests with personal data in variables', async () => {
    const query = 'query ClientPage($id: ID!) { client(id: $id) { displayName personalIdentityCode } }';
    const response = await t.post({ query, variables: { id: person.id } }, { as: 'sw-child' });
    expect(response.status).toBe(200);
    const search = await t.post({ query: 'query S($p: String) { clients(first: 2, filter: { lastNamePrefix: $p }) { nodes { id } } }', variables: { p: person.last } }, { as: 'sw-child' });
    expect(search.status).toBe(200);
    await eventually(() => t.lines.some((l) => l['requestId'] === search.headers.get('x-request-id')), 'the log line');
    const text = await allMetrics();
    for (const secret of [person.id, person.first, person.last, person.pic]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(UUID);
    for (const secret of [person.id, person.first, person.last, person.pic]) {
      expect(logText()).not.toContain(secret);
      expect(spanText()).not.toContain(secret);
    }
  });

  it("an operation NAMED after a person (caller's choice) does not put the name into /metrics, the log or span attributes", async () => {
    const name = `${person.first}_${person.last}`;
    const response = await t.post({ query: `query ${name} { me { id } }` }, { as: 'sw-child' });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    await eventually(() => t.lines.some((l) => l['requestId'] === id), 'the log line');
    expect({ metrics: (await allMetrics()).includes(person.last), log: logText().includes(person.last), spans: spanText().includes(person.last) }).toEqual({
      metrics: false,
      log: false,
      spans: false,
    });
  });

  it("an unauthenticated caller's operation names never become labels", async () => {
    const names = Array.from({ length: 5 }, () => `Anon_${randomBytes(6).toString('hex')}`);
    for (const name of names) {
      const r = await t.post({ query: `query ${name} { me { id } }` }, { token: 'not.a.token' });
      expect(r.status).toBe(401);
    }
    const text = await allMetrics();
    for (const name of names) expect(text).not.toContain(name);
  });

  it('a partner token with an allowlist cannot inject operation names it may not run', async () => {
    const [region] = await t.database.db.select({ code: organisations.code }).from(organisations).where(eq(organisations.kind, 'WELFARE_REGION')).limit(1);
    const { runPartnerTokenCommand } = loadModule<PartnerCli>('partner-token-cli.ts');
    const io = capture();
    // An allowlist names registered operations only.
    const allowed = 'query Allowed { me { id } }';
    await t.database.db
      .insert(persistedOperations)
      .values({ id: 'Allowed.000000000000', sha256: createHash('sha256').update(allowed).digest('hex'), document: allowed, operationName: 'Allowed' })
      .onConflictDoNothing();
    await runPartnerTokenCommand(['issue', '--organisation', 'majakka', '--name', 'review', '--scopes', 'clients:read', '--operations', 'Allowed.000000000000', '--issuer', region!.code, '--operator', 'review'], t.database, io.io);
    const token = io.out[io.out.length - 1]!;
    const name = `Injected_${randomBytes(6).toString('hex')}`;
    const r = await t.post({ query: `query ${name} { __typename }` }, { token });
    expect(r.status).toBe(403);
    expect(await allMetrics()).not.toContain(name);
  });

  it('random operation names cannot blow up the label set (per service at most 300 names + the fixed ones)', async () => {
    const token = await t.tokenFor('admin');
    for (let i = 0; i < 320; i++) {
      await fetch(`${t.stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `query R${randomBytes(8).toString('hex')} { me { id } }` }),
      }).then((r) => r.text());
    }
    for (const url of [t.stack.gatewayUrl, ...Object.values(t.stack.subgraphUrls)]) {
      const labels = new Set([...(await metricsText(url)).matchAll(/vartija_http_requests_total\{[^}]*operation="([^"]*)"/g)].map((m) => m[1]));
      expect(labels.size).toBeLessThanOrEqual(300 + 4);
    }
    // Unknown names never reach the cap: every one of them is the one label (unlisted).
    expect(await metricsText()).toContain('operation="(unlisted)"');
  }, 120_000);
});

describe('/ready and /metrics to unauthenticated callers', () => {
  it('/ready says which dependency is not ready, never a URL, host, port or error message', async () => {
    for (const url of [t.stack.gatewayUrl, ...Object.values(t.stack.subgraphUrls)]) {
      const response = await fetch(`${baseOf(url)}/ready`);
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('ready');
      for (const [name, state] of Object.entries(body.checks)) {
        expect(name).toMatch(/^[a-z]+$/);
        expect(state).toMatch(/^(ok|unavailable|not migrated|not ready|timeout|HTTP \d{3})$/);
      }
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|localhost|:\d{2,5}|postgres|Error/);
    }
  });

  it("the gateway's public port does not serve /metrics to an anonymous internet caller (operation names, DENIED counts, process internals)", async () => {
    // Decision: /ready's few words are acceptable in public; /metrics is not (the kit's NetworkPolicy admits the
    // gateway's port from anywhere). A separate metrics port, or a bearer token for the scraper, would close this.
    const response = await fetch(`${baseOf(t.stack.gatewayUrl)}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(response.status).not.toBe(200);
  });
});

describe('caller address, request id and trace from an untrusted peer', () => {
  it('X-Forwarded-For, X-Real-IP and Forwarded from an untrusted peer do not change the access log caller address', async () => {
    const response = await t.post(
      { query: 'query P($id: ID!) { client(id: $id) { displayName } }', variables: { id: DEMO.clients.childWelfareOpen } },
      { as: 'sw-child', headers: { 'x-forwarded-for': '203.0.113.66', 'x-real-ip': '203.0.113.67', forwarded: 'for=203.0.113.68' } },
    );
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id')!;
    const logged = await t.database.db.select({ caller: entries.callerAddress }).from(entries).where(eq(entries.requestId, requestId));
    expect(logged.length).toBeGreaterThan(0);
    for (const row of logged) expect(row.caller).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  });

  it("ignores a client's x-request-id and a forged traceparent", async () => {
    tracing.exporter.reset();
    const forgedTrace = 'ab'.repeat(16);
    const forgedId = '00000000-0000-4000-8000-000000000000';
    const response = await t.post({ query: 'query Me { me { id } }' }, { as: 'sw-child', headers: { traceparent: `00-${forgedTrace}-00f067aa0ba902b7-01`, 'x-request-id': forgedId } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).not.toBe(forgedId);
    await eventually(() => tracing.exporter.getFinishedSpans().some((s) => s.attributes['vartija.service'] === 'gateway'), 'the gateway span');
    expect(tracing.exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).not.toContain(forgedTrace);
    expect(logText()).not.toContain(forgedId);
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method = 'POST', headers = 'authorization, content-type') =>
    fetch(`${t.stack.gatewayUrl}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

  it('refuses look-alike origins, null, other schemes and ports: no CORS header on preflight or request', async () => {
    for (const origin of ['https://evil-app.example.fi', 'https://app.example.fi.evil.example', 'https://evilapp.example.fi', 'http://app.example.fi', 'https://app.example.fi:8443', 'null', 'https://APP.example.fi', `${APP}/`, `${APP}.`]) {
      const pre = await preflight(origin);
      expect({ origin, status: pre.status, acao: pre.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 403, acao: null });
      const plain = await t.post({ query: '{ __typename }' }, { as: 'sw-child', headers: { origin } });
      expect({ origin, acao: plain.headers.get('access-control-allow-origin'), acac: plain.headers.get('access-control-allow-credentials') }).toEqual({ origin, acao: null, acac: null });
    }
  });

  it('an allowed origin: no credentials, no reflected method or header, no wildcard', async () => {
    const pre = await preflight(APP, 'DELETE', 'x-evil, authorization');
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    expect(pre.headers.get('access-control-allow-methods')).not.toMatch(/DELETE|PUT|PATCH|\*/);
    expect(pre.headers.get('access-control-allow-headers')).not.toMatch(/x-evil|\*/);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('CORS_ORIGINS refuses *, wildcards, null and paths', () => {
    for (const bad of ['*', 'null', `${APP}/`, `${APP}/graphql`, 'file:///', `${APP}, *`]) {
      expect(() => readGatewayConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('CORS_ORIGINS refuses a wildcard host (https://*.example.fi), which would silently allow no origin at all', () => {
    expect(() => readGatewayConfig({ CORS_ORIGINS: 'https://*.example.fi' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('configuration strictness', () => {
  it('refuses mysql:// and typos without repeating the password', () => {
    for (const bad of ['mysql://u:s3cretpw@db/v', 'postgress://u:s3cretpw@db/v', 'postgres:/u:s3cretpw@db', 'postgres://']) {
      let message = '';
      try {
        readDbConfig({ DATABASE_URL: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect({ bad, refused: message.includes('DATABASE_URL'), leaks: message.includes('s3cretpw') }).toEqual({ bad, refused: true, leaks: false });
    }
  });

  it('refuses a partial OIDC configuration', () => {
    expect(() => readGatewayConfig({ OIDC_ISSUER: 'https://login.example.fi' })).toThrow(/OIDC_AUDIENCE/);
    expect(() => readGatewayConfig({ OIDC_JWKS_URL: 'https://login.example.fi/jwks', OIDC_AUDIENCE: 'vartija' })).toThrow(/OIDC_ISSUER/);
  });

  it('refuses TRUSTED_PROXIES that trust every address (0.0.0.0/0, ::/0)', () => {
    for (const everyone of ['0.0.0.0/0', '::/0', '0.0.0.0/1,128.0.0.0/1']) {
      expect(() => readGatewayConfig({ TRUSTED_PROXIES: everyone })).toThrow(/TRUSTED_PROXIES/);
    }
  });

  it('in production refuses an OIDC issuer or key set over plain http (the signing keys could be swapped on the way)', () => {
    const production = {
      NODE_ENV: 'production',
      OIDC_AUDIENCE: 'vartija',
      ACTOR_CONTEXT_SECRET: randomBytes(32).toString('base64url'),
    };
    expect(() => readGatewayConfig({ ...production, OIDC_ISSUER: 'https://login.example.fi', OIDC_JWKS_URL: 'http://login.example.fi/jwks' })).toThrow(/OIDC_JWKS_URL/);
    expect(() => readGatewayConfig({ ...production, OIDC_ISSUER: 'https://login.example.fi', OIDC_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/OIDC_JWKS_URL/);
  });

  it('the Kubernetes kit does not trust X-Forwarded-For from every private address while the gateway admits traffic from anywhere', () => {
    const settings = readFileSync(path.join(ROOT, 'deploy/kubernetes/settings.yaml'), 'utf8');
    const policy = readFileSync(path.join(ROOT, 'deploy/kubernetes/network-policy.yaml'), 'utf8');
    const trustsAllPrivate = /TRUSTED_PROXIES:\s*"?private"?/.test(settings);
    const gatewayPolicy = policy.split(/^---$/m).find((doc) => doc.includes('vartija-gateway-ingress')) ?? '';
    const gatewayFromAnywhere = !/\bfrom:/.test(gatewayPolicy);
    // Any pod in the cluster (a private address) could then name any caller address in the access log.
    expect({ trustsAllPrivate, gatewayFromAnywhere }).not.toEqual({ trustsAllPrivate: true, gatewayFromAnywhere: true });
  });
});

describe('the PGlite data-directory lock', () => {
  it('a second opener through a symlink to the locked directory is refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vartija-lock-'));
    const real = path.join(dir, 'pglite');
    mkdirSync(real);
    const link = path.join(dir, 'other-name');
    symlinkSync(real, link);
    const lock = acquireDataDirLock(real);
    try {
      expect(() => acquireDataDirLock(real)).toThrow(/in use by process/);
      let second: { release(): void } | null = null;
      try {
        second = acquireDataDirLock(link);
      } catch {
        second = null;
      }
      second?.release();
      expect(second).toBeNull();
    } finally {
      lock.release();
    }
  });
});

describe('the CLIs', () => {
  it('npm run token refuses logins that are not personas and prints nothing on stdout', async () => {
    const { main } = loadModule<TokenCli>('token-cli.ts');
    for (const login of ['root', 'admin; rm -rf /', "sw-child' OR '1'='1", 'SW-CHILD']) {
      const io = capture();
      const code = await main([login], io.io, { NODE_ENV: 'development', DEV_KEYS_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'k.json') }).catch(() => 1);
      expect({ login, code, out: io.out }).toEqual({ login, code: 1, out: [] });
    }
  });

  const registerManifest = async (manifest: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'manifest-')), 'persisted-documents.json');
    writeFileSync(file, manifest);
    const [region] = await t.database.db.select({ code: organisations.code }).from(organisations).where(eq(organisations.kind, 'WELFARE_REGION')).limit(1);
    const { runPartnerTokenCommand } = loadModule<PartnerCli>('partner-token-cli.ts');
    const io = capture();
    try {
      await runPartnerTokenCommand(['register', '--manifest', file, '--issuer', region!.code, '--operator', 'review'], t.database, io.io);
      return { refused: false, message: io.out.join('\n') };
    } catch (error) {
      return { refused: true, message: describeCliError(error) };
    }
  };

  it('register --manifest: a huge file is refused, nothing registered, and the message stays short', async () => {
    const before = await t.database.db.$count(persistedOperations);
    const huge = JSON.stringify({ [`sha256:${'0'.repeat(64)}`]: `query Huge { me { id } } ${'#'.repeat(30_000_000)}` });
    const result = await registerManifest(huge);
    expect(result.refused).toBe(true);
    expect(result.message.length).toBeLessThan(2_000);
    expect(await t.database.db.$count(persistedOperations)).toBe(before);
  }, 60_000);

  it("register --manifest: a partner's manifest cannot put terminal control sequences into the operator's terminal", async () => {
    const result = await registerManifest(JSON.stringify({ '\u001b]0;owned\u0007\u001b[2Jsha256:x': 'query A { me { id } }' }));
    expect(result.refused).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(result.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe('drain and rate-limit keys', () => {
  let b: ObservedStack;
  beforeAll(async () => {
    b = await startObservedStack({ trustedProxies: ['192.0.2.1'], staffRateLimitPerMinute: 3 });
  }, 120_000);
  afterAll(() => b?.close());

  it('X-Forwarded-For from an untrusted peer does not give a staff user fresh rate-limit keys', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await b.post({ query: 'query Me { me { id } }' }, { as: 'billing', headers: { 'x-forwarded-for': `203.0.113.${i + 1}` } });
      const body = (await r.json()) as { errors?: { extensions?: { code?: string } }[] };
      statuses.push(body.errors?.[0]?.extensions?.code ?? 'ok');
    }
    expect(statuses.slice(3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('while draining: a new request gets 503 and runs nothing, /ready says only "draining"', async () => {
    const draining = b.stack.gateway.drain(5_000);
    const before = await b.database.db.$count(entries);
    const r = await b.post({ query: 'query P($id: ID!) { client(id: $id) { displayName } }', variables: { id: DEMO.clients.childWelfareOpen } }, { as: 'sw-child', newConnection: true });
    expect(r.status).toBe(503);
    const body = (await r.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|:\d{4,5}|at .*\.ts/);
    expect(await b.database.db.$count(entries)).toBe(before);
    const ready = await fetchOnNewConnection(`${baseOf(b.stack.gatewayUrl)}/ready`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'draining' } });
    expect(await draining).toBe(true);
  });
});

const DATABASE_URL = process.env['DATABASE_URL'];
const onPostgres = DATABASE_URL ? describe : describe.skip;

onPostgres('database roles (PostgreSQL)', () => {
  let roleDb: RoleDatabase;
  const sqls: ReturnType<typeof postgres>[] = [];
  const as = (role: Parameters<RoleDatabase['urlFor']>[0]) => {
    const sql = postgres(roleDb.urlFor(role), { max: 1, onnotice: () => {} });
    sqls.push(sql);
    return sql;
  };
  const refusal = async (sql: ReturnType<typeof postgres>, statement: string) => {
    try {
      await sql.unsafe(statement);
      return 'allowed';
    } catch (error) {
      return (error as { code?: string }).code ?? 'error';
    }
  };

  beforeAll(async () => {
    roleDb = await createRoleDatabase(DATABASE_URL!);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(sqls.map((s) => s.end()));
    await roleDb?.dispose();
  });

  it('no service role nor the retention role may UPDATE, DELETE, TRUNCATE the log or drop or disable its triggers', async () => {
    for (const role of [...SERVICE_ROLES, 'retention'] as const) {
      const sql = as(role);
      const results = {
        update: await refusal(sql, `UPDATE audit.entries SET reason = 'x'`),
        delete: await refusal(sql, 'DELETE FROM audit.entries'),
        truncate: await refusal(sql, 'TRUNCATE audit.entries'),
        drop: await refusal(sql, 'DROP TRIGGER entries_append_only ON audit.entries'),
        disable: await refusal(sql, 'ALTER TABLE audit.entries DISABLE TRIGGER ALL'),
        detach: await refusal(sql, `ALTER TABLE audit.entries DETACH PARTITION audit.entries_default`),
        replica: await refusal(sql, `SET session_replication_role = replica`),
      };
      expect({ role, ...results }).toEqual({ role, update: '42501', delete: '42501', truncate: '42501', drop: '42501', disable: '42501', detach: '42501', replica: '42501' });
    }
  });

  it('the retention role cannot erase recent access-log entries through audit.apply_retention (the database enforces the retention period)', async () => {
    // Entries of today, appended as the gateway role appends them.
    const gateway = await openDatabase({ url: roleDb.urlFor('gateway'), poolSize: 1 });
    try {
      const entry = { at: new Date(), requestId: randomUUID(), operationName: 'Today', subgraph: 'gateway', actorKind: 'USER' as const, actorId: 'u', actorRole: null,
        organisationId: null, unitId: null, clientId: null, entityType: 'Client', entityId: null, action: 'READ' as const, outcome: 'ALLOWED' as const,
        fields: [], categories: [], purpose: null, emergency: false, callerAddress: null, reason: null };
      await new DbAuditSink(gateway.db).write([entry, { ...entry, requestId: randomUUID() }]);
    } finally {
      await gateway.close();
    }
    const sql = as('retention');
    let outcome: string;
    try {
      // Rolled back: only whether the database lets the job's credential do it matters.
      await sql.begin(async (tx) => {
        const [row] = await tx`SELECT removed FROM audit.apply_retention(now())`;
        throw new Error(`allowed: removed ${String(row!['removed'])} entries written moments ago`);
      });
      outcome = 'allowed';
    } catch (error) {
      const e = error as { code?: string; message: string };
      outcome = e.code ?? e.message;
    }
    expect(outcome).not.toMatch(/^allowed/);
  });
});
