import { randomUUID } from 'node:crypto';
import type { Db } from '@vartija/db';
import { type AuditSink, DbAuditSink, rowsOf } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { yearsBefore } from './auditor';

/** Access logs are kept 12 years (DESIGN.md §1). */
export const DEFAULT_RETENTION_YEARS = 12;

export interface RetentionOptions {
  /** Whole years to keep; default 12. */
  years?: number;
  /** The moment the cutoff is counted back from; default now. */
  now?: Date;
  /** Where the run's own entry goes; default the database chain. */
  sink?: AuditSink;
}

export interface RetentionResult {
  cutoff: Date;
  removed: number;
  /** Where the kept chain now starts (verifyAuditChain anchors there). */
  firstKeptSeq: number;
  firstKeptPrevHash: string;
}

/**
 * Removes the access-log entries older than the retention period through the database's
 * audit.apply_retention (the only way past the append-only triggers), and writes a SYSTEM entry
 * saying so into the chain in the same transaction: the removal and its record land together.
 */
export async function applyRetention(db: Db, options: RetentionOptions = {}): Promise<RetentionResult> {
  const years = options.years ?? DEFAULT_RETENTION_YEARS;
  if (!Number.isInteger(years) || years < 1) throw new Error(`retention years must be a whole number of at least 1 (got ${years})`);
  const cutoff = yearsBefore(options.now ?? new Date(), years);
  const sink = options.sink ?? new DbAuditSink(db);
  return db.transaction(async (tx) => {
    const [row] = rowsOf<{ removed: string | number; kept_from_seq: string | number; kept_from_prev_hash: string }>(
      await tx.execute(
        sql`SELECT removed, kept_from_seq, kept_from_prev_hash FROM audit.apply_retention(${cutoff.toISOString()}::timestamptz)`,
      ),
    );
    if (!row) throw new Error('audit.apply_retention returned nothing: migrations were not applied');
    const result: RetentionResult = {
      cutoff,
      removed: Number(row.removed),
      firstKeptSeq: Number(row.kept_from_seq),
      firstKeptPrevHash: row.kept_from_prev_hash,
    };
    await sink.write(
      [
        {
          at: new Date(),
          requestId: randomUUID(),
          operationName: 'applyRetention',
          subgraph: 'audit',
          actorKind: 'SYSTEM',
          actorId: 'retention-job',
          actorRole: null,
          organisationId: null,
          unitId: null,
          clientId: null,
          entityType: 'AuditLog',
          entityId: null,
          action: 'DELETE',
          outcome: 'ALLOWED',
          fields: [],
          categories: [],
          purpose: 'LOG_RETENTION',
          emergency: false,
          callerAddress: null,
          reason:
            `retention ${years} years: removed ${result.removed} entries written before ${cutoff.toISOString()}; ` +
            `the chain continues from entry ${result.firstKeptSeq}`,
        },
      ],
      tx,
    );
    return result;
  });
}
