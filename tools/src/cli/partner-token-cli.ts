import { readFileSync } from 'node:fs';
import {
  ApiTokenStore,
  issueTokenAsSystem,
  registerOperationsAsSystem,
  removeOperationAsSystem,
  revokeTokenAsSystem,
  rotateTokenAsSystem,
} from '@vartija/clients';
import { type Database, type Db, migratesOnStart, openDatabase, readDbConfig, databaseOptions } from '@vartija/db';
// The module alone, not the gateway's index: the command loads no gateway runtime (nor does its bundle).
import { operationsOfManifest } from '@vartija/gateway/src/persisted-operations';
import {
  allowlistNames,
  type CliIo,
  CliRefusal,
  consoleIo,
  EXIT_OK,
  helpText,
  integerOption,
  isSha256Reference,
  normaliseSha256,
  operatorName,
  PARTNER_SCOPES,
  parseCliArgs,
  printableIo,
  runCli,
  UsageError,
} from '@vartija/kit';

export const PARTNER_TOKEN_HELP = helpText({
  usage: ['npm run partner-token -- <command> [options]'],
  summary: `The registrar's command line for partner API tokens and the persisted operations they run: the
same services and policy rules as the GraphQL mutations (issueApiToken, registerPersistedOperation, …).
Every change is written to the access log in its own transaction, as actor kind SYSTEM with actor id
cli:<operator>, acting as the registrar of the issuing welfare region.`,
  commands: [
    ['issue --organisation <code> --name <name> --scopes <list> [--issuer <region>] [--days 90] [--operations <list>] [--manifest <file>] [--rate 600]', 'issues a token to a partner organisation and prints it, once'],
    ['list [--organisation <code>]', 'the tokens (never their secrets), then the registered persisted operations and the tokens allowlisting each'],
    ['revoke <token id>', 'the token is refused from its next request on'],
    ['rotate <token id> [--overlap-hours 24]', 'a successor with the same settings; the old token keeps working for the overlap'],
    ['register --manifest <file> [--issuer <region>]', 'registers every operation of a codegen persisted-documents manifest, each hash checked; all or none'],
    ['remove <sha256|id> [--issuer <region>]', 'removes a persisted operation: partners sending it get 400 PERSISTED_QUERY_NOT_FOUND'],
  ],
  options: [
    ['--organisation <code>', `the partner organisation (a service provider, e.g. majakka); --org is the same`],
    ['--issuer <region code>', 'the welfare region issuing the token (its commissions are what the token reaches) or registering the operations; default: the only welfare region, when there is one'],
    ['--name <name>', 'what the token is for, e.g. "Majakka reporting"'],
    ['--scopes <list>', `comma-separated: ${PARTNER_SCOPES.join(', ')}`],
    ['--days <n>', 'validity in days, 1–730 (default 90)'],
    ['--operations <list>', 'the allowlist: persisted operation ids or sha256 hashes; without it (and --manifest) the token may run any operation'],
    ['--manifest <file>', "register: the manifest to register; issue: allow exactly the manifest's operations (register it first)"],
    ['--rate <n>', 'requests per minute (default 600)'],
    ['--overlap-hours <n>', 'rotate: how long the old token keeps working, 0–168 (default 24)'],
    ['--operator <name>', 'who runs the command, named in the access log (default: the OS user)'],
  ],
  environment: [
    ['DATABASE_URL', 'postgres:// or postgresql:// URL of the register; unset: the embedded database'],
    ['PGLITE_DATA_DIR', 'the embedded database (default .data/pglite); one process at a time: stop npm start first'],
    ['MIGRATE_ON_START', 'true: migrate first also on PostgreSQL (default: only the embedded database; else npm run db:migrate)'],
  ],
  exitCodes: { 0: 'done', 1: 'refused: unknown organisation, token or operation, a manifest whose hashes do not match, …' },
  notes: `The manifest is the persisted-documents.json that @graphql-codegen/client-preset writes with
presetConfig: { persistedDocuments: true } (hashAlgorithm sha256, the default): { "sha256:<hex>": "<document>" }.
Each document is registered exactly as written there, under the id <OperationName>.<first 12 hex digits>;
a key that is not the document's SHA-256 is refused (never paste documents by hand: $(cat file) drops
the final newline and changes the hash). Partners send the key as extensions.persistedQuery.sha256Hash,
with or without the sha256: prefix.`,
});

const OPTIONS = {
  organisation: { type: 'string' },
  org: { type: 'string' },
  issuer: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  days: { type: 'string' },
  operations: { type: 'string' },
  manifest: { type: 'string' },
  rate: { type: 'string' },
  'overlap-hours': { type: 'string' },
  operator: { type: 'string' },
} as const;

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function need(value: string | undefined, flag: string, command: string): string {
  if (!value) throw new UsageError(`${command} needs --${flag} (see --help).`);
  return value;
}

function readManifest(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliRefusal(`Cannot read the manifest ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  return operationsOfManifest(text);
}

/** Runs one command against `database` (the tests call it in-process; main opens the database). */
export async function runPartnerTokenCommand(argv: string[], database: Database, terminal: CliIo = consoleIo): Promise<number> {
  // Names, labels and ids were typed by people or come from a partner's manifest: never raw control characters.
  const io = printableIo(terminal);
  const { help, values, positionals } = parseCliArgs(argv, OPTIONS, PARTNER_TOKEN_HELP, 2);
  const [command, id] = positionals;
  if (help) {
    io.out(PARTNER_TOKEN_HELP);
    return EXIT_OK;
  }
  if (!command) throw new UsageError(`Give a command.\n\n${PARTNER_TOKEN_HELP}`);
  if (values.organisation && values.org && values.organisation !== values.org) throw new UsageError('--organisation and --org name different organisations.');
  const organisation = values.organisation ?? values.org;
  const db = database.db;
  const store = new ApiTokenStore(db);
  const operator = { operator: operatorName(values.operator), command };
  const needId = (what: string) => {
    if (!id) throw new UsageError(`${command} needs the ${what} (see list).`);
    if (positionals.length > 2) throw new UsageError(`Unexpected argument '${positionals[2]}'.`);
    return id;
  };
  if (positionals.length > 1 && !['revoke', 'rotate', 'remove'].includes(command)) throw new UsageError(`Unexpected argument '${id}'.\n\n${PARTNER_TOKEN_HELP}`);

  switch (command) {
    case 'issue': {
      const partner = need(organisation, 'organisation', 'issue');
      const partners = await db.query.organisations.findMany({ where: (o, { eq }) => eq(o.kind, 'SERVICE_PROVIDER'), orderBy: (o, { asc }) => [asc(o.code)] });
      if (!partners.some((o) => o.code === partner)) {
        throw new CliRefusal(`No partner organisation (service provider) with code ${partner}; partners: ${partners.map((o) => o.code).join(', ') || 'none yet'}.`);
      }
      const organisationId = await issuerId(db, values.issuer);
      const allowed = [...list(values.operations)];
      if (values.manifest) allowed.push(...(await registeredHashes(store, values.manifest)));
      const issued = await issueTokenAsSystem(db, { ...operator, organisationId }, {
        organisationCode: partner,
        name: need(values.name, 'name', 'issue'),
        scopes: list(need(values.scopes, 'scopes', 'issue')),
        expiresInDays: integerOption(values.days, 'days', 1, 730) ?? 90,
        allowedOperations: allowed.length > 0 ? [...new Set(allowed)] : null,
        rateLimitPerMinute: integerOption(values.rate, 'rate', 1, 100_000) ?? null,
      });
      const t = issued.apiToken;
      io.out(`Issued ${t.id} (${t.tokenPrefix}) to ${partner}, expires ${t.expiresAt.toISOString()}; ${t.allowedOperations ? `runs only ${t.allowedOperations.length} persisted operation(s)` : 'may run any operation'}.`);
      io.out("The token is shown only now; store it in the partner's secret store:");
      io.out(issued.token);
      return EXIT_OK;
    }
    case 'list': {
      const organisations = new Map((await db.query.organisations.findMany()).map((o) => [o.id, o]));
      let organisationId: string | undefined;
      if (organisation) {
        organisationId = [...organisations.values()].find((o) => o.code === organisation)?.id;
        if (!organisationId) throw new CliRefusal(`No organisation with code ${organisation}.`);
      }
      const tokens = await store.list(organisationId);
      io.out(`Tokens (${tokens.length}):`);
      for (const t of tokens) {
        const state = t.revokedAt ? 'revoked' : t.expiresAt < new Date() ? 'expired' : 'active';
        const code = (orgId: string) => organisations.get(orgId)?.code ?? orgId;
        io.out(
          [
            `  ${t.id}`,
            t.tokenPrefix,
            state,
            t.name,
            `${code(t.organisationId)} (issued by ${t.issuerOrganisationId ? code(t.issuerOrganisationId) : "no region"})`,
            t.scopes.join(','),
            t.allowedOperations ? `operations: ${t.allowedOperations.join(',')}` : 'operations: any',
            `expires ${t.expiresAt.toISOString()}`,
            `last used ${t.lastUsedAt?.toISOString() ?? 'never'}`,
          ].join('  '),
        );
      }
      const operations = await store.persistedOperations();
      const allTokens = organisationId ? await store.list() : tokens;
      io.out(`Persisted operations (${operations.length}):`);
      for (const op of operations) {
        const users = allTokens.filter((t) => !t.revokedAt && t.allowedOperations?.some((a) => allowlistNames(a, op))).map((t) => t.tokenPrefix);
        io.out(`  ${op.sha256}  ${op.id}  ${op.operationName ?? '(anonymous)'}  registered ${op.createdAt.toISOString()}  allowlisted by: ${users.join(', ') || 'no token'}`);
      }
      return EXIT_OK;
    }
    case 'revoke': {
      const tokenId = needId('token id');
      await revokeTokenAsSystem(db, operator, tokenId);
      io.out(`Revoked ${tokenId}; it is refused from the next request on.`);
      return EXIT_OK;
    }
    case 'rotate': {
      const tokenId = needId('token id');
      const overlap = integerOption(values['overlap-hours'], 'overlap-hours', 0, 168) ?? 24;
      const issued = await rotateTokenAsSystem(db, operator, tokenId, overlap);
      io.out(`Rotated ${tokenId} → ${issued.apiToken.id}; the old token works for ${overlap} more hours.`);
      io.out(issued.token);
      return EXIT_OK;
    }
    case 'register': {
      const operations = readManifest(need(values.manifest, 'manifest', 'register'));
      const organisationId = await issuerId(db, values.issuer);
      const results = await registerOperationsAsSystem(db, { ...operator, organisationId }, operations);
      for (const { operation, created } of results) {
        io.out(`${created ? 'registered' : 'already registered'}  ${operation.sha256}  ${operation.id}`);
      }
      const fresh = results.filter((r) => r.created).length;
      io.out(`${fresh} operation(s) registered, ${results.length - fresh} already known.`);
      io.out('A token that runs only these: npm run partner-token -- issue --organisation <code> --name <name> --scopes <scopes> --manifest <this file>');
      return EXIT_OK;
    }
    case 'remove': {
      const key = needId('sha256 or id of the operation');
      const organisationId = await issuerId(db, values.issuer);
      const removed = await removeOperationAsSystem(db, { ...operator, organisationId }, isSha256Reference(key) ? normaliseSha256(key) : key);
      io.out(`Removed ${removed.id} (${removed.sha256}); partners sending it get PERSISTED_QUERY_NOT_FOUND from their next request on.`);
      const stale = (await store.list()).filter((t) => !t.revokedAt && t.allowedOperations?.some((a) => allowlistNames(a, removed)));
      if (stale.length > 0) io.out(`Still named in the allowlist of ${stale.map((t) => `${t.tokenPrefix} (${t.id})`).join(', ')}; the name now runs nothing.`);
      return EXIT_OK;
    }
    default:
      throw new UsageError(`Unknown command ${command}.\n\n${PARTNER_TOKEN_HELP}`);
  }
}

/** The issuing welfare region: --issuer, or the only one there is. */
async function issuerId(db: Db, code: string | undefined): Promise<string> {
  const regions = await db.query.organisations.findMany({ where: (o, { eq }) => eq(o.kind, 'WELFARE_REGION'), orderBy: (o, { asc }) => [asc(o.code)] });
  if (code) {
    const region = regions.find((o) => o.code === code);
    if (!region) throw new CliRefusal(`No welfare region with code ${code}; welfare regions: ${regions.map((o) => o.code).join(', ') || 'none yet'}.`);
    return region.id;
  }
  if (regions.length === 1) return regions[0]!.id;
  throw new UsageError(`Give --issuer <region code>: the welfare region acting (${regions.map((o) => o.code).join(', ') || 'none yet: npm run users -- create-organisation'}).`);
}

/** The manifest's hashes for an allowlist; every operation must be registered already. */
async function registeredHashes(store: ApiTokenStore, file: string): Promise<string[]> {
  const operations = readManifest(file);
  const known = new Set((await store.persistedOperationsBySha256(operations.map((op) => op.sha256))).map((row) => row.sha256));
  const missing = operations.filter((op) => !known.has(op.sha256));
  if (missing.length > 0) {
    throw new CliRefusal(`${missing.length} operation(s) of ${file} are not registered (${missing.map((op) => op.id).join(', ')}): run npm run partner-token -- register --manifest ${file} first.`);
  }
  return operations.map((op) => op.sha256);
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const { help, positionals } = parseCliArgs(argv, OPTIONS, PARTNER_TOKEN_HELP, 2);
  if (help) {
    io.out(PARTNER_TOKEN_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError(`Give a command.\n\n${PARTNER_TOKEN_HELP}`);
  const config = readDbConfig();
  const database = await openDatabase(databaseOptions(config));
  try {
    // On PostgreSQL npm run db:migrate, as the schemas' owner, changes the schema (MIGRATE_ON_START).
    if (migratesOnStart(config)) await database.migrate();
    else if (!(await database.migrated())) throw new CliRefusal('The database is not migrated: run npm run db:migrate first (as the owner of the schemas).');
    return await runPartnerTokenCommand(argv, database, io);
  } finally {
    await database.close();
  }
}

if (require.main === module) runCli(main);
