import type { RetentionRecordType } from '@vartija/db';
import { type AuditTarget, audited, badInput, finnishDateOf, isUuid, type PolicyGrant, type RequestContext, SENSITIVE_FIELDS } from '@vartija/kit';
import type { DisposalRun } from '../generated/resolvers-types';
import { type ClientRecord, type DisposalRunRow, type DisposalTargets, DisposalStore, type DisposedRow } from './disposal-store';
import { countsOf, isDisposalMonth, itemsOf, type PlannedGroup, type PlannedItem, planGroups } from './retention-plan';
import { authorizeLifecycle, underGrant } from './retention-policy';
import { planOrganisation, toRetentionItem } from './retention-service';
import { type RetentionConfigurationRow, RetentionStore } from './retention-store';
import { preserveStatistics } from './statistic-events';

type Ctx = RequestContext<unknown>;

const DISPOSERS = "disposal is run by the organisation's registrar (REGISTRAR), or by the scheduled run (npm run disposal)";
const READERS = "disposal runs are read by the organisation's registrar (REGISTRAR) and data protection officer (AUDITOR)";
const MAX_RUNS = 100;

export type DisposalRunModel = DisposalRun;

function toModel(row: DisposalRunRow, items: readonly PlannedItem[] | null): DisposalRunModel {
  return {
    id: row.id,
    asOf: row.asOf,
    dryRun: row.dryRun,
    status: row.status,
    approvedBy: row.approvedBy,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    clients: row.clients,
    failedClients: row.failedClients,
    counts: row.counts as DisposalRun['counts'],
    items: items === null ? null : items.map(toRetentionItem),
  };
}

const clientCount = (items: readonly PlannedItem[]) => new Set(items.map((i) => i.clientId)).size;

/**
 * Disposal (issue 13 item 2): removes, or where the class says so anonymises, what retentionDue lists, client by
 * client, each client in one transaction that first keeps the client's statistics facts and then logs every row
 * it removes (DELETE) or anonymises (UPDATE) with the run and the class as the reason. The run is recorded
 * (lifecycle.disposal_runs) and logged as CREATE DisposalRun. The access log is never touched.
 *
 * `asOf` may not be later than today in Finland (a dry run neither: retentionDue(asOf) looks ahead). A date
 * outside the organisation's disposal months removes nothing (NOT_DUE); a dry run at such a date still lists.
 */
export class DisposalService {
  constructor(private readonly ctx: Ctx) {}

  private get organisationId() {
    return this.ctx.actor.organisationId;
  }

  async run(asOf: string, dryRun: boolean): Promise<DisposalRunModel> {
    const ctx = this.ctx;
    const grant = authorizeLifecycle(ctx, 'create', 'DisposalRun', { entityType: 'DisposalRun', entityId: null, clientId: null }, DISPOSERS);
    const today = finnishDateOf(ctx.now());
    if (asOf > today) {
      throw badInput('asOf', `must not be later than today in Finland (${today}): disposal removes what is due by a day that has come; retentionDue(asOf) shows a later day`);
    }

    // The run row, the plan and the CREATE entry: one transaction.
    const started = await audited(ctx, async (w) => {
      const config = await new RetentionStore(w.tx).configuration(this.organisationId);
      const inMonth = isDisposalMonth(asOf, config.disposalMonths);
      const planned = await planOrganisation(w.tx, this.organisationId, asOf, config);
      const listed = dryRun || inMonth ? planned : [];
      const finished = dryRun || !inMonth;
      const actor = ctx.actor;
      const run = await new DisposalStore(w.tx).insertRun({
        organisationId: this.organisationId,
        asOf,
        dryRun,
        // A real run is PARTIAL until every client is done: one that stops half way stays PARTIAL.
        status: !inMonth ? 'NOT_DUE' : dryRun ? 'DRY_RUN' : 'PARTIAL',
        approvedBy: actor.kind === 'USER' && isUuid(actor.id) ? actor.id : null,
        classes: config.classes,
        counts: finished ? countsOf(listed) : [],
        clients: finished ? clientCount(listed) : 0,
        finishedAt: finished ? new Date() : null,
      });
      const what = `${dryRun ? 'dry run' : 'run'} as of ${asOf}${inMonth ? '' : ' (not a disposal month: nothing removed)'}`;
      ctx.audit.record(underGrant({ entityType: 'DisposalRun', entityId: run.id, clientId: null }, grant), null, 'CREATE', 'ALLOWED', what);
      if (dryRun) for (const clientId of new Set(listed.map((i) => i.clientId))) ctx.audit.record(underGrant({ entityType: 'Client', entityId: clientId, clientId }, grant), null, 'READ', 'ALLOWED', `disposal dry run ${run.id}`);
      return { run, config, listed, finished };
    });
    if (started.finished) return toModel(started.run, started.listed);

    const disposed: PlannedItem[] = [];
    let failed = 0;
    for (const clientId of new Set(started.listed.map((i) => i.clientId))) {
      try {
        disposed.push(...(await this.disposeClient(clientId, asOf, started.config, started.run.id, grant)));
      } catch {
        // The client's transaction rolled back: it is left whole, and counted.
        failed += 1;
      }
    }
    const finished = await new DisposalStore(ctx.db).finishRun(started.run.id, {
      status: failed > 0 ? 'PARTIAL' : 'COMPLETED',
      counts: countsOf(disposed),
      clients: clientCount(disposed),
      failedClients: failed,
      finishedAt: new Date(),
    });
    return toModel(finished, disposed);
  }

  /**
   * One client in one transaction: its row locked, its records planned again as they are now (what changed
   * since the run began counts), the statistics facts kept, the records removed or anonymised, every row logged.
   */
  private disposeClient(clientId: string, asOf: string, config: RetentionConfigurationRow, runId: string, grant: PolicyGrant): Promise<PlannedItem[]> {
    return audited(this.ctx, async (w) => {
      const store = new DisposalStore(w.tx);
      const locked = await store.lockedClient(this.organisationId, clientId, asOf);
      if (!locked) return [];
      const edges = await store.edges(this.organisationId, asOf, clientId);
      const groups = planGroups({ classes: config.classes, disposalMonths: config.disposalMonths, asOf, groups: locked.groups, edges });
      const items = itemsOf(groups);
      if (items.length === 0) return [];

      // The client row removed: every fact of the client; else only those of the removed groups (the rest stay live).
      const whole = groups.some((g) => g.recordType === 'CLIENT' && g.action === 'DELETE');
      await preserveStatistics(w.tx, this.organisationId, [clientId], runId, whole ? undefined : groups.filter((g) => g.action === 'DELETE'));

      const rows = await store.dispose(clientId, targetsOf(groups, locked.records));
      // Logged once every statement has succeeded, and written in this transaction (audited flushes before commit).
      const groupOf = new Map(groups.map((g) => [`${g.serviceTask ?? '*'}/${g.recordType}`, g]));
      for (const row of rows) this.log(row, clientId, runId, groupOf.get(`${row.record.serviceTask ?? '*'}/${row.record.recordType}`), grant);
      return items;
    });
  }

  private log(row: DisposedRow, clientId: string, runId: string, group: PlannedGroup | undefined, grant: PolicyGrant): void {
    const rule = group?.retentionClass;
    const reason = `disposal run ${runId}: ${row.record.recordType} of ${row.record.serviceTask ?? 'the client as a whole'}, ${row.action === 'DELETE' ? 'removed' : 'anonymised'} under retention class ${rule?.id ?? '-'} (${rule?.legalSource ?? '-'})`;
    const target = underGrant({ entityType: row.entityType, entityId: row.entityId, clientId, unitId: row.record.unitId }, grant);
    this.ctx.audit.record(target, null, row.action, 'ALLOWED', reason);
    for (const field of row.fields) {
      const category = SENSITIVE_FIELDS.find((f) => f.type === row.entityType && f.field === field)?.category ?? 'IDENTITY';
      this.ctx.audit.record(target, { field, category }, row.action, 'ALLOWED', reason);
    }
  }

  /** The organisation's runs, newest first (REGISTRAR, AUDITOR); one READ entry. */
  async runs(first: number | null | undefined): Promise<DisposalRunModel[]> {
    const target: AuditTarget = { entityType: 'DisposalRun', entityId: null, clientId: null };
    const grant = authorizeLifecycle(this.ctx, 'read', 'DisposalRun', target, READERS);
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNS) throw badInput('first', `must be 1–${MAX_RUNS}`);
    const rows = await new DisposalStore(this.ctx.db).runs(this.organisationId, limit);
    this.ctx.audit.record(underGrant(target, grant), null, 'READ', 'ALLOWED', `${rows.length} disposal runs listed`);
    return rows.map((r) => toModel(r, null));
  }
}

/** The records of each acted-on group, by record type: removed, or anonymised. */
function targetsOf(groups: readonly PlannedGroup[], records: readonly ClientRecord[]): Map<RetentionRecordType, DisposalTargets> {
  const actionOf = new Map(groups.map((g) => [`${g.serviceTask ?? '*'}/${g.recordType}`, g.action]));
  const targets = new Map<RetentionRecordType, DisposalTargets>();
  for (const record of records) {
    const action = actionOf.get(`${record.serviceTask ?? '*'}/${record.recordType}`);
    if (!action || action === 'KEEP') continue;
    const t = targets.get(record.recordType) ?? { delete: [], anonymise: [] };
    (action === 'DELETE' ? t.delete : t.anonymise).push(record);
    targets.set(record.recordType, t);
  }
  return targets;
}
