import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  AccessAdminStore,
  createOrganisation,
  createUnitInput,
  createUserInput,
  grantRoleInput,
  parseArgs as parseValues,
  recordCommitmentInput,
  runAsSystem,
} from '@vartija/clients';
import { type Database, migratesOnStart, openDatabase, readDbConfig, databaseOptions } from '@vartija/db';

export const USERS_USAGE = `Access administration from the command line (the first registrar of a new deployment).

Usage: npm run users -- <command> [options]

  create-organisation --code <code> --name <name> [--kind WELFARE_REGION|SERVICE_PROVIDER] [--business-id <y-tunnus>]
  create-unit         --org <code> --code <code> --name <name> --service-task <TASK> [--window <months, default 12>]
  create-user         --org <code> --login <login> --name <display name> [--subject <OIDC sub>]
  record-commitment   --login <login> --signed-on <YYYY-MM-DD> [--reference <where the signed paper is kept>]
  grant               --login <login> --role <ROLE> [--unit <unit code>] [--from <date|instant>] [--until <date|instant>]
  revoke              <grant id>
  list                [--org <code>]

  --operator <name>   who runs the command, named in the access log (default: the OS user)
  --help              this text

Roles: SOCIAL_WORKER, MANAGER, STUDENT (in a unit; a STUDENT grant needs --until), BILLING, AUDITOR, REGISTRAR
(organisation-wide). A grant takes effect only after the user's use and confidentiality commitment
(käyttö- ja vaitiolositoumus) is recorded. Every change is logged as actor kind SYSTEM (cli:<operator>).
Database: DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (default .data/pglite) — which
cannot be used while \`npm start\` holds it.

Environment:
  DATABASE_URL        postgres:// or postgresql:// URL of the register; unset: the embedded database
  PGLITE_DATA_DIR     the embedded database (default .data/pglite)

Exit codes:
  0  done
  1  refused or failed (a required option missing; unknown organisation, user, unit or grant; invalid input)
  2  the command line cannot be read: an unknown option, an option without its value`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  operator: { type: 'string' },
  org: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  kind: { type: 'string' },
  'business-id': { type: 'string' },
  'service-task': { type: 'string' },
  window: { type: 'string' },
  login: { type: 'string' },
  subject: { type: 'string' },
  'signed-on': { type: 'string' },
  reference: { type: 'string' },
  role: { type: 'string' },
  unit: { type: 'string' },
  from: { type: 'string' },
  until: { type: 'string' },
} as const;

/** A mistake the operator can fix: printed without a stack trace. */
export class UsageError extends Error {}

const need = (value: string | undefined, flag: string): string => {
  if (!value) throw new UsageError(`--${flag} is required (see --help).`);
  return value;
};

/**
 * Runs one command against `database`; lines go to `print`. The same service as the GraphQL
 * mutations (subgraphs/clients/src/access-admin-service.ts), as a SYSTEM actor.
 */
export async function runUsersCommand(argv: string[], database: Database, print: (line: string) => void = console.log): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: true });
  const [command, id] = positionals;
  if (values.help || !command) {
    print(USERS_USAGE);
    return;
  }
  const db = database.db;
  const store = new AccessAdminStore(db);
  const operator = values.operator ?? safeUserName();
  const organisationOf = async (code: string) => {
    const org = await store.organisationByCode(code);
    if (!org) throw new UsageError(`No organisation with code ${code}; create it with create-organisation, or see list.`);
    return org;
  };
  const userOf = async (login: string) => {
    const user = await store.userByLogin(login);
    if (!user) throw new UsageError(`No user with login ${login}; create it with create-user.`);
    return user;
  };
  const as = (organisationId: string) => ({ organisationId, operator, command });

  switch (command) {
    case 'create-organisation': {
      const kind = values.kind ?? 'WELFARE_REGION';
      if (kind !== 'WELFARE_REGION' && kind !== 'SERVICE_PROVIDER') throw new UsageError('--kind must be WELFARE_REGION or SERVICE_PROVIDER.');
      const org = await createOrganisation(
        db,
        { code: need(values.code, 'code'), name: need(values.name, 'name'), kind, businessId: values['business-id'] ?? null },
        { operator, command },
      );
      print(`Created organisation ${org.code} (${org.id}).`);
      return;
    }
    case 'create-unit': {
      const org = await organisationOf(need(values.org, 'org'));
      const input = parseValues(createUnitInput, {
        code: need(values.code, 'code'),
        name: need(values.name, 'name'),
        serviceTask: need(values['service-task'], 'service-task'),
        visibilityWindowMonths: values.window === undefined ? null : Number(values.window),
      });
      const unit = await runAsSystem(db, as(org.id), (s) => s.createUnit(input));
      print(`Created unit ${unit.code} (${unit.id}) in ${org.code}: ${unit.serviceTask}, visibility window ${unit.visibilityWindowMonths} months.`);
      return;
    }
    case 'create-user': {
      const org = await organisationOf(need(values.org, 'org'));
      const input = parseValues(createUserInput, { login: need(values.login, 'login'), displayName: need(values.name, 'name'), externalSubject: values.subject ?? null });
      const user = await runAsSystem(db, as(org.id), (s) => s.createUser(input));
      print(`Created user ${user.login} (${user.id}) in ${org.code}. Next: record-commitment, then grant.`);
      return;
    }
    case 'record-commitment': {
      const user = await userOf(need(values.login, 'login'));
      const input = parseValues(recordCommitmentInput, { userId: user.id, signedOn: need(values['signed-on'], 'signed-on'), documentReference: values.reference ?? null });
      const commitment = await runAsSystem(db, as(user.organisationId), (s) => s.recordCommitment(input));
      print(`Recorded the commitment of ${user.login} signed on ${commitment.signedOn} (${commitment.id}).`);
      return;
    }
    case 'grant': {
      const user = await userOf(need(values.login, 'login'));
      let unitId: string | null = null;
      if (values.unit) {
        const unit = await store.unitByCode(values.unit);
        if (!unit || unit.organisationId !== user.organisationId) throw new UsageError(`No unit with code ${values.unit} in the user's organisation.`);
        unitId = unit.id;
      }
      const input = parseValues(grantRoleInput, { userId: user.id, role: need(values.role, 'role'), unitId, validFrom: values.from ?? null, validUntil: values.until ?? null });
      const grant = await runAsSystem(db, as(user.organisationId), (s) => s.grantRole(input));
      const pending = (await store.commitmentsOf([user.id])).some((c) => c.signedOn <= new Date().toISOString().slice(0, 10))
        ? ''
        : ' It takes effect once the user’s commitment is recorded (record-commitment).';
      print(`Granted ${grant.role}${values.unit ? ` in ${values.unit}` : ''} to ${user.login} (grant ${grant.id}).${pending}`);
      return;
    }
    case 'revoke': {
      const found = id ? await store.grant(id).catch(() => undefined) : undefined;
      if (!id) throw new UsageError('Give the id of the grant to revoke (see list).');
      if (!found) throw new UsageError(`No grant ${id} (see list).`);
      await runAsSystem(db, as(found.organisationId), (s) => s.revokeGrant(id));
      print(`Revoked grant ${id}; the gateway stops honouring it within its grant cache time (GRANT_CACHE_MS).`);
      return;
    }
    case 'list': {
      const orgs = values.org ? [await organisationOf(values.org)] : await db.query.organisations.findMany({ orderBy: (o, { asc }) => [asc(o.code)] });
      for (const org of orgs) {
        const units = await db.query.units.findMany({ where: (u, { eq }) => eq(u.organisationId, org.id), orderBy: (u, { asc }) => [asc(u.code)] });
        print(`${org.code}  ${org.name}  (${org.kind}, ${org.id})`);
        for (const unit of units) print(`  unit ${unit.code}  ${unit.name}  ${unit.serviceTask}  window ${unit.visibilityWindowMonths} months`);
        const unitCode = new Map(units.map((u) => [u.id, u.code]));
        const today = new Date().toISOString().slice(0, 10);
        for (const { user, grants, commitments } of await store.usersOfOrganisation(org.id)) {
          const committed = commitments.some((c) => c.signedOn <= today);
          print(`  user ${user.login}  ${user.displayName}${user.active ? '' : '  (deactivated)'}  commitment: ${committed ? commitments[0]!.signedOn : 'none'}`);
          for (const g of grants) {
            const state = g.revokedAt ? 'revoked' : g.validUntil && g.validUntil <= new Date() ? 'ended' : g.validFrom > new Date() ? 'future' : committed ? 'effective' : 'waiting for commitment';
            const until = g.validUntil ? ` until ${g.validUntil.toISOString()}` : '';
            print(`    grant ${g.id}  ${g.role}${g.unitId ? ` ${unitCode.get(g.unitId) ?? g.unitId}` : ''}  from ${g.validFrom.toISOString()}${until}  ${state}`);
          }
        }
      }
      return;
    }
    default:
      throw new UsageError(`Unknown command ${command}.\n\n${USERS_USAGE}`);
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The embedded database is one process's at a time: PGlite keeps `postmaster.pid` in its directory
 * while open (npm start), and a second process opening it would corrupt it.
 */
export function embeddedDatabaseInUse(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'postmaster.pid'));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(USERS_USAGE);
    return;
  }
  // A command line it cannot read is refused before the database is opened.
  parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: true });
  const config = readDbConfig();
  if (!config.DATABASE_URL && embeddedDatabaseInUse(config.PGLITE_DATA_DIR)) {
    throw new UsageError(
      `The embedded database in ${config.PGLITE_DATA_DIR} is in use (it has a postmaster.pid): stop \`npm start\` first, ` +
        'then run this command again (or set DATABASE_URL to use PostgreSQL). If nothing is running, a process ended ' +
        `without closing it: remove ${path.join(config.PGLITE_DATA_DIR, 'postmaster.pid')}.`,
    );
  }
  const database = await openDatabase(databaseOptions(config));
  try {
    if (migratesOnStart(config)) await database.migrate();
    await runUsersCommand(argv, database);
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const extensions = (error as { extensions?: { code?: string; reason?: string; field?: string } }).extensions;
    const message = error instanceof Error ? error.message : String(error);
    if (extensions?.field && extensions.reason) console.error(`${extensions.field}: ${extensions.reason}`);
    else if (extensions?.code) console.error(`${extensions.code}: ${message}`);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // A command line it cannot read: the reason and the usage, exit code 2 (as every CLI, kit/cli-args.ts).
      console.error(`${message.replace(/\. To specify a positional argument.*$/s, '')}.\n\n${USERS_USAGE}`);
      process.exit(2);
    } else if (error instanceof UsageError) console.error(message);
    else console.error(error);
    process.exit(1);
  });
}
