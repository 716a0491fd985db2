import { subject as asSubject } from '@casl/ability';
import { type AuditTarget, forbidden, grantKeyOfRule, type PolicyGrant } from '@vartija/kit';
import type { Context } from '../context';
import type { StatisticsReport, StatisticsTable } from '../generated/resolvers-types';
import { statisticsPeriod } from './statistics-input';
import { StatisticsStore } from './statistics-store';
import { shownTable, SUPPRESSION_THRESHOLD } from './statistics-suppression';

/** Column names per report: the dimensions first, then the figures (statistics-store.ts computes them in this order). */
export const STATISTICS_COLUMNS: Readonly<Record<StatisticsReport, readonly string[]>> = {
  CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY: ['serviceTask', 'ageGroup', 'municipality', 'clients'],
  RELATIONSHIPS_STARTED_ENDED: ['serviceTask', 'started', 'ended'],
  DECISIONS_BY_TYPE: ['serviceTask', 'decisionType', 'decisions'],
  PLACEMENTS_AND_CARE_DAYS: ['placementKind', 'placements', 'careDays'],
  DATA_SUBJECT_REQUESTS: ['requestKind', 'outcome', 'requests'],
};

/**
 * Statistics without identifiers (issue 13 item 4) of the actor's own organisation: MANAGER, AUDITOR and
 * REGISTRAR (lifecycle-rules.ts), over calendar periods only (statistics-input.ts). Raw figures never leave
 * this service unsuppressed (statistics-suppression.ts: small cells, and a second cell where one alone is).
 * Each report asked for is one access-log entry (StatisticsReport, the report's name; READ, or EXPORT for the
 * CSV download); it reads no person's data, so it names no client.
 */
export class StatisticsService {
  constructor(private readonly ctx: Context) {}

  async report(report: StatisticsReport, from: string, to: string): Promise<StatisticsTable> {
    const organisationId = this.ctx.actor.organisationId;
    const target: AuditTarget = { entityType: 'StatisticsReport', entityId: report, clientId: null };
    const grant = this.authorize(organisationId, target);
    const period = statisticsPeriod(from, to);
    const rows = await new StatisticsStore(this.ctx.db).rows(report, organisationId, period);
    this.ctx.audit.record({ ...target, unitId: grant?.unitId ?? null, role: grant?.role ?? null }, null, 'READ', 'ALLOWED', `period ${period.from}..${period.to}`);
    return {
      report,
      from: period.from,
      to: period.to,
      columns: [...STATISTICS_COLUMNS[report]],
      rows: shownTable(rows),
      suppressionThreshold: SUPPRESSION_THRESHOLD,
    };
  }

  /** The policy's decision on reading the organisation's statistics; a refusal is logged as DENIED and answers FORBIDDEN. */
  private authorize(organisationId: string, target: AuditTarget): PolicyGrant | undefined {
    const subject = asSubject('StatisticsReport', { organisationId });
    const rule = this.ctx.ability.relevantRuleFor('read', subject as unknown as Record<PropertyKey, unknown>);
    if (!organisationId || !rule || rule.inverted) {
      this.ctx.audit.deny(target, null, this.ctx.actor.intent === 'EXPORT' ? 'EXPORT' : 'READ', 'statistics not permitted');
      throw forbidden("Not allowed to read statistics: they are for the organisation's managers (MANAGER), data protection officer (AUDITOR) and registrar (REGISTRAR)");
    }
    return this.ctx.grants.grant(grantKeyOfRule(rule));
  }
}
