/**
 * The database roles of deploy/sql/roles.sql and grants.sql on a real PostgreSQL: the owner migrates
 * (no superuser), each service works as its own least-privilege role, the access log is append-only for
 * every service role by privilege (not only by trigger), and only the retention role runs retention.
 *
 * PostgreSQL only: the embedded PGlite has one superuser and no roles to speak of.
 */
import { readFileSync } from 'node:fs';
import { DEMO, openDatabase, seedDemoWorld } from '@vartija/db';
import { DEFAULT_SUPERGRAPH_PATH, generateDevKeys } from '@vartija/gateway';
import { signDevToken } from '@vartija/tools';
import postgres from 'postgres';
import { DIST, ensureBuilt } from '../../tools/build';
import { createRoleDatabase, type Role, type RoleDatabase, type RoleStack, runNode, SERVICE_ROLES, startRoleStack } from './deploy-support';

const DATABASE_URL = process.env['DATABASE_URL'];
const SKIP_REASON = 'database roles test skipped: needs PostgreSQL (set DATABASE_URL) — the embedded PGlite has a single superuser and no roles';
if (!DATABASE_URL) console.warn(SKIP_REASON);
const describeOnPostgres = DATABASE_URL ? describe : describe.skip;

type Sql = ReturnType<typeof postgres>;

describeOnPostgres('database roles (deploy/sql/roles.sql, grants.sql)', () => {
  let roleDb: RoleDatabase;
  const connections = new Map<Role | 'admin', Sql>();
  const as = (role: Role | 'admin'): Sql => {
    let sql = connections.get(role);
    if (!sql) {
      sql = postgres(role === 'admin' ? roleDb.adminUrl : roleDb.urlFor(role), { max: 1, onnotice: () => {} });
      connections.set(role, sql);
    }
    return sql;
  };
  /** The error a statement fails with, as `code: message` ('' when it succeeds). */
  const refusal = async (role: Role, statement: string): Promise<string> => {
    try {
      await as(role).unsafe(statement);
      return '';
    } catch (error) {
      const e = error as { code?: string; message: string };
      return `${e.code}: ${e.message}`;
    }
  };

  beforeAll(async () => {
    await ensureBuilt();
    roleDb = await createRoleDatabase(DATABASE_URL!, async (ownerUrl) => {
      await runNode(`${DIST}/migrate.js`, { PATH: process.env['PATH'] ?? '', DATABASE_URL: ownerUrl });
    });
    const owner = await openDatabase({ url: roleDb.urlFor('owner'), poolSize: 2 });
    try {
      await seedDemoWorld(owner.db);
    } finally {
      await owner.close();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...connections.values()].map((sql) => sql.end()));
    await roleDb?.dispose();
  });

  it('the owner migrated without being a superuser, and owns every table; no service role owns anything', async () => {
    const [owner] = await as('admin')`SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = ${roleDb.roleName('owner')}`;
    expect(owner).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false });
    const owners = await as('admin')`SELECT DISTINCT tableowner FROM pg_tables
      WHERE schemaname IN ('access', 'clients', 'services', 'documents', 'lifecycle', 'history', 'audit', 'drizzle')`;
    expect(owners).toEqual([{ tableowner: roleDb.roleName('owner') }]);
  });

  // role × privilege on tables that tell the roles apart (has_table_privilege follows role membership).
  const MATRIX: [string, string, Partial<Record<Role, boolean>>][] = [
    ['audit.entries', 'INSERT', { gateway: true, clients: true, services: true, documents: true, audit: true, retention: true }],
    ['audit.entries', 'SELECT', { gateway: true, clients: true, services: true, documents: true, audit: true, retention: true }],
    ['audit.entries', 'UPDATE', { gateway: false, clients: false, services: false, documents: false, audit: false, retention: false }],
    ['audit.entries', 'DELETE', { gateway: false, clients: false, services: false, documents: false, audit: false, retention: false }],
    ['audit.entries', 'TRUNCATE', { gateway: false, clients: false, services: false, documents: false, audit: false, retention: false }],
    ['audit.retention_runs', 'INSERT', { gateway: false, clients: false, services: false, documents: false, audit: false, retention: false }],
    ['clients.clients', 'SELECT', { gateway: false, clients: true, services: true, documents: true, audit: true }],
    ['clients.clients', 'INSERT', { gateway: false, clients: true, services: false, documents: false, audit: false }],
    ['clients.clients', 'DELETE', { gateway: false, clients: false, services: false, documents: true, audit: false, retention: true }],
    ['access.users', 'SELECT', { gateway: true, clients: true, services: false, documents: true, audit: true }],
    ['access.grants', 'INSERT', { gateway: false, clients: true, services: false, documents: false, audit: false }],
    ['access.api_tokens', 'UPDATE', { gateway: false, clients: true, services: false, documents: false, audit: false }],
    ['services.decisions', 'SELECT', { gateway: false, clients: false, services: true, documents: true, audit: false }],
    ['services.decisions', 'INSERT', { gateway: false, clients: false, services: true, documents: false, audit: false }],
    ['documents.documents', 'SELECT', { gateway: false, clients: false, services: false, documents: true, audit: false }],
    ['documents.documents', 'INSERT', { gateway: false, clients: false, services: false, documents: true, audit: false }],
    ['history.revisions', 'INSERT', { gateway: false, clients: true, services: true, documents: true, audit: false }],
    ['lifecycle.retention_classes', 'SELECT', { gateway: false, clients: false, services: false, documents: true, audit: false, retention: true }],
    ['audit.reviews', 'INSERT', { gateway: false, clients: false, services: false, documents: false, audit: true, retention: false }],
    ['audit.reviews', 'UPDATE', { gateway: false, clients: false, services: false, documents: false, audit: false, retention: false }],
    ['audit.monitoring_runs', 'INSERT', { gateway: false, clients: false, services: false, documents: false, audit: true, retention: false }],
  ];

  it.each(MATRIX)('%s %s: only the roles that need it', async (table, privilege, expected) => {
    const actual: Partial<Record<Role, boolean>> = {};
    for (const role of Object.keys(expected) as Role[]) {
      const [row] = await as('admin')`SELECT has_table_privilege(${roleDb.roleName(role)}, ${table}, ${privilege}) AS ok`;
      actual[role] = row!['ok'] as boolean;
    }
    expect(actual).toEqual(expected);
  });

  it.each(SERVICE_ROLES)("%s reads the persisted operations' names (the known operation names of metrics and logs), not their documents", async (role) => {
    // The statement every service's KnownOperationNames runs (kit observability/operation-names.ts).
    expect(await refusal(role, 'SELECT DISTINCT operation_name AS name FROM access.persisted_operations WHERE operation_name IS NOT NULL')).toBe('');
    const documents = await refusal(role, 'SELECT document FROM access.persisted_operations');
    // The gateway runs the documents; the clients subgraph registers and removes them.
    expect({ role, documents: documents === '' ? 'allowed' : documents.split(':')[0] }).toEqual({ role, documents: ['gateway', 'clients'].includes(role) ? 'allowed' : '42501' });
  });

  it('the gateway may write only last_used_at of an API token', async () => {
    const column = async (name: string) =>
      (await as('admin')`SELECT has_column_privilege(${roleDb.roleName('gateway')}, 'access.api_tokens', ${name}, 'UPDATE') AS ok`)[0]!['ok'];
    expect(await column('last_used_at')).toBe(true);
    expect(await column('revoked_at')).toBe(false);
    expect(await column('expires_at')).toBe(false);
  });

  it.each(SERVICE_ROLES)('the access log is append-only for %s by privilege: no UPDATE, DELETE, TRUNCATE, trigger or retention', async (role) => {
    // The privilege refuses before the append-only trigger would ("permission denied", not "is append-only").
    expect(await refusal(role, `UPDATE audit.entries SET reason = 'rewritten' WHERE seq = (SELECT min(seq) FROM audit.entries)`)).toMatch(
      /^42501: permission denied for table entries/,
    );
    expect(await refusal(role, 'DELETE FROM audit.entries')).toMatch(/^42501: permission denied for table entries/);
    expect(await refusal(role, 'TRUNCATE audit.entries')).toMatch(/^42501: permission denied for table entries/);
    expect(await refusal(role, 'TRUNCATE audit.entries_default')).toMatch(/^42501: permission denied for table entries_default/);
    // Not the owner: the triggers can be neither dropped nor disabled.
    expect(await refusal(role, 'DROP TRIGGER entries_append_only ON audit.entries')).toMatch(/^42501: must be owner of (relation|table) entries/);
    expect(await refusal(role, 'ALTER TABLE audit.entries DISABLE TRIGGER entries_append_only')).toMatch(/^42501: must be owner of (relation|table) entries/);
    expect(await refusal(role, `SELECT * FROM audit.apply_retention(now() - interval '12 years')`)).toMatch(/^42501: permission denied for function apply_retention/);
    // Nor the record of past retention runs.
    expect(await refusal(role, `INSERT INTO audit.retention_runs (cutoff, removed_count) VALUES (now(), 0)`)).toMatch(/^42501: permission denied/);
  });

  it('no service role changes the schema', async () => {
    for (const role of SERVICE_ROLES) {
      expect(await refusal(role, 'CREATE SCHEMA intruder')).toMatch(/^42501: permission denied for database/);
      expect(await refusal(role, 'CREATE TABLE public.intruder (id int)')).toMatch(/^42501: permission denied for schema public/);
      expect(await refusal(role, 'ALTER TABLE clients.clients ADD COLUMN intruder int')).toMatch(/^42501: must be owner/);
    }
  });

  describe('the stack, every service on its own role', () => {
    let stack: RoleStack;
    let tokens: Record<string, string>;
    const execute = async (login: string, query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${stack.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[login]}` },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, requestId: res.headers.get('x-request-id'), ...((await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] }) };
    };
    const subgraphsLogging = async (requestId: string | null) =>
      (await as('admin')`SELECT DISTINCT subgraph FROM audit.entries WHERE request_id = ${requestId ?? ''} ORDER BY subgraph`).map((r) => r['subgraph']);

    beforeAll(async () => {
      const keys = await generateDevKeys();
      tokens = Object.fromEntries(await Promise.all(['sw-child', 'dpo', 'mgr-child'].map(async (l) => [l, await signDevToken(keys.tokenSigning.privateJwk, l)])));
      stack = await startRoleStack(roleDb, keys, readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('reads a client page across three subgraphs, logged by each', async () => {
      const res = await execute(
        'sw-child',
        `query ($id: ID!) { client(id: $id) { id personalIdentityCode relationships { serviceTask } decisions { type } placements { kind } documents { title revisions { revision } } } }`,
        { id: DEMO.clients.childWelfareOpen },
      );
      expect(res.errors).toBeUndefined();
      expect((res.data?.['client'] as { id: string }).id).toBe(DEMO.clients.childWelfareOpen);
      expect(await subgraphsLogging(res.requestId)).toEqual(['clients', 'documents', 'services']);
    });

    it('writes through the clients, services and documents roles, each write with its log entry', async () => {
      const unitId = DEMO.units['child-welfare'].id;
      const client = DEMO.clients.childWelfareOpen;
      const read = await execute('sw-child', `query ($id: ID!) { client(id: $id) { version } }`, { id: client });
      const version = (read.data?.['client'] as { version: number }).version;
      const writes = [
        await execute('sw-child', `mutation ($id: ID!, $version: Int!) { updateClient(id: $id, version: $version, input: { municipality: "Tampere" }) { id } }`, {
          id: client,
          version,
        }),
        await execute(
          'sw-child',
          `mutation ($input: RecordDecisionInput!) { recordDecision(input: $input) { id } }`,
          {
            input: {
              clientId: client,
              unitId,
              type: 'OPEN_CARE_SUPPORT',
              legalAct: 'Lastensuojelulaki 417/2007',
              legalSection: '36 §',
              decidedAt: new Date(Date.now() - 3_600_000).toISOString(),
              content: 'Written as the services role.',
            },
          },
        ),
        await execute('sw-child', `mutation ($input: RecordDocumentInput!) { recordDocument(input: $input) { id } }`, {
          input: { clientId: client, unitId, type: 'CASE_NOTE', title: 'Roles test', body: 'Written as the documents role.' },
        }),
      ];
      for (const write of writes) expect(write.errors).toBeUndefined();
      expect(await Promise.all(writes.map((w) => subgraphsLogging(w.requestId)))).toEqual([['clients'], ['services'], ['documents']]);
    });

    it('serves the auditor from the audit role: the log, and its verification', async () => {
      const res = await execute('dpo', `{ auditEntries(first: 5) { totalCount nodes { action subgraph } } verifyAuditChain { ok checkedEntries } }`);
      expect(res.errors).toBeUndefined();
      const data = res.data as { auditEntries: { totalCount: number }; verifyAuditChain: { ok: boolean; checkedEntries: number } };
      expect(data.auditEntries.totalCount).toBeGreaterThan(0);
      expect(data.verifyAuditChain.ok).toBe(true);
    });
  });

  describe('the retention role', () => {
    const env = () => ({ PATH: process.env['PATH'] ?? '', DATABASE_URL: roleDb.urlFor('retention'), LOG_LEVEL: 'warn' });

    it('runs the access-log retention job (node dist/retention.js), which the service roles may not', async () => {
      const out = await runNode(`${DIST}/retention.js`, env());
      expect(out).toMatch(/Access-log retention \(12 years\): removed \d+ entries/);
      const [run] = await as('admin')`SELECT removed_count FROM audit.retention_runs ORDER BY ran_at DESC LIMIT 1`;
      expect(run).toBeDefined();
      await expect(runNode(`${DIST}/retention.js`, { ...env(), DATABASE_URL: roleDb.urlFor('audit') })).rejects.toThrow(/Failed query: SELECT .* FROM audit.apply_retention/);
    }, 60_000);

    it('runs the scheduled disposal (node dist/disposal.js), a dry run included', async () => {
      const dry = await runNode(`${DIST}/disposal.js`, env(), ['--dry-run', '--operator', 'roles-test']);
      expect(dry).toMatch(/region: /);
      const real = await runNode(`${DIST}/disposal.js`, env(), ['--operator', 'roles-test']);
      expect(real).toMatch(/region: /);
      const runs = await as('admin')`SELECT dry_run, status FROM lifecycle.disposal_runs ORDER BY started_at`;
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.map((r) => r['status'])).not.toContain('PARTIAL');
    }, 120_000);

    it('may not change the log either', async () => {
      expect(await refusal('retention', 'DELETE FROM audit.entries')).toMatch(/^42501: permission denied for table entries/);
      expect(await refusal('retention', 'DROP TRIGGER entries_append_only ON audit.entries')).toMatch(/^42501: must be owner/);
    });
  });
});
