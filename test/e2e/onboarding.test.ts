/**
 * Onboarding (issue 14 item 6): what a newcomer types first. `npm run token` for every persona and
 * the demo partner, `--help` and unknown options on every command, the partner quick-start from a
 * codegen persisted-documents manifest to a refused operation after its removal, and partner tokens
 * issued by organisation code (GraphQL and CLI), every CLI change in the access log.
 *
 * The commands run in-process through their exported functions against the test stack's database;
 * two run as real processes to check the exit code the shell sees.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiTokens, DEMO, DEMO_PARTNER_TOKEN, entries, PERSONAS, persistedOperations } from '@vartija/db';
import { type CliIo, describeCliError, exitCodeOf, UsageError } from '@vartija/kit';
import { and, eq, inArray } from 'drizzle-orm';
import { main as checkpointMain } from '../../subgraphs/audit/src/checkpoint-cli';
import { main as retentionMain } from '../../subgraphs/audit/src/retention-cli';
import { main as composeMain } from '../../tools/src/cli/compose-cli';
import { runPartnerTokenCommand } from '../../tools/src/cli/partner-token-cli';
import { main as seedMain } from '../../tools/src/cli/seed-cli';
import { main as tokenMain } from '../../tools/src/cli/token-cli';
import { runUsersCommand } from '../../tools/src/cli/users-cli';
import { codesOf, startTestStack, type TestStack } from '../testkit';

const ROOT = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** Captures what a command prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  return { io, out, err, text: () => out.join('\n'), errors: () => err.join('\n') };
}

/** How the process would end: its exit code and what it printed on stderr. */
async function outcome(command: Promise<number>, io: ReturnType<typeof capture>): Promise<{ code: number; stderr: string }> {
  try {
    return { code: await command, stderr: io.errors() };
  } catch (error) {
    return { code: exitCodeOf(error), stderr: [io.errors(), describeCliError(error)].filter(Boolean).join('\n') };
  }
}

let t: TestStack;
let dir: string;
beforeAll(async () => {
  t = await startTestStack();
  dir = mkdtempSync(path.join(tmpdir(), 'vartija-onboarding-'));
}, 120_000);
afterAll(() => t?.close());

const partnerCli = (argv: string[], io = capture()) => ({ io, result: outcome(runPartnerTokenCommand([...argv, '--operator', 'onboarding'], t.database, io.io), io) });

describe('npm run token', () => {
  /** The stack's own keys in a key file, as `npm start` shares them with the command. */
  const env = () => {
    const file = path.join(dir, 'dev-keys.json');
    writeFileSync(file, JSON.stringify(t.keys));
    return { DEV_KEYS_PATH: file };
  };

  it.each(PERSONAS.filter((p) => p.login !== 'student-ended').map((p) => p.login))('prints a token for %s that the gateway accepts', async (login) => {
    const io = capture();
    expect(await tokenMain([login], io.io, env())).toBe(0);
    expect(io.out).toHaveLength(1);
    const result = await t.execute<{ me: { login: string; kind: string } }>({ token: io.out[0]!, query: '{ me { login kind } }' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.me).toEqual({ login, kind: 'USER' });
  });

  it('student-ended is a persona: its token is printed and refused by the gateway (the grant ended), as the persona table says', async () => {
    const io = capture();
    expect(await tokenMain(['student-ended'], io.io, env())).toBe(0);
    const result = await t.execute({ token: io.out[0]!, query: '{ me { login } }' });
    expect(result.status).toBe(403);
  });

  it('majakka: prints the demo partner token (stdout: the token only), which the gateway accepts as the partner', async () => {
    const io = capture();
    expect(await tokenMain(['majakka'], io.io, env())).toBe(0);
    expect(io.out).toEqual([DEMO_PARTNER_TOKEN]);
    expect(io.errors()).toMatch(/demo partner API token of majakka[\s\S]*authorization: Bearer/);
    const result = await t.execute<{ me: { kind: string; organisationId: string } }>({ token: io.out[0]!, query: '{ me { kind organisationId } }' });
    expect(result.data!.me).toEqual({ kind: 'PARTNER', organisationId: DEMO.organisations.majakka.id });
  });

  it.each([
    [['nobody'], 1, /nobody is not a persona[\s\S]*sw-child[\s\S]*dpo-b[\s\S]*majakka/],
    [['sw-child-2'], 1, /sw-child-2 is not a persona/],
    [['majakka', '--ttl', '60'], 2, /--ttl does not apply to the partner token/],
    [['sw-child', '--ttl', '0'], 2, /--ttl must be a whole number from 1 to 28800/],
    [['sw-child', '--ttl', '28801'], 2, /--ttl must be a whole number/],
    [['sw-child', '--ttl'], 2, /Option '--ttl <value>' argument missing[\s\S]*Usage:/],
    [['sw-child', 'dpo'], 2, /Unexpected argument 'dpo'[\s\S]*Usage:/],
    [[], 2, /Give the login of a persona[\s\S]*Usage:/],
  ])('refuses %j with exit code %d', async (argv, code, message) => {
    const io = capture();
    const result = await outcome(tokenMain(argv, io.io, env()), io);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(io.out).toEqual([]);
  });

  it('signs a non-persona login only with --any-login (a user created with npm run users)', async () => {
    const io = capture();
    expect(await tokenMain(['sw-child-2', '--any-login'], io.io, env())).toBe(0);
    const result = await t.execute<{ me: { login: string } }>({ token: io.out[0]!, query: '{ me { login } }' });
    expect(result.data!.me.login).toBe('sw-child-2');
  });

  it('refuses in production, before asking for the production configuration', async () => {
    const io = capture();
    const result = await outcome(tokenMain(['sw-child'], io.io, { ...env(), NODE_ENV: 'production' }), io);
    expect(result).toEqual({ code: 1, stderr: expect.stringMatching(/^Development tokens are not available in production/) });
  });

  it('as a process: a login that is not a persona exits 1 with the personas on stderr and nothing on stdout', async () => {
    const failure = await run('npx', ['tsx', 'tools/src/cli/token-cli.ts', 'nobody'], { cwd: ROOT, env: { ...process.env, ...env() } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(/nobody is not a persona[\s\S]*admin {2,}REGISTRAR/);
  }, 60_000);
});

describe('every command has --help and refuses unknown options with the usage', () => {
  type Command = (argv: string[], io: CliIo) => Promise<number | void>;
  const usersCommand: Command = (argv, io) => runUsersCommand(argv, t.database, io.out);
  const commands: [string, Command][] = [
    ['token', (argv, io) => tokenMain(argv, io, {})],
    ['partner-token', (argv, io) => runPartnerTokenCommand(argv, t.database, io)],
    ['users', usersCommand],
    ['db:seed', seedMain],
    ['compose', composeMain],
    ['retention', retentionMain],
    ['audit:checkpoint', checkpointMain],
  ];

  it.each(commands)('%s --help: usage, options, environment, exit codes', async (name, command) => {
    for (const flag of ['--help', '-h']) {
      const io = capture();
      expect(await command([flag], io.io)).toBe(name === 'users' ? undefined : 0);
      const help = io.text();
      expect(help).toMatch(/Usage: npm run /);
      expect(help).toContain(name === 'users' ? '--help' : 'Options:');
      expect(help).toMatch(/Environment:\n {2}\S/);
      expect(help).toMatch(/Exit codes:\n {2}0 {2}.+\n {2}1 {2}.+\n {2}2 {2}.+/);
    }
  });

  it.each(commands.filter(([name]) => name !== 'users'))('%s --bogus: exit code 2, the reason and the usage, nothing done', async (_name, command) => {
    const before = await t.database.db.$count(entries);
    const io = capture();
    const result = await outcome(command(['--bogus'], io.io) as Promise<number>, io);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown option '--bogus'\.\n\nUsage: npm run /);
    expect(io.out).toEqual([]);
    expect(await t.database.db.$count(entries)).toBe(before);
  });

  it('users --bogus as a process: exit code 2 with the usage, before any database is opened', async () => {
    const failure = await run('npx', ['tsx', 'tools/src/cli/users-cli.ts', 'list', '--bogus'], {
      cwd: ROOT,
      // A database that does not exist: the command line is refused before it is asked for.
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 2, stdout: '' });
    expect((failure as { stderr: string }).stderr).toMatch(/^Unknown option '--bogus'\.\n\nAccess administration[\s\S]*Exit codes:/);
  }, 60_000);

  it('refuses an unknown partner-token command and a missing argument with the usage', async () => {
    for (const [argv, message] of [
      [['frobnicate'], /Unknown command frobnicate[\s\S]*Usage:/],
      [['remove'], /remove needs the sha256 or id/],
      [['register'], /register needs --manifest/],
      [['list', 'extra'], /Unexpected argument 'extra'/],
      [['issue', '--organisation', 'majakka', '--issuer', 'region', '--name', 'x', '--scopes', 'clients:read', '--days', 'soon'], /--days must be a whole number/],
    ] as const) {
      const { result } = partnerCli([...argv]);
      expect(await result).toEqual({ code: 2, stderr: expect.stringMatching(message) });
    }
  });
});

describe('partner quick start: a codegen persisted-documents manifest, end to end', () => {
  let manifestFile: string;
  let key: string;
  let hash: string;
  let document: string;

  beforeAll(async () => {
    // What a partner's build writes: @graphql-codegen/client-preset with persistedDocuments (run as a
    // process: its CLI is ESM that jest does not load).
    const out = path.join(dir, 'generated') + path.sep;
    const config = path.join(dir, 'codegen.json');
    writeFileSync(
      config,
      JSON.stringify({
        schema: 'gateway/api-schema.graphql',
        documents: ['test/operations/partner-commissioned-clients.graphql'],
        silent: true,
        generates: { [out]: { preset: 'client', presetConfig: { fragmentMasking: false, persistedDocuments: true } } },
      }),
    );
    await run('npx', ['graphql-codegen', '--config', config], { cwd: ROOT });
    manifestFile = path.join(out, 'persisted-documents.json');
    [[key, document]] = Object.entries(JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>) as [[string, string]];
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    hash = key.slice('sha256:'.length);
  }, 60_000);

  const runOperation = (token: string, sha256Hash: string) =>
    t.gateway()
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`)
      .send({ variables: { first: 5 }, extensions: { persistedQuery: { version: 1, sha256Hash } } });

  const cliEntries = (entityType: string) =>
    t.database.db
      .select()
      .from(entries)
      .where(and(eq(entries.actorId, 'cli:onboarding'), eq(entries.entityType, entityType)))
      .orderBy(entries.seq);

  it('refuses a manifest whose document was changed after codegen hashed it, and registers nothing', async () => {
    for (const [name, manifest, reason] of [
      // What `$(cat file)` and hand edits do: the document no longer has the hash it is filed under.
      ['edited', { [key]: `${document}\n` }, /does not match its document, whose SHA-256 is [0-9a-f]{64}/],
      ['sha1', { ['a'.repeat(40)]: document }, /a sha1 hash; set persistedDocuments: \{ hashAlgorithm: 'sha256' \}/],
      ['two operations', { [key]: `${document} query Other { me { id } }` }, /does not match/],
      ['not a map', [document], /must be a JSON object mapping each hash to its document/],
    ] as const) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(manifest));
      const { result } = partnerCli(['register', '--manifest', file, '--issuer', 'region']);
      expect({ name, ...(await result) }).toEqual({ name, code: 1, stderr: expect.stringMatching(reason) });
    }
    const file = path.join(dir, 'two-ops.json');
    const twoOps = `${document} query Other { me { id } }`;
    writeFileSync(file, JSON.stringify({ [`sha256:${createHash('sha256').update(twoOps).digest('hex')}`]: twoOps }));
    expect(await partnerCli(['register', '--manifest', file, '--issuer', 'region']).result).toEqual({ code: 1, stderr: expect.stringMatching(/must hold exactly one operation \(it holds 2\)/) });
    expect(await t.database.db.$count(persistedOperations)).toBe(0);
    expect(await cliEntries('PersistedOperation')).toEqual([]);
  });

  it('registers, runs, lists, removes; then the operation is refused with PERSISTED_QUERY_NOT_FOUND', async () => {
    // 1. The registrar registers the manifest (the region is named: the demo world has two).
    const noIssuer = partnerCli(['register', '--manifest', manifestFile]);
    expect(await noIssuer.result).toEqual({ code: 2, stderr: expect.stringMatching(/^Give --issuer <region code>: the welfare region acting \(region, region-b\)/) });
    const registered = partnerCli(['register', '--manifest', manifestFile, '--issuer', 'region']);
    expect((await registered.result).code).toBe(0);
    expect(registered.io.text()).toContain(`registered  ${hash}  PartnerCommissionedClients.${hash.slice(0, 12)}`);
    const [row] = await t.database.db.select().from(persistedOperations).where(eq(persistedOperations.sha256, hash));
    // Stored exactly as codegen wrote it: the gateway's hash of it is the key.
    expect(row).toMatchObject({ id: `PartnerCommissionedClients.${hash.slice(0, 12)}`, document, operationName: 'PartnerCommissionedClients' });
    // Again: nothing new, nothing logged twice.
    const again = partnerCli(['register', '--manifest', manifestFile, '--issuer', 'region']);
    expect((await again.result).code).toBe(0);
    expect(again.io.text()).toContain('0 operation(s) registered, 1 already known.');
    expect((await cliEntries('PersistedOperation')).map((e) => [e.actorKind, e.action, e.entityId, e.organisationId, e.operationName])).toEqual([
      ['SYSTEM', 'CREATE', row!.id, DEMO.organisations.region.id, 'npm run partner-token -- register'],
    ]);

    // 2. A token allowed to run exactly the manifest's operations, for majakka by its code.
    const issued = partnerCli(['issue', '--organisation', 'majakka', '--issuer', 'region', '--name', 'Onboarding', '--scopes', 'clients:read,services:read', '--manifest', manifestFile]);
    expect((await issued.result).code).toBe(0);
    const token = issued.io.out.at(-1)!;
    expect(token).toMatch(/^vrt_pt_[0-9a-f]{8}_/);
    const [tokenRow] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.name, 'Onboarding'));
    expect(tokenRow).toMatchObject({ organisationId: DEMO.organisations.majakka.id, issuerOrganisationId: DEMO.organisations.region.id, allowedOperations: [hash] });

    // 3. The partner runs it by the hash codegen put in the document (sha256: prefix) or the bare hex.
    for (const sent of [key, hash]) {
      const res = await runOperation(token, sent);
      expect({ sent, status: res.status, errors: res.body.errors }).toEqual({ sent, status: 200, errors: undefined });
      expect(res.body.data.clients.totalCount).toEqual(expect.any(Number));
      expect(res.body.data.clients.nodes.length).toBeGreaterThan(0);
    }
    const other = await t.execute({ token, query: '{ clients(first: 1) { totalCount } }' });
    expect({ status: other.status, codes: codesOf(other) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });

    // 4. Listed, with the token that allowlists it.
    const listed = partnerCli(['list', '--organisation', 'majakka']);
    expect((await listed.result).code).toBe(0);
    expect(listed.io.text()).toMatch(new RegExp(`Persisted operations \\(1\\):\\n  ${hash}  ${row!.id}  PartnerCommissionedClients  registered \\S+  allowlisted by: ${tokenRow!.tokenPrefix}`));
    expect(listed.io.text()).toMatch(new RegExp(`${tokenRow!.id}  ${tokenRow!.tokenPrefix}  active  Onboarding  majakka \\(issued by region\\)  clients:read,services:read  operations: ${hash}`));
    expect(listed.io.text()).not.toContain(token);

    // 5. Removed (by the prefixed key, as a partner would quote it): logged, and refused from the next request on.
    const removed = partnerCli(['remove', key, '--issuer', 'region']);
    expect((await removed.result).code).toBe(0);
    expect(removed.io.text()).toMatch(new RegExp(`Removed ${row!.id}[\\s\\S]*Still named in the allowlist of ${tokenRow!.tokenPrefix}`));
    expect(await t.database.db.$count(persistedOperations, eq(persistedOperations.sha256, hash))).toBe(0);
    expect((await cliEntries('PersistedOperation')).map((e) => [e.action, e.entityId])).toEqual([
      ['CREATE', row!.id],
      ['DELETE', row!.id],
    ]);
    for (const [sent, partnerToken] of [[key, token], [hash, DEMO_PARTNER_TOKEN]] as const) {
      const refused = await runOperation(partnerToken, sent);
      expect({ status: refused.status, code: refused.body.errors?.[0]?.extensions?.code, data: refused.body.data }).toEqual({
        status: 400,
        code: 'PERSISTED_QUERY_NOT_FOUND',
        data: undefined,
      });
    }

    // 6. An unknown hash or id is refused clearly, and nothing is logged.
    for (const unknown of [hash, 'no-such-operation']) {
      expect(await partnerCli(['remove', unknown, '--issuer', 'region']).result).toEqual({ code: 1, stderr: `NOT_FOUND: PersistedOperation ${unknown} was not found` });
    }
    expect(await cliEntries('PersistedOperation')).toHaveLength(2);
  });

  it('refuses to issue a token for a manifest that is not registered', async () => {
    const { result } = partnerCli(['issue', '--organisation', 'majakka', '--issuer', 'region', '--name', 'Early', '--scopes', 'clients:read', '--manifest', manifestFile]);
    expect(await result).toEqual({ code: 1, stderr: expect.stringMatching(/1 operation\(s\) of .* are not registered \(PartnerCommissionedClients\.[0-9a-f]{12}\): run npm run partner-token -- register/) });
    expect(await t.database.db.$count(apiTokens, eq(apiTokens.name, 'Early'))).toBe(0);
  });
});

describe('partner tokens by organisation code', () => {
  const ISSUE = `mutation ($input: IssueApiTokenInput!) { issueApiToken(input: $input) { token apiToken { id organisation { code kind } } } }`;
  const input = (extra: Record<string, unknown>) => ({ name: 'by code', scopes: ['clients:read'], expiresInDays: 30, ...extra });
  const ORGANISATIONS = '{ organisations { id code name kind } }';

  it('the registrar lists its own organisation and the partners, never another region', async () => {
    const result = await t.execute<{ organisations: { id: string; code: string; kind: string }[] }>({ as: 'admin', query: ORGANISATIONS });
    expect(result.errors).toBeUndefined();
    const codes = result.data!.organisations.map((o) => o.code);
    expect(codes).toContain('region');
    expect(codes).toContain('majakka');
    expect(codes).not.toContain('region-b');
    expect(result.data!.organisations.find((o) => o.code === 'majakka')).toMatchObject({ id: DEMO.organisations.majakka.id, kind: 'SERVICE_PROVIDER' });
    const partners = await t.execute<{ organisations: { kind: string }[] }>({ as: 'admin', query: '{ organisations(kind: SERVICE_PROVIDER) { kind } }' });
    expect(new Set(partners.data!.organisations.map((o) => o.kind))).toEqual(new Set(['SERVICE_PROVIDER']));
  });

  it.each(['sw-child', 'mgr-child', 'student-child', 'billing', 'dpo', 'sw-b', 'dpo-b'] as const)('%s may not list them (FORBIDDEN, logged DENIED)', async (login) => {
    const denied = () => t.database.db.$count(entries, and(eq(entries.outcome, 'DENIED'), eq(entries.entityType, 'ApiToken'), eq(entries.operationName, 'Organisations')));
    const before = await denied();
    const result = await t.execute({ as: login, query: `query Organisations ${ORGANISATIONS}` });
    expect(codesOf(result)).toEqual(['FORBIDDEN']);
    expect(result.data).toBeNull();
    expect(await denied()).toBe(before + 1);
  });

  it('the partner token may not list them either', async () => {
    expect(codesOf(await t.execute({ token: DEMO_PARTNER_TOKEN, query: ORGANISATIONS }))).toEqual(['FORBIDDEN']);
  });

  it('issueApiToken takes organisationCode instead of organisationId', async () => {
    const result = await t.execute<{ issueApiToken: { token: string; apiToken: { organisation: { code: string } } } }>({
      as: 'admin',
      query: ISSUE,
      variables: { input: input({ organisationCode: 'majakka' }) },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.issueApiToken.apiToken.organisation).toEqual({ code: 'majakka', kind: 'SERVICE_PROVIDER' });
    const me = await t.execute<{ me: { kind: string } }>({ token: result.data!.issueApiToken.token, query: '{ me { kind } }' });
    expect(me.data!.me.kind).toBe('PARTNER');
  });

  it.each([
    [{ organisationCode: 'majakka', organisationId: DEMO.organisations.majakka.id }, 'input.organisationCode', /not both/],
    [{}, 'input.organisationId', /organisationId, or organisationCode/],
    [{ organisationCode: 'no-such-partner' }, 'input.organisationCode', /no organisation has this code/],
    [{ organisationCode: 'region' }, 'input.organisationCode', /service providers\) only/],
  ])('refuses %j with BAD_USER_INPUT on %s', async (extra, field, reason) => {
    const result = await t.execute({ as: 'admin', query: ISSUE, variables: { input: input(extra) } });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field, reason: expect.stringMatching(reason) });
  });

  it('the CLI issues by --organisation, refuses an unknown code listing the partners, and logs issue, rotate and revoke', async () => {
    const unknown = partnerCli(['issue', '--organisation', 'no-such', '--issuer', 'region', '--name', 'CLI', '--scopes', 'clients:read']);
    expect(await unknown.result).toEqual({ code: 1, stderr: expect.stringMatching(/No partner organisation \(service provider\) with code no-such; partners: .*majakka/) });
    const issued = partnerCli(['issue', '--org', 'majakka', '--issuer', 'region', '--name', 'CLI', '--scopes', 'clients:read', '--days', '7', '--rate', '60']);
    expect((await issued.result).code).toBe(0);
    const token = issued.io.out.at(-1)!;
    const [row] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.name, 'CLI'));
    expect(row).toMatchObject({ organisationId: DEMO.organisations.majakka.id, allowedOperations: null, rateLimitPerMinute: 60 });
    expect((await t.execute({ token, query: '{ me { kind } }' })).data).toEqual({ me: { kind: 'PARTNER' } });

    const rotated = partnerCli(['rotate', row!.id, '--overlap-hours', '0']);
    expect((await rotated.result).code).toBe(0);
    const successor = rotated.io.out.at(-1)!;
    const revoked = partnerCli(['revoke', row!.id]);
    expect((await revoked.result).code).toBe(0);
    expect((await t.execute({ token, query: '{ me { kind } }' })).status).toBe(401);
    expect((await t.execute({ token: successor, query: '{ me { kind } }' })).data).toEqual({ me: { kind: 'PARTNER' } });
    const successorId = (await t.database.db.select().from(apiTokens).where(eq(apiTokens.rotatedFromId, row!.id)))[0]!.id;

    const logged = await t.database.db
      .select()
      .from(entries)
      .where(and(eq(entries.actorId, 'cli:onboarding'), eq(entries.entityType, 'ApiToken'), inArray(entries.entityId, [row!.id, successorId])))
      .orderBy(entries.seq);
    expect(logged.map((e) => [e.actorKind, e.action, e.entityId, e.organisationId, e.actorRole, e.operationName])).toEqual([
      ['SYSTEM', 'CREATE', row!.id, DEMO.organisations.region.id, 'REGISTRAR', 'npm run partner-token -- issue'],
      ['SYSTEM', 'UPDATE', row!.id, DEMO.organisations.region.id, 'REGISTRAR', 'npm run partner-token -- rotate'],
      ['SYSTEM', 'CREATE', successorId, DEMO.organisations.region.id, 'REGISTRAR', 'npm run partner-token -- rotate'],
      ['SYSTEM', 'UPDATE', row!.id, DEMO.organisations.region.id, 'REGISTRAR', 'npm run partner-token -- revoke'],
    ]);
    expect(await partnerCli(['revoke', row!.id]).result).toEqual({ code: 1, stderr: expect.stringMatching(/^CONFLICT: The token was already revoked/) });
    expect(await partnerCli(['revoke', '00000000-0000-4000-8000-000000000000']).result).toEqual({ code: 1, stderr: 'NOT_FOUND: ApiToken 00000000-0000-4000-8000-000000000000 was not found' });
  });

  it('a UsageError is what a missing option throws, so the shell sees exit code 2', async () => {
    await expect(runPartnerTokenCommand(['issue', '--issuer', 'region'], t.database, capture().io)).rejects.toBeInstanceOf(UsageError);
  });
});
