import { entries, type Queryable, inList } from '@vartija/db';
import { rowsOf } from '@vartija/kit';
import { and, asc, type SQL, sql } from 'drizzle-orm';
import { REPORT_TIME_ZONE } from './audit-store';
import type { AuditEntryModel } from './models';

/** What a review queue holds (ReviewQueueKind in the SDL, where each is defined for the auditor). */
export type ReviewQueueKind = 'EMERGENCY' | 'OUTSIDE_CASELOAD' | 'OUTSIDE_WORKING_HOURS' | 'DENIED' | 'HIGH_VOLUME';

/** Working hours (Finnish local time): 07:00–18:00, Monday to Friday. Public holidays are not known here. */
export const WORKING_HOURS = { from: 7, to: 18 } as const;
/** HIGH_VOLUME: an actor-day above this many times the actor's own median accesses per active day… */
export const HIGH_VOLUME_FACTOR = 3;
/** …and at least this many accesses, so that a quiet actor's ordinary day is not flagged. */
export const HIGH_VOLUME_MIN_ACCESSES = 10;

export interface ActorDay {
  day: string;
  accesses: number;
  distinctClients: number;
}

export interface UsualRange {
  accessesMedian: number;
  accessesP90: number;
  distinctClientsMedian: number;
  distinctClientsP90: number;
  actorDays: number;
}

/** A queue's raw item: the entry standing for it and, for HIGH_VOLUME, the actor-day's numbers. */
export interface QueueHit {
  seq: number;
  reviewed: boolean;
  day?: string;
  accesses?: number;
  distinctClients?: number;
  median?: number;
}

export interface Period {
  from: Date;
  to: Date;
}

const TZ = REPORT_TIME_ZONE;

/**
 * Per-actor counting and the review queues (issue 15 items 2–3), over the actor's part of the log
 * (`scope`: the policy's `access` rules on AuditEntry). An **access** is a distinct request × client
 * pair with an allowed entry: one screen that read a client's details, documents and decisions counts
 * once, however many entries (request × subgraph × entity) it wrote. Refused attempts touched nothing
 * and are not accesses. The statements read audit.entries unaliased: the scope names its columns so.
 */
export class MonitoringStore {
  constructor(
    private readonly db: Queryable,
    private readonly scope: () => SQL,
    private readonly organisationId: string,
  ) {}

  /** Entries of the actor's part of the log by id (seq), in log order; others are not found. */
  bySeqs(seqs: readonly number[]): Promise<AuditEntryModel[]> {
    if (seqs.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(entries)
      .where(and(inList(entries.seq, [...seqs]), this.scope()))
      .orderBy(asc(entries.seq));
  }

  /** The actor's accesses and distinct clients per Finnish day of [fromDay, toDay], every day listed. */
  async actorDays(actorId: string, fromDay: string, toDay: string): Promise<ActorDay[]> {
    const result = await this.db.execute(sql`
      WITH mine AS (${this.accesses(sql`actor_id = ${actorId} AND ${this.days(fromDay, toDay)}`)})
      SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
             coalesce(a.accesses, 0)::int AS accesses,
             coalesce(a.clients, 0)::int AS clients
        FROM generate_series(${fromDay}::date, ${toDay}::date, interval '1 day') AS d(day)
        LEFT JOIN (SELECT day, count(*) AS accesses, count(DISTINCT client_id) AS clients FROM mine GROUP BY day) a
          ON a.day = d.day::date
       ORDER BY d.day`);
    return rowsOf<{ day: string; accesses: number; clients: number }>(result).map((r) => ({
      day: r.day,
      accesses: Number(r.accesses),
      distinctClients: Number(r.clients),
    }));
  }

  /**
   * The organisation's usual range over [fromDay, toDay]: median and 90th percentile (continuous) of
   * accesses and of distinct clients over every actor-day with an access, users only (a partner's
   * integration is not a person's day).
   */
  async usualRange(fromDay: string, toDay: string): Promise<UsualRange> {
    const result = await this.db.execute(sql`
      WITH acc AS (${this.accesses(sql`actor_kind = 'USER' AND ${this.days(fromDay, toDay)}`)}),
           per AS (SELECT actor_id, day, count(*) AS accesses, count(DISTINCT client_id) AS clients FROM acc GROUP BY actor_id, day)
      SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY accesses), 0)::float8 AS a50,
             coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY accesses), 0)::float8 AS a90,
             coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY clients), 0)::float8 AS c50,
             coalesce(percentile_cont(0.9) WITHIN GROUP (ORDER BY clients), 0)::float8 AS c90,
             count(*)::int AS n
        FROM per`);
    const [r] = rowsOf<{ a50: number; a90: number; c50: number; c90: number; n: number }>(result);
    return {
      accessesMedian: Number(r?.a50 ?? 0),
      accessesP90: Number(r?.a90 ?? 0),
      distinctClientsMedian: Number(r?.c50 ?? 0),
      distinctClientsP90: Number(r?.c90 ?? 0),
      actorDays: Number(r?.n ?? 0),
    };
  }

  /**
   * A queue's items in `period`, newest first. One item per access (request × client; for DENIED per
   * request × client refused), represented by its first entry; HIGH_VOLUME one per actor-day. Reviewed:
   * the representing entry has a review of the organisation.
   */
  async queue(kind: ReviewQueueKind, period: Period, includeReviewed: boolean, limit: number): Promise<QueueHit[]> {
    if (kind === 'HIGH_VOLUME') return this.highVolume(period, includeReviewed, limit);
    const result = await this.db.execute(sql`
      WITH hits AS (
        SELECT DISTINCT ON (request_id, client_id) seq
          FROM audit.entries
         WHERE ${this.scope()} AND ${this.inPeriod(period)} AND ${QUEUE_CONDITIONS[kind]}
         ORDER BY request_id, client_id, seq
      ), marked AS (
        SELECT seq, ${this.reviewed(sql`hits.seq`)} AS reviewed FROM hits
      )
      SELECT seq, reviewed FROM marked WHERE ${includeReviewed}::boolean OR NOT reviewed ORDER BY seq DESC LIMIT ${limit}`);
    return rowsOf<{ seq: string | number; reviewed: boolean }>(result).map((r) => ({ seq: Number(r.seq), reviewed: r.reviewed }));
  }

  /**
   * Actor-days whose accesses exceed HIGH_VOLUME_FACTOR × the actor's own median accesses per active day
   * in the period (and HIGH_VOLUME_MIN_ACCESSES), users only; each stands for its first access's entry.
   */
  private async highVolume(period: Period, includeReviewed: boolean, limit: number): Promise<QueueHit[]> {
    const result = await this.db.execute(sql`
      WITH acc AS (
        SELECT actor_id, (at AT TIME ZONE ${TZ})::date AS day, request_id, client_id, min(seq) AS first_seq
          FROM audit.entries
         WHERE ${this.scope()} AND ${this.inPeriod(period)} AND actor_kind = 'USER' AND client_id IS NOT NULL AND outcome = 'ALLOWED'
         GROUP BY 1, 2, 3, 4
      ), per AS (
        SELECT actor_id, day, count(*) AS accesses, count(DISTINCT client_id) AS clients, min(first_seq) AS seq FROM acc GROUP BY actor_id, day
      ), usual AS (
        SELECT actor_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY accesses) AS median FROM per GROUP BY actor_id
      ), flagged AS (
        SELECT per.seq, to_char(per.day, 'YYYY-MM-DD') AS day, per.accesses, per.clients, usual.median,
               ${this.reviewed(sql`per.seq`)} AS reviewed
          FROM per JOIN usual USING (actor_id)
         WHERE per.accesses > ${HIGH_VOLUME_FACTOR}::float8 * usual.median AND per.accesses >= ${HIGH_VOLUME_MIN_ACCESSES}::int
      )
      SELECT * FROM flagged WHERE ${includeReviewed}::boolean OR NOT reviewed ORDER BY day DESC, seq DESC LIMIT ${limit}`);
    return rowsOf<{ seq: string | number; day: string; accesses: string | number; clients: string | number; median: string | number; reviewed: boolean }>(result).map((r) => ({
      seq: Number(r.seq),
      reviewed: r.reviewed,
      day: r.day,
      accesses: Number(r.accesses),
      distinctClients: Number(r.clients),
      median: Number(r.median),
    }));
  }

  /** Distinct accesses (actor, Finnish day, request, client) of allowed entries matching `where`, in scope. */
  private accesses(where: SQL): SQL {
    return sql`SELECT DISTINCT actor_id, (at AT TIME ZONE ${TZ})::date AS day, request_id, client_id
      FROM audit.entries
     WHERE ${this.scope()} AND client_id IS NOT NULL AND outcome = 'ALLOWED' AND ${where}`;
  }

  /** Finnish calendar days [fromDay, toDay] as a range of instants (index-friendly on `at`). */
  private days(fromDay: string, toDay: string): SQL {
    return sql`at >= (${fromDay}::date::timestamp AT TIME ZONE ${TZ}) AND at < ((${toDay}::date + 1)::timestamp AT TIME ZONE ${TZ})`;
  }

  private inPeriod(period: Period): SQL {
    return sql`at >= ${period.from.toISOString()}::timestamptz AND at < ${period.to.toISOString()}::timestamptz`;
  }

  private reviewed(seq: SQL): SQL {
    return sql`EXISTS (SELECT 1 FROM audit.reviews rv WHERE rv.entry_seq = ${seq} AND rv.organisation_id = ${this.organisationId}::uuid)`;
  }
}

const LOCAL = sql`(at AT TIME ZONE ${TZ})`;

/**
 * The queues' conditions (documented on ReviewQueueKind in the SDL). audit.entries is unaliased: these
 * are evaluated in its scope.
 */
const QUEUE_CONDITIONS: Record<Exclude<ReviewQueueKind, 'HIGH_VOLUME'>, SQL> = {
  EMERGENCY: sql`emergency`,
  DENIED: sql`outcome = 'DENIED'`,
  OUTSIDE_WORKING_HOURS: sql`actor_kind = 'USER' AND outcome = 'ALLOWED' AND client_id IS NOT NULL
    AND (extract(isodow FROM ${LOCAL}) >= 6 OR extract(hour FROM ${LOCAL}) < ${WORKING_HOURS.from}::int OR extract(hour FROM ${LOCAL}) >= ${WORKING_HOURS.to}::int)`,
  // A social worker's use of a client, through the grant of a unit where the client has relationships,
  // none of which names the worker as responsible. The relationships are read as they are now.
  OUTSIDE_CASELOAD: sql`actor_kind = 'USER' AND actor_role = 'SOCIAL_WORKER' AND outcome = 'ALLOWED' AND action <> 'CREATE'
    AND client_id IS NOT NULL AND unit_id IS NOT NULL
    AND EXISTS (SELECT 1 FROM clients.client_relationships cr WHERE cr.client_id = audit.entries.client_id AND cr.unit_id = audit.entries.unit_id)
    AND NOT EXISTS (SELECT 1 FROM clients.client_relationships cr WHERE cr.client_id = audit.entries.client_id AND cr.unit_id = audit.entries.unit_id
      AND cr.responsible_worker_id::text = audit.entries.actor_id)`,
};
