import { createHash } from 'node:crypto';
import type { Db, Queryable } from '@vartija/db';
import { sql } from 'drizzle-orm';
import { isUuid } from './ids';

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

/**
 * Bounds (characters) of the text columns of an entry. Values come from callers (operation names,
 * reasons, ids taken from arguments), so none of them may be able to make an append fail: the
 * indexed columns stay well inside a btree entry, the others inside what an auditor can read.
 */
export const AUDIT_TEXT_LIMITS = {
  requestId: 100,
  operationName: 200,
  subgraph: 100,
  actorId: 200,
  actorRole: 100,
  entityType: 200,
  entityId: 500,
  purpose: 200,
  callerAddress: 100,
  reason: 2_000,
  /** Each field and category name. */
  name: 200,
} as const;
/** At most this many field and category names per entry. */
export const AUDIT_MAX_NAMES = 500;

// C0 and C1 controls and DEL: PostgreSQL refuses NUL, and the others make a log misleading to read.
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
// A surrogate half without its pair: PostgreSQL's json parser refuses it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * Text as the log stores it: tab and line breaks become spaces, other control characters and broken
 * Unicode become U+FFFD (visible, not silently dropped), and a value over `max` characters is cut,
 * ending in "…" so that a reader sees it was cut.
 */
export function auditText(value: string, max: number): string {
  let text = value;
  if (CONTROL.test(text)) text = text.replace(CONTROLS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : '\uFFFD'));
  if (LONE_SURROGATE.test(text)) text = text.replace(LONE_SURROGATES, '\uFFFD');
  if (text.length > max) {
    let end = max - 1;
    // Never cut a surrogate pair in two.
    if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/**
 * The entry as the database will store and return it, so that the hash computed here is the one
 * verification recomputes from the row: text bounded and free of control characters (auditText),
 * uuid columns lower-case (as they come back) and null when the value is not a UUID (the column
 * could not hold it, and one bad value must not cost the entry).
 */
export function storedForm(entry: AuditEntryInput): AuditEntryInput {
  const uuid = (value: string | null) => (value !== null && isUuid(value) ? value.toLowerCase() : null);
  const optional = (value: string | null, max: number) => (value === null ? null : auditText(value, max));
  const names = (values: string[]) => values.slice(0, AUDIT_MAX_NAMES).map((v) => auditText(v, AUDIT_TEXT_LIMITS.name));
  const L = AUDIT_TEXT_LIMITS;
  return {
    ...entry,
    requestId: auditText(entry.requestId, L.requestId),
    operationName: optional(entry.operationName, L.operationName),
    subgraph: auditText(entry.subgraph, L.subgraph),
    actorId: auditText(entry.actorId, L.actorId),
    actorRole: optional(entry.actorRole, L.actorRole),
    organisationId: uuid(entry.organisationId),
    unitId: uuid(entry.unitId),
    clientId: uuid(entry.clientId),
    entityType: auditText(entry.entityType, L.entityType),
    entityId: optional(entry.entityId, L.entityId),
    fields: names(entry.fields),
    categories: names(entry.categories),
    purpose: optional(entry.purpose, L.purpose),
    callerAddress: optional(entry.callerAddress, L.callerAddress),
    reason: optional(entry.reason, L.reason),
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
