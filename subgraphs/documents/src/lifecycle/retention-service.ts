import type { Queryable } from '@vartija/db';
import { type AuditTarget, audited, conflict, finnishDateOf, isUuid, type RequestContext } from '@vartija/kit';
import type { RetentionConfiguration, RetentionItem } from '../generated/resolvers-types';
import { DisposalStore } from './disposal-store';
import type { RetentionConfigurationInput } from './retention-input';
import { type PlannedItem, planDisposal } from './retention-plan';
import { authorizeLifecycle, underGrant } from './retention-policy';
import { type RetentionConfigurationRow, RetentionStore } from './retention-store';

type Ctx = RequestContext<unknown>;

const READERS = "the retention configuration is read by the organisation's registrar (REGISTRAR) and data protection officer (AUDITOR)";
const PLANNERS = "the retention configuration is set by the organisation's registrar (REGISTRAR)";
const DISPOSERS = "what disposal removes is listed, and disposal run, by the organisation's registrar (REGISTRAR)";

export const toRetentionConfiguration = (row: RetentionConfigurationRow): RetentionConfiguration => ({
  organisationId: row.organisationId,
  classes: row.classes,
  disposalMonths: row.disposalMonths,
  version: row.version,
});

export const toRetentionItem = (item: PlannedItem): RetentionItem => ({ ...item, serviceTask: item.serviceTask as RetentionItem['serviceTask'] });

/** What a run at asOf would remove in the organisation: the configuration, a few statements for every client, the plan. */
export async function planOrganisation(db: Queryable, organisationId: string, asOf: string, configuration?: RetentionConfigurationRow): Promise<PlannedItem[]> {
  const config = configuration ?? (await new RetentionStore(db).configuration(organisationId));
  // No class: nothing is ever due (fail safe), and nothing need be read.
  if (config.classes.length === 0) return [];
  const store = new DisposalStore(db);
  const groups = await store.groups(organisationId, asOf);
  const edges = groups.length > 0 ? await store.edges(organisationId, asOf) : [];
  return planDisposal({ classes: config.classes, disposalMonths: config.disposalMonths, asOf, groups, edges });
}

/**
 * The retention configuration (issue 13 item 1; arkistonmuodostussuunnitelma) of the actor's organisation and
 * what is due under it. Policy: lifecycle-rules.ts (`read` / `update` RetentionConfiguration, `create`
 * DisposalRun for the list of what is due: it names clients, and only the registrar reaches archived ones).
 */
export class RetentionService {
  constructor(private readonly ctx: Ctx) {}

  private get organisationId() {
    return this.ctx.actor.organisationId;
  }

  private target(): AuditTarget {
    return { entityType: 'RetentionConfiguration', entityId: this.organisationId, clientId: null };
  }

  async configuration(): Promise<RetentionConfiguration> {
    const grant = authorizeLifecycle(this.ctx, 'read', 'RetentionConfiguration', this.target(), READERS);
    const row = await new RetentionStore(this.ctx.db).configuration(this.organisationId);
    this.ctx.audit.record(underGrant(this.target(), grant), null, 'READ', 'ALLOWED', `version ${row.version}`);
    return toRetentionConfiguration(row);
  }

  /** Replaces the classes and the schedule in one transaction; a stale `expectedVersion` is CONFLICT. Logged as UPDATE. */
  setConfiguration(input: RetentionConfigurationInput, expectedVersion: number): Promise<RetentionConfiguration> {
    return audited(this.ctx, async (w) => {
      const grant = authorizeLifecycle(this.ctx, 'update', 'RetentionConfiguration', this.target(), PLANNERS);
      const store = new RetentionStore(w.tx);
      const current = await store.configuration(this.organisationId, true);
      const stale = () =>
        conflict(`The retention configuration was changed by someone else (version ${current.version}, not ${expectedVersion}); reload it and try again.`, {
          currentVersion: current.version,
        });
      if (current.version !== expectedVersion) throw stale();
      const actor = this.ctx.actor;
      const replaced = await store.replace(current, input, { id: actor.kind === 'USER' && isUuid(actor.id) ? actor.id : null, kind: actor.kind });
      if (!replaced) throw stale();
      const row = await store.configuration(this.organisationId);
      // Recorded once the work has succeeded: flushed in this transaction, so no entry without the change.
      this.ctx.audit.record(underGrant(this.target(), grant), null, 'UPDATE', 'ALLOWED', `${row.classes.length} classes, disposal months [${row.disposalMonths.join(', ')}], version ${row.version}`);
      return toRetentionConfiguration(row);
    });
  }

  /** What a disposal run at `asOf` (default: today in Finland) would remove or anonymise, and why. Each client named is logged. */
  async due(asOf: string | null | undefined): Promise<RetentionItem[]> {
    const target: AuditTarget = { entityType: 'DisposalRun', entityId: null, clientId: null };
    const grant = authorizeLifecycle(this.ctx, 'create', 'DisposalRun', target, DISPOSERS);
    const day = asOf ?? finnishDateOf(this.ctx.now());
    const items = await planOrganisation(this.ctx.db, this.organisationId, day);
    for (const clientId of new Set(items.map((i) => i.clientId))) {
      this.ctx.audit.record(underGrant({ entityType: 'Client', entityId: clientId, clientId }, grant), null, 'READ', 'ALLOWED', `retention due as of ${day}`);
    }
    return items.map(toRetentionItem);
  }
}
