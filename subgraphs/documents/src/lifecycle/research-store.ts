import { type Queryable, researchPermits } from '@vartija/db';
import { rowsOf } from '@vartija/kit';
import { and, asc, eq, sql } from 'drizzle-orm';

export type ResearchPermitRow = typeof researchPermits.$inferSelect;

/** One client in a research extract, before pseudonymisation: the id only keys the pseudonym. */
export interface ResearchRow {
  clientId: string;
  birthYear: number | null;
  /** Address non-disclosure (turvakielto): the client's contact data (municipality) is not given. */
  addressNonDisclosure: boolean;
  municipality: string | null;
  motherTongue: string | null;
  serviceTasks: string | null;
  periods: string | null;
  decisionTypes: string | null;
  placementKinds: string | null;
  careDays: number;
}

/** Decision times are instants; a permit's period is in Finnish calendar days (as in the statistics). */
const TIME_ZONE = 'Europe/Helsinki';

/** Research permits (seed 001) and the one statement an extract reads. */
export class ResearchStore {
  constructor(private readonly db: Queryable) {}

  async insert(values: typeof researchPermits.$inferInsert): Promise<ResearchPermitRow> {
    const [row] = await this.db.insert(researchPermits).values(values).returning();
    return row!;
  }

  byNumber(organisationId: string, permitNumber: string): Promise<ResearchPermitRow | undefined> {
    return this.db
      .select()
      .from(researchPermits)
      .where(and(eq(researchPermits.organisationId, organisationId), eq(researchPermits.permitNumber, permitNumber)))
      .then((rows) => rows[0]);
  }

  /** The organisation's permit (undefined for another organisation's: it is an unknown id there). */
  permit(organisationId: string, id: string): Promise<ResearchPermitRow | undefined> {
    return this.db
      .select()
      .from(researchPermits)
      .where(and(eq(researchPermits.id, id), eq(researchPermits.organisationId, organisationId)))
      .then((rows) => rows[0]);
  }

  permits(organisationId: string): Promise<ResearchPermitRow[]> {
    return this.db.select().from(researchPermits).where(eq(researchPermits.organisationId, organisationId)).orderBy(asc(researchPermits.recordedAt), asc(researchPermits.id));
  }

  /**
   * The permit's population in one statement: every client of the organisation with a relationship in one of
   * the permit's service tasks overlapping the period, and per client what the fields need — tasks and
   * relationship periods within the permit (clipped to the period, as months: an exact start or end day is a
   * quasi-identifier that links rows across extracts), the types of decisions made in the period
   * and the kinds of placements in force in it in units of those tasks, and care days in the period.
   */
  async population(permit: ResearchPermitRow): Promise<ResearchRow[]> {
    const tasks = sql.join(
      permit.serviceTasks.map((t) => sql`${t}`),
      sql`, `,
    );
    const from = sql`${permit.periodFrom}::date`;
    const to = sql`${permit.periodTo}::date`;
    const result = await this.db.execute(sql`
      WITH rel AS (
        SELECT r.client_id, r.service_task::text AS task,
               greatest(r.started_on, ${from}) AS from_day,
               least(coalesce(r.ended_on, ${to}), ${to}) AS to_day
          FROM clients.client_relationships r JOIN clients.clients c ON c.id = r.client_id
         WHERE c.organisation_id = ${permit.organisationId}::uuid AND r.service_task::text IN (${tasks})
           AND r.started_on <= ${to} AND (r.ended_on IS NULL OR r.ended_on >= ${from})
      ),
      included AS (
        SELECT client_id,
               string_agg(DISTINCT task, ';' ORDER BY task) AS service_tasks,
               string_agg(DISTINCT to_char(from_day, 'YYYY-MM') || '–' || to_char(to_day, 'YYYY-MM'), ';'
                          ORDER BY to_char(from_day, 'YYYY-MM') || '–' || to_char(to_day, 'YYYY-MM')) AS periods
          FROM rel GROUP BY client_id
      ),
      units_of AS (SELECT id FROM clients.units WHERE organisation_id = ${permit.organisationId}::uuid AND service_task::text IN (${tasks})),
      dec AS (
        SELECT d.client_id, string_agg(DISTINCT d.type::text, ';' ORDER BY d.type::text) AS types
          FROM services.decisions d
         WHERE d.client_id IN (SELECT client_id FROM included) AND d.unit_id IN (SELECT id FROM units_of)
           AND (d.decided_at AT TIME ZONE ${TIME_ZONE})::date BETWEEN ${from} AND ${to}
         GROUP BY d.client_id
      ),
      pla AS (
        SELECT p.client_id, string_agg(DISTINCT p.kind::text, ';' ORDER BY p.kind::text) AS kinds
          FROM services.placements p
         WHERE p.client_id IN (SELECT client_id FROM included) AND p.unit_id IN (SELECT id FROM units_of)
           AND p.starts_on <= ${to} AND (p.ends_on IS NULL OR p.ends_on >= ${from})
         GROUP BY p.client_id
      ),
      days AS (
        SELECT p.client_id, count(*)::int AS care_days
          FROM services.care_days cd JOIN services.placements p ON p.id = cd.placement_id
         WHERE p.client_id IN (SELECT client_id FROM included) AND p.unit_id IN (SELECT id FROM units_of)
           AND cd.day BETWEEN ${from} AND ${to}
         GROUP BY p.client_id
      )
      SELECT c.id::text AS client_id, extract(year FROM c.date_of_birth)::int AS birth_year,
             c.address_non_disclosure, c.municipality, c.mother_tongue,
             i.service_tasks, i.periods, dec.types AS decision_types, pla.kinds AS placement_kinds, coalesce(days.care_days, 0) AS care_days
        FROM included i JOIN clients.clients c ON c.id = i.client_id
        LEFT JOIN dec ON dec.client_id = i.client_id
        LEFT JOIN pla ON pla.client_id = i.client_id
        LEFT JOIN days ON days.client_id = i.client_id`);
    return rowsOf<{
      client_id: string;
      birth_year: number | null;
      address_non_disclosure: boolean | null;
      municipality: string | null;
      mother_tongue: string | null;
      service_tasks: string | null;
      periods: string | null;
      decision_types: string | null;
      placement_kinds: string | null;
      care_days: number | string;
    }>(result).map((r) => ({
      clientId: r.client_id,
      birthYear: r.birth_year === null ? null : Number(r.birth_year),
      addressNonDisclosure: r.address_non_disclosure !== false,
      municipality: r.municipality,
      motherTongue: r.mother_tongue,
      serviceTasks: r.service_tasks,
      periods: r.periods,
      decisionTypes: r.decision_types,
      placementKinds: r.placement_kinds,
      careDays: Number(r.care_days),
    }));
  }
}
