import { audited, badInput, isUuid, notFound } from '@vartija/kit';
import { auditLogTarget, assertOrdered } from './auditor';
import type { Context } from './context';
import type { AuditReviewModel, MonitoringRunModel } from './models';
import { entrySeqOf, reviewNoteOf } from './monitoring-input';
import { authorizeMonitoring } from './monitoring-policy';
import { MAX_SAMPLE_SIZE } from './resolvers/query-audit-sample';
import { ReviewStore } from './review-store';

/**
 * Log monitoring's writes (issue 15): reviews of entries and random-sample monitoring runs. Each is
 * recorded beside the log (audit.reviews, audit.monitoring_runs) and logged in it, in one transaction.
 */
export class ReviewService {
  constructor(private readonly ctx: Context) {}

  /**
   * Records a review of an entry of the organisation's part of the log (an entry outside it is NOT_FOUND,
   * as a nonexistent one), linked to a monitoring run that sampled it: the one named, else the newest.
   */
  async markReviewed(entryId: string, noteInput: string, runId: string | null | undefined): Promise<AuditReviewModel> {
    const { ctx } = this;
    const grant = authorizeMonitoring(ctx, 'create', 'AuditReview', {}, { target: auditLogTarget('markReviewed', null), action: 'UPDATE' }, 'only the data protection officer (AUDITOR) of the organisation records reviews of its access log');
    const seq = entrySeqOf(entryId);
    const note = reviewNoteOf(noteInput);
    if (runId != null && !isUuid(runId)) throw badInput('monitoringRunId', 'must be the id of a monitoring run (MonitoringRun.id)');
    const [entry] = await ctx.loaders.monitoring.bySeqs([seq]);
    if (!entry) throw notFound('Access-log entry', entryId);

    return audited(ctx, async (write) => {
      const store = new ReviewStore(write.tx, ctx.actor.organisationId);
      const run = runId ? await store.run(runId.toLowerCase()) : await store.newestRunWith(seq);
      if (runId && (!run || !run.entrySeqs.includes(seq))) {
        throw badInput('monitoringRunId', 'must be a monitoring run of your organisation that sampled this entry');
      }
      const review = await store.insertReview({
        organisationId: ctx.actor.organisationId,
        entrySeq: seq,
        reviewerId: ctx.actor.id,
        note,
        reviewedAt: ctx.now(),
        monitoringRunId: run?.id ?? null,
      });
      // The review shows in the log: who reviewed which entry (and about which client), never the note.
      // Recorded last, once the row is in: audited() writes it in the same transaction.
      ctx.audit.record(
        { entityType: 'AuditReview', entityId: review.id, clientId: entry.clientId, unitId: grant.unitId, role: grant.role },
        null,
        'UPDATE',
        'ALLOWED',
        `review of entry ${seq}${run ? ` in monitoring run ${run.id}` : ''}`,
      );
      return review;
    });
  }

  /**
   * Draws the sample exactly as auditSample does (the same seed, size and period give the same entries
   * over the same log) and records it as a monitoring run.
   */
  async startSampleReview(args: { size: number; seed: number; from: Date; to: Date }): Promise<MonitoringRunModel> {
    const { ctx } = this;
    const grant = authorizeMonitoring(ctx, 'create', 'MonitoringRun', {}, { target: auditLogTarget('startSampleReview', null), action: 'CREATE' }, 'only the data protection officer (AUDITOR) of the organisation starts monitoring runs');
    const { size, seed, from, to } = args;
    if (!Number.isInteger(size) || size < 1 || size > MAX_SAMPLE_SIZE) throw badInput('size', `must be between 1 and ${MAX_SAMPLE_SIZE}`);
    if (Number.isNaN(from.getTime())) throw badInput('from', 'must be an ISO 8601 instant');
    if (Number.isNaN(to.getTime())) throw badInput('to', 'must be an ISO 8601 instant');
    assertOrdered(from, to);
    const sample = await ctx.loaders.store.sample(size, seed, { from, to });

    return audited(ctx, async (write) => {
      const run = await new ReviewStore(write.tx, ctx.actor.organisationId).insertRun({
        organisationId: ctx.actor.organisationId,
        seed,
        size,
        periodFrom: from,
        periodTo: to,
        startedBy: ctx.actor.id,
        startedAt: ctx.now(),
        entrySeqs: sample.map((e) => e.seq),
      });
      ctx.audit.record(
        { entityType: 'MonitoringRun', entityId: run.id, clientId: null, unitId: grant.unitId, role: grant.role },
        null,
        'CREATE',
        'ALLOWED',
        `random sample of ${sample.length} entries (size ${size}, seed ${seed}) written ${from.toISOString()}–${to.toISOString()}`,
      );
      return run;
    });
  }
}
