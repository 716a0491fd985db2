import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { type Database, type Db, migratesOnStart, openDatabase, organisations, readDbConfig, retentionClasses, databaseOptions } from '@vartija/db';
import { type Actor, AuditRecorder, DbAuditSink, defineAbilityFor, finnishDateOf, type RequestContext, RowGrants } from '@vartija/kit';
import { asc, eq } from 'drizzle-orm';
import { type DisposalRunModel, DisposalService } from './lifecycle/disposal-service';

export const DISPOSAL_USAGE = `The scheduled disposal of client records (issue 13): for every organisation with retention classes, removes
(or, where a class says so, anonymises) what is due, client by client, exactly as runDisposal does for the registrar.

Usage: npm run disposal -- [options]

  --as-of <YYYY-MM-DD>       the day to dispose as of (default: today in Finland; never later than today)
  --dry-run                  record a dry run: list what would go, change nothing
  --organisation <code>      only this organisation (default: every organisation with retention classes)
  --operator <name>          who runs it, named in the access log as cli:<name> (default: the OS user)
  --help                     this text

Run it e.g. on the first day of every month (cron): outside an organisation's disposal months a run is recorded
as NOT_DUE and removes nothing. Every removal is logged (DELETE; anonymisation UPDATE) as actor kind SYSTEM, the
run as CREATE DisposalRun with no approver. Exits 1 when a client could not be disposed of (status PARTIAL).
Database: DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (default .data/pglite) — which cannot be
used while \`npm start\` holds it.`;

const OPTIONS = {
  help: { type: 'boolean' },
  'as-of': { type: 'string' },
  'dry-run': { type: 'boolean' },
  organisation: { type: 'string' },
  operator: { type: 'string' },
} as const;

/** A mistake the operator can fix: printed without a stack trace. */
export class DisposalUsageError extends Error {}

export interface ScheduledDisposalOptions {
  /** YYYY-MM-DD; default: today in Finland by `now`. */
  asOf?: string;
  dryRun: boolean;
  /** Only this organisation (its code). */
  organisationCode?: string;
  /** Named in the log as `cli:<operator>`. */
  operator: string;
  /** The clock (time-controlled tests); the system clock without. */
  now?: () => Date;
}

export interface OrganisationDisposal {
  organisation: { id: string; code: string; name: string };
  /** null: skipped (no retention classes: nothing is ever due). */
  run: DisposalRunModel | null;
}

/**
 * A SYSTEM actor for one organisation, holding the REGISTRAR rules of it alone: the policy module decides for
 * the scheduled run too, and the log names it (actor kind SYSTEM, id cli:<operator>), as for `npm run users`.
 */
function systemContext(db: Db, organisationId: string, operator: string, now: () => Date): RequestContext<undefined> {
  const actor: Actor = {
    kind: 'SYSTEM' as Actor['kind'],
    id: `cli:${operator}`,
    login: null,
    organisationId,
    grants: [
      { id: `system:${organisationId}`, role: 'REGISTRAR', organisationId, unitId: null, validFrom: now().toISOString(), validUntil: null, visibilityWindowMonths: null },
    ],
    scopes: [],
    purpose: 'REGISTER_ADMINISTRATION',
    emergency: false,
    intent: 'VIEW',
    requestId: randomUUID(),
    operationName: 'npm run disposal',
    callerAddress: null,
  };
  const clock = { today: now().toISOString().slice(0, 10) };
  return {
    actor,
    ability: defineAbilityFor(actor, clock),
    grants: new RowGrants(db, actor, { clock }),
    loaders: undefined,
    audit: new AuditRecorder(actor, 'documents', new DbAuditSink(db)),
    db,
    now,
  };
}

/** The scheduled disposal: one run per organisation with retention classes (or the one named), as SYSTEM. */
export async function runScheduledDisposal(db: Db, options: ScheduledDisposalOptions): Promise<OrganisationDisposal[]> {
  const now = options.now ?? (() => new Date());
  const asOf = options.asOf ?? finnishDateOf(now());
  const configured = new Set((await db.selectDistinct({ id: retentionClasses.organisationId }).from(retentionClasses)).map((r) => r.id));
  const orgs = await db
    .select({ id: organisations.id, code: organisations.code, name: organisations.name })
    .from(organisations)
    .where(options.organisationCode ? eq(organisations.code, options.organisationCode) : undefined)
    .orderBy(asc(organisations.code));
  if (options.organisationCode && orgs.length === 0) throw new DisposalUsageError(`No organisation with code ${options.organisationCode}.`);
  const results: OrganisationDisposal[] = [];
  for (const org of orgs) {
    const organisation = { id: org.id, code: org.code, name: org.name };
    if (!configured.has(org.id)) {
      results.push({ organisation, run: null });
      continue;
    }
    const ctx = systemContext(db, org.id, options.operator, now);
    const run = await new DisposalService(ctx).run(asOf, options.dryRun);
    await ctx.audit.flush();
    results.push({ organisation, run });
  }
  return results;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The command line as options (null: --help); a mistake is a DisposalUsageError, found before the database is opened. */
export function parseDisposalArgs(argv: string[]): Omit<ScheduledDisposalOptions, 'now'> | null {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: true });
  if (values.help) return null;
  if (positionals.length > 0) throw new DisposalUsageError(`Unexpected ${positionals.join(' ')} (see --help).`);
  const asOf = values['as-of'];
  const day = asOf === undefined ? null : new Date(`${asOf}T00:00:00Z`);
  if (asOf !== undefined && (!DATE.test(asOf) || Number.isNaN(day!.getTime()) || day!.toISOString().slice(0, 10) !== asOf)) {
    throw new DisposalUsageError('--as-of must be a calendar day written YYYY-MM-DD.');
  }
  return {
    ...(asOf ? { asOf } : {}),
    dryRun: values['dry-run'] ?? false,
    ...(values.organisation ? { organisationCode: values.organisation } : {}),
    operator: values.operator ?? safeUserName(),
  };
}

/** Parses the command line, runs, prints a line per organisation; returns the exit code (1: a run is PARTIAL). */
export async function runDisposalCommand(argv: string[], database: Database, print: (line: string) => void = console.log, now?: () => Date): Promise<number> {
  const options = parseDisposalArgs(argv);
  if (!options) {
    print(DISPOSAL_USAGE);
    return 0;
  }
  const results = await runScheduledDisposal(database.db, { ...options, ...(now ? { now } : {}) });
  let code = 0;
  for (const { organisation, run } of results) {
    if (!run) {
      print(`${organisation.code}: no retention classes, nothing is ever due (skipped).`);
      continue;
    }
    const counts = run.counts.map((c) => `${c.recordType} ${c.action.toLowerCase()} ${c.count}`).join(', ') || 'nothing';
    const failed = run.failedClients > 0 ? `, ${run.failedClients} clients failed and were left whole` : '';
    print(`${organisation.code}: ${run.status} as of ${run.asOf}${run.dryRun ? ' (dry run)' : ''}: ${run.clients} clients; ${counts}${failed} (run ${run.id}).`);
    if (run.status === 'PARTIAL') code = 1;
  }
  return code;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('-h') || parseDisposalArgs(argv) === null) {
    console.log(DISPOSAL_USAGE);
    return;
  }
  const config = readDbConfig();
  const database = await openDatabase(databaseOptions(config, { poolSize: 1 }));
  try {
    if (migratesOnStart(config)) await database.migrate();
    process.exitCode = await runDisposalCommand(argv, database);
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
    else if (error instanceof DisposalUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(message);
    else console.error(error);
    process.exit(1);
  });
}
