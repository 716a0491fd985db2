import { rowsOf } from '@vartija/kit';
import type { Queryable } from '@vartija/db';
import { type SQL, sql } from 'drizzle-orm';
import type { StatisticsReport } from '../generated/resolvers-types';
import { allStatisticEvents } from './statistic-events';
import type { StatisticsPeriod } from './statistics-input';

/**
 * Age groups (at the end of the period's last year: the year of `to` minus the year of birth, as the
 * disposed facts keep only the year of birth). Youngest first; a relationship begun before birth
 * (an anticipatory child-welfare notification) counts as 0–6.
 */
export const AGE_GROUPS: readonly { label: string; maxAge: number }[] = [
  { label: '0-6', maxAge: 6 },
  { label: '7-12', maxAge: 12 },
  { label: '13-17', maxAge: 17 },
  { label: '18-24', maxAge: 24 },
  { label: '25-64', maxAge: 64 },
  { label: '65+', maxAge: Number.POSITIVE_INFINITY },
];
/** No year of birth recorded (a pseudonymous client), or no home municipality. */
export const UNKNOWN = 'UNKNOWN';

/** One row of a report as computed: the dimensions, then the figures (counts; a sum with its contributing persons). */
export interface StatisticsRow {
  dimensions: string[];
  counts: number[];
  sum?: { value: number; persons: number };
}

function ageGroup(toYear: number): { label: SQL; order: SQL } {
  const age = sql`(${toYear}::int - e.birth_year)`;
  const bounded = AGE_GROUPS.filter((g) => Number.isFinite(g.maxAge));
  const last = AGE_GROUPS[AGE_GROUPS.length - 1]!;
  const when = (value: (i: number) => SQL) =>
    sql.join(
      bounded.map((g, i) => sql`WHEN ${age} <= ${g.maxAge}::int THEN ${value(i)}`),
      sql` `,
    );
  return {
    label: sql`CASE WHEN e.birth_year IS NULL THEN ${UNKNOWN}::text ${when((i) => sql`${bounded[i]!.label}::text`)} ELSE ${last.label}::text END`,
    order: sql`CASE WHEN e.birth_year IS NULL THEN ${AGE_GROUPS.length}::int ${when((i) => sql`${i}::int`)} ELSE ${AGE_GROUPS.length - 1}::int END`,
  };
}

/**
 * The reports, each one statement over the organisation's statistics events (live and disposed), grouped
 * in SQL. Text is ordered bytewise (COLLATE "C") so the row order is the same on every database.
 */
export class StatisticsStore {
  constructor(private readonly db: Queryable) {}

  async rows(report: StatisticsReport, organisationId: string, period: StatisticsPeriod): Promise<StatisticsRow[]> {
    const from = sql`${period.from}::date`;
    const to = sql`${period.to}::date`;
    const within = (column: SQL) => sql`${column} BETWEEN ${from} AND ${to}`;
    const overlaps = sql`e.started_on <= ${to} AND (e.ended_on IS NULL OR e.ended_on >= ${from})`;
    const events = allStatisticEvents(organisationId);
    const run = async <T>(query: SQL) => rowsOf<T>(await this.db.execute(sql`WITH e AS (${events}) ${query}`));

    switch (report) {
      case 'CLIENTS_BY_SERVICE_TASK_AGE_MUNICIPALITY': {
        const age = ageGroup(period.toYear);
        const rows = await run<{ service_task: string; age_group: string; municipality: string; clients: number }>(sql`
          SELECT service_task, age_group, municipality, count(DISTINCT person_key)::int AS clients
            FROM (SELECT e.service_task, e.person_key, ${age.label} AS age_group, ${age.order} AS age_order,
                         coalesce(e.municipality, ${UNKNOWN}::text) AS municipality
                    FROM e
                   WHERE e.kind = 'RELATIONSHIP' AND ${overlaps}) r
           GROUP BY service_task, age_group, age_order, municipality
           ORDER BY service_task COLLATE "C", age_order, municipality COLLATE "C"`);
        return rows.map((r) => ({ dimensions: [r.service_task, r.age_group, r.municipality], counts: [Number(r.clients)] }));
      }
      case 'RELATIONSHIPS_STARTED_ENDED': {
        const rows = await run<{ service_task: string; started: number; ended: number }>(sql`
          SELECT e.service_task,
                 count(*) FILTER (WHERE ${within(sql`e.started_on`)})::int AS started,
                 count(*) FILTER (WHERE ${within(sql`e.ended_on`)})::int AS ended
            FROM e
           WHERE e.kind = 'RELATIONSHIP' AND (${within(sql`e.started_on`)} OR ${within(sql`e.ended_on`)})
           GROUP BY e.service_task
           ORDER BY e.service_task COLLATE "C"`);
        return rows.map((r) => ({ dimensions: [r.service_task], counts: [Number(r.started), Number(r.ended)] }));
      }
      case 'DECISIONS_BY_TYPE': {
        const rows = await run<{ service_task: string | null; category: string; decisions: number }>(sql`
          SELECT coalesce(e.service_task, ${UNKNOWN}::text) COLLATE "C" AS service_task, e.category COLLATE "C" AS category,
                 count(*)::int AS decisions
            FROM e
           WHERE e.kind = 'DECISION' AND ${within(sql`e.started_on`)}
           GROUP BY 1, 2
           ORDER BY 1, 2`);
        return rows.map((r) => ({ dimensions: [r.service_task ?? UNKNOWN, r.category], counts: [Number(r.decisions)] }));
      }
      case 'PLACEMENTS_AND_CARE_DAYS': {
        // Care days are kept per placement and month (statistic-events.ts): a month's row is in a
        // whole-month period exactly when its first day is.
        const inForce = sql`e.kind = 'PLACEMENT' AND ${overlaps}`;
        const cared = sql`e.kind = 'CARE_DAYS' AND ${within(sql`e.started_on`)}`;
        const rows = await run<{ category: string; placements: number; care_days: string; persons: number }>(sql`
          SELECT e.category,
                 count(*) FILTER (WHERE ${inForce})::int AS placements,
                 coalesce(sum(e.quantity) FILTER (WHERE ${cared}), 0)::text AS care_days,
                 count(DISTINCT e.person_key) FILTER (WHERE ${cared})::int AS persons
            FROM e
           WHERE (${inForce}) OR (${cared})
           GROUP BY e.category
           ORDER BY e.category COLLATE "C"`);
        return rows.map((r) => ({
          dimensions: [r.category],
          counts: [Number(r.placements)],
          sum: { value: Number(r.care_days), persons: Number(r.persons) },
        }));
      }
      case 'DATA_SUBJECT_REQUESTS': {
        const rows = await run<{ category: string; outcome: string; requests: number }>(sql`
          SELECT e.category COLLATE "C" AS category, e.outcome COLLATE "C" AS outcome, count(*)::int AS requests
            FROM e
           WHERE e.kind = 'DATA_SUBJECT_REQUEST' AND ${within(sql`e.started_on`)}
           GROUP BY 1, 2
           ORDER BY 1, 2`);
        return rows.map((r) => ({ dimensions: [r.category, r.outcome], counts: [Number(r.requests)] }));
      }
    }
  }
}
