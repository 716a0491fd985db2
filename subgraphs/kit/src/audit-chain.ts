import { createHash } from 'node:crypto';
import { type Db, entries, type Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';

export type AuditAction = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' | 'PRINT' | 'EXPORT' | 'DISCLOSE';
export type AuditOutcome = 'ALLOWED' | 'DENIED';

/** One access-log entry before it gets its place in the chain. */
export interface AuditEntryInput {
  at: Date;
  requestId: string;
  operationName: string | null;
  subgraph: string;
  actorKind: 'USER' | 'PARTNER' | 'SYSTEM';
  actorId: string;
  actorRole: string | null;
  organisationId: string | null;
  unitId: string | null;
  clientId: string | null;
  entityType: string;
  entityId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  fields: string[];
  categories: string[];
  purpose: string | null;
  emergency: boolean;
  callerAddress: string | null;
  reason: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_ID = 'main';

/** The exact bytes that are hashed: every column in a fixed order, so any change to a row shows. */
export function canonicalEntry(seq: number, entry: AuditEntryInput): string {
  return JSON.stringify([
    seq,
    entry.at.toISOString(),
    entry.requestId,
    entry.operationName,
    entry.subgraph,
    entry.actorKind,
    entry.actorId,
    entry.actorRole,
    entry.organisationId,
    entry.unitId,
    entry.clientId,
    entry.entityType,
    entry.entityId,
    entry.action,
    entry.outcome,
    entry.fields,
    entry.categories,
    entry.purpose,
    entry.emergency,
    entry.callerAddress,
    entry.reason,
  ]);
}

export function chainHash(prevHash: string, seq: number, entry: AuditEntryInput): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(seq, entry)).digest('hex');
}

export interface AuditSink {
  /** `via` lets a mutation write its entries inside its own transaction: both land or neither. */
  write(batch: AuditEntryInput[], via?: Queryable): Promise<void>;
}

/**
 * Appends a batch to the chain in one transaction: the row lock on the chain head serialises
 * writers across processes, so seq stays gapless and each hash covers its predecessor.
 */
export class DbAuditSink implements AuditSink {
  constructor(private readonly db: Db) {}

  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (batch.length === 0) return;
    await (via ?? this.db).transaction(async (tx) => {
      const head = await tx.execute<{ seq: string | number; hash: string }>(
        sql`SELECT seq, hash FROM audit.chain_head WHERE id = ${CHAIN_ID} FOR UPDATE`,
      );
      const row = rowsOf<{ seq: string | number; hash: string }>(head)[0];
      if (!row) throw new Error('audit chain head is missing: migrations were not applied');
      let seq = Number(row.seq);
      let prevHash = row.hash;
      const values = batch.map((entry) => {
        seq += 1;
        const hash = chainHash(prevHash, seq, entry);
        const value = { ...entry, seq, prevHash, hash };
        prevHash = hash;
        return value;
      });
      await tx.insert(entries).values(values);
      await tx.execute(
        sql`UPDATE audit.chain_head SET seq = ${seq}, hash = ${prevHash}, updated_at = now() WHERE id = ${CHAIN_ID}`,
      );
    });
  }
}

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
