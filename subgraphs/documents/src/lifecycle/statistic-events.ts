import type { Queryable, RetentionRecordType } from '@vartija/db';
import { type SQL, sql } from 'drizzle-orm';

/**
 * The one definition of "statistics events" (issue 13 item 4): the facts the statistics count, one row per
 * relationship, decision, placement, placement-month of care days and data-subject request, shaped like
 * lifecycle.disposed_events. The statistics read these rows over live records UNION ALL the disposed events;
 * disposal writes the same rows before it deletes the records, so the figures of a disposed period stay equal
 * by construction.
 *
 * Columns: organisation_id, person_key, kind, service_task, birth_year, municipality, category, outcome,
 * started_on, ended_on, quantity.
 * - person_key: the client's statistics key (clients.statistics_key), never its id: live rows and the facts
 *   kept of a partly disposed client carry the same key, so a person is counted once (a distinct count over
 *   both never doubles them). When the client row goes, the key goes with it and the kept facts link to no one.
 * - service_task: always the task of the record's unit, as disposal groups records (disposal-store.ts).
 * - RELATIONSHIP: the relationship unit's service task, started_on / ended_on.
 * - DECISION: service task of the deciding unit, category = decision type, started_on = the Finnish day decided.
 * - PLACEMENT: service task of the placing unit, category = placement kind, started_on / ended_on.
 * - CARE_DAYS: one row per placement and calendar month, category = placement kind, started_on / ended_on = the
 *   month's first and last day, quantity = care days in it (exact for any whole-month period).
 * - DATA_SUBJECT_REQUEST: category = request kind, outcome (PENDING while undecided), started_on = received,
 *   ended_on = decided.
 */
export const STATISTIC_EVENT_KINDS = ['RELATIONSHIP', 'DECISION', 'PLACEMENT', 'CARE_DAYS', 'DATA_SUBJECT_REQUEST'] as const;
export type StatisticEventKind = (typeof STATISTIC_EVENT_KINDS)[number];

/** Decision times are instants; the statistics count Finnish calendar days (kit finnish-date.ts). */
const TIME_ZONE = 'Europe/Helsinki';

export const STATISTIC_EVENT_COLUMNS = sql.raw(
  'organisation_id, person_key, kind, service_task, birth_year, municipality, category, outcome, started_on, ended_on, quantity',
);

/**
 * The live events of an organisation's clients (the controller's register: clients.organisation_id), or of
 * only the given clients of it. A SELECT usable as a subquery.
 */
export function liveStatisticEvents(organisationId: string, clientIds?: readonly string[]): SQL {
  const only =
    clientIds === undefined ? sql`` : sql` AND c.id IN (${sql.join(clientIds.map((id) => sql`${id}::uuid`), sql`, `)})`;
  const person = sql`c.organisation_id, c.statistics_key AS person_key`;
  // A client under address non-disclosure has no municipality here: a rare municipality's cell that comes and
  // goes with one person would tell where that person lives (as the research extract, which leaves it empty).
  const who = sql`extract(year FROM c.date_of_birth)::int AS birth_year, CASE WHEN c.address_non_disclosure THEN NULL ELSE c.municipality END AS municipality`;
  const scope = sql`c.organisation_id = ${organisationId}::uuid${only}`;
  return sql`
    SELECT ${person}, 'RELATIONSHIP'::text AS kind, u.service_task::text AS service_task, ${who},
           NULL::text AS category, NULL::text AS outcome, r.started_on, r.ended_on, 1 AS quantity
      FROM clients.clients c JOIN clients.client_relationships r ON r.client_id = c.id JOIN clients.units u ON u.id = r.unit_id
     WHERE ${scope}
    UNION ALL
    SELECT ${person}, 'DECISION', u.service_task::text, ${who},
           d.type::text, NULL, (d.decided_at AT TIME ZONE ${TIME_ZONE})::date, NULL::date, 1
      FROM clients.clients c JOIN services.decisions d ON d.client_id = c.id JOIN clients.units u ON u.id = d.unit_id
     WHERE ${scope}
    UNION ALL
    SELECT ${person}, 'PLACEMENT', u.service_task::text, ${who},
           p.kind::text, NULL, p.starts_on, p.ends_on, 1
      FROM clients.clients c JOIN services.placements p ON p.client_id = c.id JOIN clients.units u ON u.id = p.unit_id
     WHERE ${scope}
    UNION ALL
    SELECT ${person}, 'CARE_DAYS', u.service_task::text, ${who},
           p.kind::text, NULL, m.month, (m.month + interval '1 month' - interval '1 day')::date, count(*)::int
      FROM clients.clients c JOIN services.placements p ON p.client_id = c.id JOIN clients.units u ON u.id = p.unit_id
      JOIN services.care_days cd ON cd.placement_id = p.id
      CROSS JOIN LATERAL (SELECT date_trunc('month', cd.day)::date AS month) m
     WHERE ${scope}
     GROUP BY c.organisation_id, c.statistics_key, u.service_task, c.date_of_birth, c.municipality, c.address_non_disclosure, p.id, p.kind, m.month
    UNION ALL
    SELECT ${person}, 'DATA_SUBJECT_REQUEST', u.service_task::text, ${who},
           q.kind::text,
           coalesce(q.outcome::text, CASE q.status WHEN 'REFUSED' THEN 'REFUSED' WHEN 'COMPLETED' THEN 'GRANTED' ELSE 'PENDING' END),
           q.received_on, q.decided_on, 1
      FROM clients.clients c JOIN documents.data_subject_requests q ON q.client_id = c.id
      LEFT JOIN clients.units u ON u.id = q.unit_id
     WHERE ${scope}`;
}

/** All events of an organisation: live records and the facts kept of disposed clients. */
export function allStatisticEvents(organisationId: string): SQL {
  return sql`
    SELECT ${STATISTIC_EVENT_COLUMNS} FROM (${liveStatisticEvents(organisationId)}) live
    UNION ALL
    SELECT ${STATISTIC_EVENT_COLUMNS} FROM lifecycle.disposed_events WHERE organisation_id = ${organisationId}::uuid`;
}

/** The statistics events (above) a record type's records give: what disposal keeps when it removes them. */
export const STATISTIC_KINDS_OF: Partial<Readonly<Record<RetentionRecordType, readonly StatisticEventKind[]>>> = {
  RELATIONSHIP: ['RELATIONSHIP'],
  DECISION: ['DECISION'],
  PLACEMENT: ['PLACEMENT', 'CARE_DAYS'],
  DATA_SUBJECT_REQUEST: ['DATA_SUBJECT_REQUEST'],
};

/** Record groups removed from a client (retention-plan.ts: a record type of a service task; null: without a unit). */
export interface RemovedGroup {
  recordType: RetentionRecordType;
  serviceTask: string | null;
}

/**
 * Keeps the statistics facts of records about to be removed, in the caller's transaction (call it right
 * before deleting them). Without `only`: every fact of the clients, for clients removed whole. With `only`:
 * just the facts of those removed groups (a client who stays: some service tasks due, others not), the rest
 * staying live. Either way the facts carry the client's statistics key (clients.statistics_key), the key its
 * live rows carry, never a fresh one: a person partly disposed of is still counted once, and several runs of
 * one client stay one person. The key is never the client id, and it is deleted with the client row.
 */
export async function preserveStatistics(
  tx: Queryable,
  organisationId: string,
  clientIds: readonly string[],
  disposalRunId: string,
  only?: readonly RemovedGroup[],
): Promise<void> {
  if (clientIds.length === 0) return;
  let filter = sql``;
  if (only !== undefined) {
    const pairs = only.flatMap(({ recordType, serviceTask }) => (STATISTIC_KINDS_OF[recordType] ?? []).map((kind) => sql`(${kind}::text, ${serviceTask ?? '*'}::text)`));
    if (pairs.length === 0) return;
    filter = sql` WHERE (e.kind, coalesce(e.service_task, '*')) IN (${sql.join(pairs, sql`, `)})`;
  }
  await tx.execute(sql`
    INSERT INTO lifecycle.disposed_events
           (organisation_id, person_key, kind, service_task, birth_year, municipality, category, outcome,
            started_on, ended_on, quantity, disposal_run_id)
    SELECT e.organisation_id, e.person_key, e.kind, e.service_task, e.birth_year, e.municipality, e.category,
           e.outcome, e.started_on, e.ended_on, e.quantity, ${disposalRunId}::uuid
      FROM (${liveStatisticEvents(organisationId, clientIds)}) e${filter}`);
}
