import { createHash } from 'node:crypto';
import type { Db, Queryable } from '@vartija/db';
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
 * writers across processes, so seq stays gapless and each hash covers its predecessor. The batch
 * travels as one jsonb parameter and one statement inserts it and moves the head: the lock is held
 * for two round trips (measured in test/bench: building a multi-row INSERT cost ~85 µs per entry).
 */
export class DbAuditSink implements AuditSink {
  constructor(private readonly db: Db) {}

  async write(batch: AuditEntryInput[], via?: Queryable): Promise<void> {
    if (batch.length === 0) return;
    await (via ?? this.db).transaction(async (tx) => {
      const head = rowsOf<{ seq: string | number; hash: string }>(
        await tx.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = ${CHAIN_ID} FOR UPDATE`),
      )[0];
      if (!head) throw new Error('audit chain head is missing: migrations were not applied');
      let seq = Number(head.seq);
      let prevHash = head.hash;
      const rows = batch.map((input) => {
        const entry = storedForm(input);
        seq += 1;
        const hash = chainHash(prevHash, seq, entry);
        const row = {
          seq,
          at: entry.at.toISOString(),
          request_id: entry.requestId,
          operation_name: entry.operationName,
          subgraph: entry.subgraph,
          actor_kind: entry.actorKind,
          actor_id: entry.actorId,
          actor_role: entry.actorRole,
          organisation_id: entry.organisationId,
          unit_id: entry.unitId,
          client_id: entry.clientId,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          action: entry.action,
          outcome: entry.outcome,
          fields: entry.fields,
          categories: entry.categories,
          purpose: entry.purpose,
          emergency: entry.emergency,
          caller_address: entry.callerAddress,
          reason: entry.reason,
          prev_hash: prevHash,
          hash,
        };
        prevHash = hash;
        return row;
      });
      // The head moves only if every row went in; otherwise the statement fails and nothing is kept.
      const moved = rowsOf<{ id: string }>(
        await tx.execute(sql`
          WITH appended AS (
            INSERT INTO audit.entries (seq, at, request_id, operation_name, subgraph, actor_kind, actor_id, actor_role,
              organisation_id, unit_id, client_id, entity_type, entity_id, action, outcome, fields, categories, purpose,
              emergency, caller_address, reason, prev_hash, hash)
            SELECT seq, at, request_id, operation_name, subgraph, actor_kind, actor_id, actor_role, organisation_id, unit_id,
                   client_id, entity_type, entity_id, action, outcome, fields, categories, purpose, emergency,
                   caller_address, reason, prev_hash, hash
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
                seq bigint, at timestamptz, request_id text, operation_name text, subgraph text,
                actor_kind audit.actor_kind, actor_id text, actor_role text, organisation_id uuid, unit_id uuid,
                client_id uuid, entity_type text, entity_id text, action audit.action, outcome audit.outcome,
                fields text[], categories text[], purpose text, emergency boolean, caller_address text, reason text,
                prev_hash text, hash text)
            RETURNING 1
          )
          UPDATE audit.chain_head SET seq = ${seq}, hash = ${prevHash}, updated_at = now()
           WHERE id = ${CHAIN_ID} AND (SELECT count(*) FROM appended) = ${rows.length}
          RETURNING id`),
      );
      if (moved.length !== 1) throw new Error('audit chain head did not move with the batch');
    });
  }
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
        await this.inner.write(group.flatMap((g) => g.batch));
        for (const g of group) g.resolve();
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    this.writing = false;
  }
}

/**
 * The entry as the database will return it, so that the hash computed here is the one verification
 * recomputes from the row: uuid columns come back lower-case whatever case they were written in.
 */
function storedForm(entry: AuditEntryInput): AuditEntryInput {
  const lower = (value: string | null) => (value === null ? null : value.toLowerCase());
  return {
    ...entry,
    organisationId: lower(entry.organisationId),
    unitId: lower(entry.unitId),
    clientId: lower(entry.clientId),
  };
}

/** postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A stored entry: the input plus its place in the chain. Drizzle's row type of audit.entries fits. */
export interface ChainedEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The outcome of checking a run of the chain; a failure names the first entry that breaks it. */
export interface ChainVerification {
  ok: boolean;
  /** Entries examined, the first bad one included. */
  checkedEntries: number;
  /** The seq the next entry must have: pass it with `lastHash` when verifying the following page. */
  nextSeq: number;
  /** Hash of the last good entry (the expected prev hash of the next one); null before any entry when the start was unanchored. */
  lastHash: string | null;
  firstBadSeq: number | null;
  /** Time of the first bad entry; null when the entry is missing. */
  firstBadAt: Date | null;
  reason: string | null;
}

/**
 * Checks a run of entries ordered by seq: seq has no gaps or repeats (deletion, insertion), each
 * prev_hash is the previous entry's hash (reordering, a rewritten neighbour), and each hash is the
 * hash of prev_hash and the entry's content (modification). Pure, so it can check a page at a time.
 *
 * `expectedPrevHash` null trusts the first entry's prev_hash: a check starting mid-chain whose
 * predecessor is not at hand.
 */
export function verifyChain(
  rows: Iterable<ChainedEntry>,
  expectedPrevHash: string | null,
  expectedFirstSeq: number,
): ChainVerification {
  let nextSeq = expectedFirstSeq;
  let lastHash = expectedPrevHash;
  let checked = 0;
  const bad = (seq: number, at: Date | null, reason: string): ChainVerification => ({
    ok: false,
    checkedEntries: checked,
    nextSeq,
    lastHash,
    firstBadSeq: seq,
    firstBadAt: at,
    reason,
  });
  for (const row of rows) {
    checked += 1;
    if (row.seq > nextSeq) {
      const missing = row.seq - nextSeq === 1 ? `entry ${nextSeq} is missing` : `entries ${nextSeq}–${row.seq - 1} are missing`;
      return bad(nextSeq, null, `${missing} (deleted): the chain jumps to ${row.seq}`);
    }
    if (row.seq < nextSeq) {
      return bad(row.seq, row.at, `entry ${row.seq} appears again out of place (inserted)`);
    }
    if (lastHash !== null && row.prevHash !== lastHash) {
      return bad(
        row.seq,
        row.at,
        row.seq === expectedFirstSeq
          ? `entry ${row.seq} does not continue from the expected chain start (prev_hash differs)`
          : `entry ${row.seq} does not link to entry ${row.seq - 1} (prev_hash differs): one of them was changed`,
      );
    }
    if (chainHash(row.prevHash, row.seq, row) !== row.hash) {
      return bad(row.seq, row.at, `entry ${row.seq} was modified: its content does not match its hash`);
    }
    nextSeq = row.seq + 1;
    lastHash = row.hash;
  }
  return { ok: true, checkedEntries: checked, nextSeq, lastHash, firstBadSeq: null, firstBadAt: null, reason: null };
}

/**
 * Checks that a verified run reached where it should: every entry up to `lastSeq` was seen (entries
 * deleted from the end) and, when the run ends at the chain head, that the head's hash is the last
 * entry's (the last entry rewritten with a recomputed hash).
 */
export function verifyChainEnd(
  state: Pick<ChainVerification, 'nextSeq' | 'lastHash'>,
  lastSeq: number,
  headHash?: string,
): Pick<ChainVerification, 'ok' | 'firstBadSeq' | 'firstBadAt' | 'reason'> {
  if (state.nextSeq <= lastSeq) {
    const missing = state.nextSeq === lastSeq ? `entry ${lastSeq} is missing` : `entries ${state.nextSeq}–${lastSeq} are missing`;
    return { ok: false, firstBadSeq: state.nextSeq, firstBadAt: null, reason: `${missing} (deleted from the end of the range)` };
  }
  if (headHash !== undefined && state.lastHash !== headHash) {
    return {
      ok: false,
      firstBadSeq: lastSeq,
      firstBadAt: null,
      reason: `the chain head does not match entry ${lastSeq}: the entry or the head was changed`,
    };
  }
  return { ok: true, firstBadSeq: null, firstBadAt: null, reason: null };
}
