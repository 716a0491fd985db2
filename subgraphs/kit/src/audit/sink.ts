import type { Db, Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';
import { CHAIN_ID, chainLinkOf } from './chain';
import { AUDIT_COLUMN_LIST, AUDIT_WIRE_SQL, AuditWireBatch } from './columns';
import type { AuditEntryInput } from './entry';
import { hasSqlState } from '../pg-errors';
import { storedForm } from './stored-form';

export interface AuditSink {
  /** `via` lets a mutation write its entries inside its own transaction: both land or neither. */
  write(batch: AuditEntryInput[], via?: Queryable): Promise<void>;
}

/**
 * Appends a batch to the chain: seq stays gapless and each hash covers its predecessor.
 *
 * - Usually one statement and no explicit transaction: the sink remembers the head it last wrote; the
 *   statement moves the head only if it is still that head (its row lock serialises writers across
 *   processes) and then inserts the batch chained from it. If another writer moved it, the statement fails
 *   as a whole (nothing is kept) and the locked path below runs.
 * - The locked path (first write, after another writer, and inside a mutation's transaction `via`): the
 *   head is read `FOR UPDATE`, then the same insert-and-move. The batch travels as two json parameters,
 *   each run's shared columns once and the entries' own (AuditWireBatch; measured in bench/: building a
 *   multi-row INSERT cost ~85 µs per entry; the single statement saves three round trips per group commit;
 *   `json`, not `jsonb`, which PostgreSQL would first build into a tree: 157 entries took 2.5 ms instead of
 *   7; a run's columns once: 100 entries 3.3 → 2.5 ms sent and inserted).
 */
export class DbAuditSink implements AuditSink {
  /** The head this sink last wrote: the next batch is chained from it without a lock round trip. */
  private head: ChainHead | null = null;

  constructor(private readonly db: Db) {}

  /** Writes left to take the locked path after the head was found moved (other appenders are busy). */
  private lockedStreak = 0;

  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (batch.length === 0) return;
    if (!via && this.head && this.lockedStreak === 0) {
      const expected = this.head;
      this.head = null; // taken: concurrent writers of this sink never chain from the same head
      if (await this.appendAfter(expected, batch)) return;
      // Several appenders take turns on the head: the lock is then the cheaper way for a while.
      this.lockedStreak = LOCKED_AFTER_MISS;
    } else if (this.lockedStreak > 0) this.lockedStreak -= 1;
    await this.appendLocked(batch, via);
  }

  /** One statement: true when the head was still `expected` and the batch is in; false when someone moved it. */
  private async appendAfter(expected: ChainHead, batch: AuditEntryInput[]): Promise<boolean> {
    const { rows, head } = chained(batch, expected);
    try {
      // The head's row lock is taken first (so no row of another writer's seq is ever waited on); the rows go in
      // only when it moved; the division fails the whole statement, rows and head, unless both happened.
      await this.db.execute(sql`
        WITH moved AS (
          UPDATE audit.chain_head SET seq = ${head.seq}, hash = ${head.hash}, updated_at = now()
           WHERE id = ${CHAIN_ID} AND seq = ${expected.seq} AND hash = ${expected.hash}
          RETURNING id
        ),
        appended AS (${insertRows(rows, sql`WHERE EXISTS (SELECT 1 FROM moved)`)})
        SELECT 1 / ((SELECT count(*) FROM moved) * ((SELECT count(*) FROM appended) = ${rows.size})::int)::int AS moved`);
    } catch (error) {
      if (hasSqlState(error, HEAD_MOVED)) return false;
      throw error;
    }
    this.head = head;
    return true;
  }

  private async appendLocked(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    const written = await (via ?? this.db).transaction(async (tx) => {
      const current = rowsOf<{ seq: string | number; hash: string }>(
        await tx.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = ${CHAIN_ID} FOR UPDATE`),
      )[0];
      if (!current) throw new Error('audit chain head is missing: migrations were not applied');
      const { rows, head } = chained(batch, { seq: Number(current.seq), hash: current.hash });
      // The head moves only if every row went in; otherwise the statement fails and nothing is kept.
      const moved = rowsOf<{ id: string }>(
        await tx.execute(sql`
          WITH appended AS (${insertRows(rows)})
          UPDATE audit.chain_head SET seq = ${head.seq}, hash = ${head.hash}, updated_at = now()
           WHERE id = ${CHAIN_ID} AND (SELECT count(*) FROM appended) = ${rows.size}
          RETURNING id`),
      );
      if (moved.length !== 1) throw new Error('audit chain head did not move with the batch');
      return head;
    });
    // Inside a caller's transaction the head is not known to be committed: chain the next one under the lock.
    if (!via) this.head = written;
  }
}

interface ChainHead {
  seq: number;
  hash: string;
}

/** After the head was found moved, this many writes go the locked way before the single statement is tried again. */
const LOCKED_AFTER_MISS = 8;

/** division_by_zero: the single-statement append's way of saying that another writer moved the head. */
const HEAD_MOVED = '22012';

function chained(batch: AuditEntryInput[], from: ChainHead): { rows: AuditWireBatch; head: ChainHead } {
  let seq = from.seq;
  let prevHash = from.hash;
  const rows = new AuditWireBatch();
  for (const input of batch) {
    seq += 1;
    const { hash, values } = chainLinkOf(prevHash, seq, storedForm(input));
    rows.add(values, { prevHash, hash });
    prevHash = hash;
  }
  return { rows, head: { seq, hash: prevHash } };
}

function insertRows(rows: AuditWireBatch, where = sql``) {
  const { runs, entries } = rows.json();
  return sql`INSERT INTO audit.entries (${sql.raw(AUDIT_COLUMN_LIST)})
    SELECT ${sql.raw(AUDIT_WIRE_SQL.select)}
      FROM json_to_recordset(${entries}::json) AS e(${sql.raw(AUDIT_WIRE_SQL.entryType)})
      JOIN json_to_recordset(${runs}::json) AS r(${sql.raw(AUDIT_WIRE_SQL.runType)}) USING (k) ${where}
    RETURNING 1`;
}

/**
 * Group commit: while one append is in flight, the batches of other requests queue and go together
 * in the next transaction (one lock, one statement, one commit). Each caller still waits for the
 * commit that holds its own entries, so a response never leaves before its entries are durable.
 * Writes inside a mutation's transaction (`via`) go straight through.
 */
export class GroupCommitAuditSink implements AuditSink {
  private queue: { batch: AuditEntryInput[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly inner: AuditSink) {}

  write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (via) return this.inner.write(batch, via);
    if (batch.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      try {
        await this.inner.write(group.length === 1 ? group[0]!.batch : group.flatMap((g) => g.batch));
        for (const g of group) g.resolve();
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          continue;
        }
        // The combined transaction was rolled back as a whole. One request's entries must not fail
        // another's: each batch is appended again on its own, in queue order, so that only the
        // request whose own entries cannot be written learns of the failure.
        for (const g of group) {
          try {
            await this.inner.write(g.batch);
            g.resolve();
          } catch (own) {
            g.reject(own);
          }
        }
      }
    }
    this.writing = false;
  }
}

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
