import { monitoringRuns, type Queryable, reviews, inList } from '@vartija/db';
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { AuditReviewModel, MonitoringRunModel } from './models';

export interface NewReview {
  organisationId: string;
  entrySeq: number;
  reviewerId: string;
  note: string;
  reviewedAt: Date;
  monitoringRunId: string | null;
}

export interface NewMonitoringRun {
  organisationId: string;
  seed: number;
  size: number;
  periodFrom: Date;
  periodTo: Date;
  startedBy: string;
  startedAt: Date;
  entrySeqs: number[];
}

/**
 * Reviews of log entries and monitoring runs (audit.reviews, audit.monitoring_runs), always of one
 * organisation: the actor's. Both tables are append-only (migration 0013).
 */
export class ReviewStore {
  constructor(
    private readonly db: Queryable,
    private readonly organisationId: string,
  ) {}

  private own(): SQL {
    return eq(reviews.organisationId, this.organisationId);
  }

  /** Reviews of the entries, oldest first (a DataLoader's batch). */
  forEntries(seqs: readonly number[]): Promise<AuditReviewModel[]> {
    if (seqs.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(reviews)
      .where(and(this.own(), inList(reviews.entrySeq, [...seqs])))
      .orderBy(asc(reviews.reviewedAt), asc(reviews.id));
  }

  /** How many of each run's entries have a review recorded for that run (a DataLoader's batch). */
  async reviewedCounts(runIds: readonly string[]): Promise<{ id: string; count: number }[]> {
    if (runIds.length === 0) return [];
    return this.db
      .select({ id: sql<string>`${reviews.monitoringRunId}`, count: sql<number>`count(DISTINCT ${reviews.entrySeq})::int` })
      .from(reviews)
      .where(and(this.own(), inList(reviews.monitoringRunId, [...runIds])))
      .groupBy(reviews.monitoringRunId);
  }

  async insertReview(review: NewReview): Promise<AuditReviewModel> {
    const [row] = await this.db.insert(reviews).values(review).returning();
    return row!;
  }

  async insertRun(run: NewMonitoringRun): Promise<MonitoringRunModel> {
    const [row] = await this.db.insert(monitoringRuns).values(run).returning();
    return row!;
  }

  async run(id: string): Promise<MonitoringRunModel | undefined> {
    const [row] = await this.db
      .select()
      .from(monitoringRuns)
      .where(and(eq(monitoringRuns.organisationId, this.organisationId), eq(monitoringRuns.id, id)));
    return row;
  }

  /** The newest run of the organisation that sampled the entry, if any. */
  async newestRunWith(seq: number): Promise<MonitoringRunModel | undefined> {
    const [row] = await this.db
      .select()
      .from(monitoringRuns)
      .where(and(eq(monitoringRuns.organisationId, this.organisationId), sql`${seq}::bigint = ANY(${monitoringRuns.entrySeqs})`))
      .orderBy(desc(monitoringRuns.startedAt), desc(monitoringRuns.id))
      .limit(1);
    return row;
  }

  runs(limit: number): Promise<MonitoringRunModel[]> {
    return this.db
      .select()
      .from(monitoringRuns)
      .where(eq(monitoringRuns.organisationId, this.organisationId))
      .orderBy(desc(monitoringRuns.startedAt), desc(monitoringRuns.id))
      .limit(limit);
  }
}
