import { entries, mulberry32, type Queryable, retentionRuns, inList } from '@vartija/db';
import {
  type AuditCheckpoint,
  CHAIN_ID,
  type AuditCheckpoints,
  type ChainHeadSnapshot,
  type ChainVerification,
  type CheckpointRef,
  type Cursor,
  GENESIS_HASH,
  rowsOf,
  verifyChain,
  verifyChainEnd,
} from '@vartija/kit';
import { and, asc, desc, eq, getTableColumns, gte, isNotNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import { CheckpointCheck, type CheckpointProblem, type CheckpointSummary, type InvalidCheckpoint, invalidCheckpointsReason } from './checkpoint-check';
import type { AuditEntryModel } from './models';

export interface AuditEntryFilter {
  clientId?: string | null;
  actorId?: string | null;
  unitId?: string | null;
  category?: string | null;
  action?: AuditEntryModel['action'] | null;
  outcome?: AuditEntryModel['outcome'] | null;
  from?: Date | string | null;
  to?: Date | string | null;
  purpose?: string | null;
  requestId?: string | null;
}

/** Dates of the extract and of the daily counts are Finnish calendar days. */
export const REPORT_TIME_ZONE = 'Europe/Helsinki';
/**
 * An entry's time is taken when its request's batch is built and its seq when the batch gets the
 * chain lock, so times run out of seq order by at most the wait for the lock: bounded by request and
 * statement timeouts, far below this. Range look-ups by time rely on it.
 */
export const MAX_CHAIN_DELAY_MS = 60 * 60 * 1000;
/** Entries hashed per query when verifying: a window of seq numbers, so memory stays flat with millions. */
export const VERIFY_PAGE_SIZE = 5_000;

export const cursorOfEntry = (row: AuditEntryModel): Cursor => ({ key: String(row.seq), id: String(row.seq) });

function conditions(filter: AuditEntryFilter | null | undefined): SQL[] {
  const where: SQL[] = [];
  if (!filter) return where;
  if (filter.clientId) where.push(eq(entries.clientId, filter.clientId));
  if (filter.actorId) where.push(eq(entries.actorId, filter.actorId));
  if (filter.unitId) where.push(eq(entries.unitId, filter.unitId));
  if (filter.category) where.push(sql`${filter.category} = ANY(${entries.categories})`);
  if (filter.action) where.push(eq(entries.action, filter.action));
  if (filter.outcome) where.push(eq(entries.outcome, filter.outcome));
  if (filter.from) where.push(gte(entries.at, new Date(filter.from)));
  if (filter.to) where.push(lt(entries.at, new Date(filter.to)));
  if (filter.purpose) where.push(eq(entries.purpose, filter.purpose));
  if (filter.requestId) where.push(eq(entries.requestId, filter.requestId));
  return where;
}

export interface TimeRange {
  from?: Date | null;
  to?: Date | null;
}

/**
 * A verification as the auditor may see it. The chain runs through every organisation's entries, so
 * all of them in the range are hashed, but only the auditor's part of the log (the scope) is counted
 * and named: `checkedEntries`, `fromSeq` and `toSeq` are of the auditor's entries among those checked,
 * and a break at another organisation's entry says only that the chain is broken, and after which of
 * the auditor's entries. Missing (deleted) entries are named by seq: nobody's content remains there.
 */
export interface ChainCheck extends Pick<ChainVerification, 'ok' | 'checkedEntries' | 'firstBadSeq' | 'firstBadAt' | 'reason'>, CheckpointSummary {
  /** The first and last of the auditor's entries checked (a time range reaches one entry past each end, to check the links). */
  fromSeq: number | null;
  toSeq: number | null;
  /** Checkpoint files in scope that are not validly signed (forged, altered, damaged, unknown key). */
  invalidCheckpoints: number;
}

/** Where the kept chain starts, and the cutoff of the retention run that made it start there (null: genesis). */
export interface ChainStart {
  seq: number;
  prevHash: string;
  cutoff: Date | null;
}

export interface ClientAccessRow {
  date: string;
  organisationId: string | null;
  unitId: string | null;
  role: string | null;
  purpose: string | null;
  categories: string[];
  actions: string[];
  emergency: boolean;
  entries: number;
  employeeIds: string[] | null;
}

export interface ActorDayCount {
  actorId: string;
  day: string;
  count: number;
  clients: number;
}

/**
 * Reads of the access log; it is never written here but through the kit's chained sink. Every read
 * is limited to `scope`: the rows of audit.entries the actor may access, from the policy's `access`
 * rules on AuditEntry (an auditor: their organisation's part of the log).
 */
export class AuditStore {
  constructor(
    private readonly db: Queryable,
    private readonly scope: () => SQL,
  ) {}

  /** Newest first: seq grows with time under the chain lock. */
  page(filter: AuditEntryFilter | null | undefined, limit: number, after: Cursor | null) {
    const where = [this.scope(), ...conditions(filter)];
    if (after) where.push(lt(entries.seq, Number(after.key)));
    return this.db
      .select()
      .from(entries)
      .where(and(...where))
      .orderBy(desc(entries.seq))
      .limit(limit);
  }

  async count(filter: AuditEntryFilter | null | undefined): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(entries)
      .where(and(this.scope(), ...conditions(filter)));
    return row?.count ?? 0;
  }

  /**
   * Recomputes the chain over a time range (all of it without one), a window of VERIFY_PAGE_SIZE seq
   * numbers per query, inside one read-only snapshot so that concurrent writers and retention do not
   * show up as breaks. The whole chain is anchored at the first kept entry (the last retention run's
   * record, or genesis) and must end at the chain head. A time range is widened by one entry at each
   * end so that the links into and out of it are checked too.
   *
   * With `checkpoints`, the chain is also compared with the signed checkpoints in the range (all of
   * them without one): each checkpointed entry must still be there with the signed hash (else it was
   * rewritten, or cut and written again), the chain must reach the newest checkpoint (else its tail was
   * cut and the head set back), and a checkpointed entry before the kept start must be one a recorded
   * retention run could lawfully remove. The store is listed before the snapshot is taken, so no
   * checkpoint can be newer than the snapshot's head.
   */
  async verifyChain(range: TimeRange, pageSize = VERIFY_PAGE_SIZE, checkpoints?: AuditCheckpoints | null): Promise<ChainCheck> {
    const refs = checkpoints ? await checkpoints.list() : [];
    const now = new Date();
    return this.db.transaction(
      async (tx) => {
        const store = new AuditStore(tx, this.scope);
        const own = sql<boolean>`(${this.scope()})`;
        const head = await store.chainHead();
        const start = await store.chainStart();
        const from = range.from ?? null;
        const to = range.to ?? null;

        let lo: number | null = start.seq;
        if (from) {
          const first = await store.firstSeqAtOrAfter(from, start.seq, head.seq);
          lo = first === null ? null : Math.max(start.seq, first - 1);
        }
        let hi: number | null = head.seq;
        if (to && lo !== null) {
          const last = await store.lastSeqBefore(to, start.seq, head.seq);
          hi = last === null ? null : Math.min(head.seq, last + 1);
        }
        const bounds = lo !== null && hi !== null && lo <= hi ? { lo, hi } : null;

        const loaded = await readCheckpoints(checkpoints, refs, { head, start, bounds, whole: !from && !to });
        const anchors = new CheckpointCheck(loaded.valid, {
          head,
          start,
          bounds,
          from,
          to,
          now,
          retentionYears: checkpoints?.retentionYears ?? 12,
        });
        const seen = new OwnEntries();
        const finish = (result: OwnCheck): ChainCheck => withInvalid({ ...result, ...anchors.summary() }, loaded.invalid);
        const anchorProblem = (problem: CheckpointProblem, own: boolean | null) => finish(seen.reportCheckpoint(problem, own));

        const early = anchors.beforeStart();
        if (early) return anchorProblem(early, null);
        if (!bounds) {
          const beyond = anchors.beyondHead();
          return beyond ? anchorProblem(beyond, null) : finish(seen.report({ ok: true, firstBadSeq: null, firstBadAt: null, reason: null }, null));
        }

        let prevHash: string | null = bounds.lo === start.seq ? start.prevHash : null;
        let nextSeq = bounds.lo;
        let last: { seq: number; own: boolean } | null = null;
        for (let window = bounds.lo; window <= bounds.hi; window += pageSize) {
          const rows = await tx
            .select({ ...getTableColumns(entries), own })
            .from(entries)
            .where(and(gte(entries.seq, window), lte(entries.seq, Math.min(bounds.hi, window + pageSize - 1))))
            .orderBy(asc(entries.seq), asc(entries.at));
          const result = verifyChain(rows, prevHash, nextSeq);
          const examined = rows.slice(0, result.checkedEntries);
          // The entries that passed are compared with the checkpoints; a mismatch comes before the break.
          for (const row of result.ok ? examined : examined.slice(0, -1)) {
            if (row.own === true) seen.add(row.seq);
            const problem = anchors.entry(row);
            if (problem) return anchorProblem(problem, row.own === true);
          }
          if (!result.ok) {
            const bad = examined.at(-1);
            if (bad?.own === true) seen.add(bad.seq);
            // A bad entry that is still there is the last one examined; a missing one has no time.
            return finish(seen.report(pick(result), result.firstBadAt === null ? null : bad!.own === true));
          }
          const tail = rows.at(-1);
          if (tail) last = { seq: tail.seq, own: tail.own === true };
          prevHash = result.lastHash;
          nextSeq = result.nextSeq;
        }
        const end = verifyChainEnd({ nextSeq, lastHash: prevHash }, bounds.hi, bounds.hi === head.seq ? head.hash : undefined);
        if (!end.ok) return finish(seen.report(end, last?.seq === end.firstBadSeq ? last.own : null));
        const beyond = anchors.beyondHead();
        if (beyond) return anchorProblem(beyond, null);
        return finish(seen.report(end, null));
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  async chainHead(): Promise<{ seq: number; hash: string }> {
    const [row] = rowsOf<{ seq: string | number; hash: string }>(
      await this.db.execute(sql`SELECT seq, hash FROM audit.chain_head WHERE id = ${CHAIN_ID}`),
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * The head and the entry it names, read in one statement: what a checkpoint signs. `entryHash` is
   * the entry's own hash (null when the entry is missing), to compare with the head's.
   */
  async chainHeadEntry(): Promise<ChainHeadSnapshot & { entryHash: string | null }> {
    const [row] = rowsOf<{ seq: string | number; hash: string; at: Date | string | null; entry_hash: string | null }>(
      await this.db.execute(sql`
        SELECT h.seq, h.hash, e.at, e.hash AS entry_hash
          FROM audit.chain_head h LEFT JOIN audit.entries e ON e.seq = h.seq
         WHERE h.id = ${CHAIN_ID}`),
    );
    if (!row) return { seq: 0, hash: GENESIS_HASH, entryAt: new Date(0), entryHash: null };
    return { seq: Number(row.seq), hash: row.hash, entryAt: row.at === null ? new Date(0) : new Date(row.at), entryHash: row.entry_hash };
  }

  /** The hash of the entry at `seq`, or null when there is none. */
  async hashAt(seq: number): Promise<string | null> {
    const [row] = await this.db.select({ hash: entries.hash }).from(entries).where(eq(entries.seq, seq)).limit(1);
    return row?.hash ?? null;
  }

  /** Where the kept chain starts: after the last retention run, else at genesis. */
  async chainStart(): Promise<ChainStart> {
    const [run] = await this.db
      .select({ seq: retentionRuns.firstKeptSeq, prevHash: retentionRuns.firstKeptPrevHash, cutoff: retentionRuns.cutoff })
      .from(retentionRuns)
      .where(and(isNotNull(retentionRuns.firstKeptSeq), isNotNull(retentionRuns.firstKeptPrevHash)))
      .orderBy(desc(retentionRuns.firstKeptSeq))
      .limit(1);
    return run?.seq != null && run.prevHash != null
      ? { seq: run.seq, prevHash: run.prevHash, cutoff: run.cutoff }
      : { seq: 1, prevHash: GENESIS_HASH, cutoff: null };
  }

  /**
   * The lowest seq (within [minSeq, maxSeq]) written at or after `from`. Times run slightly out of
   * seq order (see MAX_CHAIN_DELAY_MS), so: the earliest entry at or after `from` by the time index,
   * then the lowest seq among entries up to MAX_CHAIN_DELAY_MS later than it. Two index range scans,
   * however long the log.
   */
  async firstSeqAtOrAfter(from: Date, minSeq: number, maxSeq: number): Promise<number | null> {
    const inChain = [gte(entries.seq, minSeq), lte(entries.seq, maxSeq)];
    const [earliest] = await this.db
      .select({ at: entries.at })
      .from(entries)
      .where(and(gte(entries.at, from), ...inChain))
      .orderBy(asc(entries.at))
      .limit(1);
    if (!earliest) return null;
    const [row] = await this.db
      .select({ seq: sql<number>`min(${entries.seq})` })
      .from(entries)
      .where(and(gte(entries.at, from), lt(entries.at, new Date(earliest.at.getTime() + MAX_CHAIN_DELAY_MS)), ...inChain));
    return row?.seq == null ? null : Number(row.seq);
  }

  /** The highest seq (within [minSeq, maxSeq]) written before `to`; the mirror of firstSeqAtOrAfter. */
  async lastSeqBefore(to: Date, minSeq: number, maxSeq: number): Promise<number | null> {
    const inChain = [gte(entries.seq, minSeq), lte(entries.seq, maxSeq)];
    const [latest] = await this.db
      .select({ at: entries.at })
      .from(entries)
      .where(and(lt(entries.at, to), ...inChain))
      .orderBy(desc(entries.at))
      .limit(1);
    if (!latest) return null;
    const [row] = await this.db
      .select({ seq: sql<number>`max(${entries.seq})` })
      .from(entries)
      .where(and(lt(entries.at, to), gte(entries.at, new Date(latest.at.getTime() - MAX_CHAIN_DELAY_MS)), ...inChain));
    return row?.seq == null ? null : Number(row.seq);
  }

  /**
   * A reproducible random sample of the entries written in [from, to): `size` distinct seq numbers
   * drawn from the range's seq span with a seeded generator (Floyd's algorithm), then fetched by
   * primary key. Cost grows with the sample, not with the log. The same seed over the same log gives
   * the same sample; entries missing from the span (none, unless the chain is broken) or written
   * out of time order at the range's edges can make it a little smaller than `size`.
   */
  async sample(size: number, seed: number, range: Required<TimeRange>): Promise<AuditEntryModel[]> {
    const head = await this.chainHead();
    const start = await this.chainStart();
    const lo = range.from ? await this.firstSeqAtOrAfter(range.from, start.seq, head.seq) : start.seq;
    const hi = range.to ? await this.lastSeqBefore(range.to, start.seq, head.seq) : head.seq;
    if (lo === null || hi === null || lo > hi) return [];
    const inRange: SQL[] = [];
    if (range.from) inRange.push(gte(entries.at, range.from));
    if (range.to) inRange.push(lt(entries.at, range.to));

    // Draw from the seq span: when every drawn entry is there, in the range and the auditor's, that is
    // a uniform sample of the auditor's entries (the usual case, one organisation's log).
    const seqs = sampleDistinct(hi - lo + 1, size, seed).map((offset) => lo + offset);
    const drawn = await this.db
      .select({ ...getTableColumns(entries), own: sql<boolean>`(${this.scope()})` })
      .from(entries)
      .where(and(inList(entries.seq, seqs), ...inRange))
      .orderBy(asc(entries.seq));
    if (drawn.length === seqs.length && drawn.every((row) => row.own === true)) return drawn.map(withoutOwn);

    // Otherwise draw ranks among the auditor's entries in the range, so that the sample has its full
    // size and tells nothing of how much of the log is other organisations' (cost grows with the range).
    const population = and(gte(entries.seq, lo), lte(entries.seq, hi), ...inRange, this.scope());
    const [counted] = await this.db.select({ n: sql<number>`count(*)::int` }).from(entries).where(population);
    const n = Number(counted?.n ?? 0);
    if (n === 0) return [];
    const ranks = sampleDistinct(n, size, seed ^ FALLBACK_SEED);
    const ranked = this.db
      .select({ ...getTableColumns(entries), rank: sql<number>`row_number() OVER (ORDER BY ${entries.seq}, ${entries.at}) - 1`.as('sample_rank') })
      .from(entries)
      .where(population)
      .as('ranked');
    const rows = await this.db.select().from(ranked).where(inList(ranked.rank, ranks)).orderBy(asc(ranked.seq));
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  /**
   * The client's extract: what was used of their data, grouped by Finnish calendar day,
   * organisation, unit, role and purpose, with the categories and actions of the group. Only
   * allowed uses (a refused attempt disclosed nothing). Employee ids only when asked for.
   */
  async clientAccess(clientId: string, from: Date, to: Date, includeEmployees: boolean): Promise<ClientAccessRow[]> {
    const employees = includeEmployees ? sql`array_agg(DISTINCT h.actor_id ORDER BY h.actor_id)` : sql`NULL::text[]`;
    const result = await this.db.execute(sql`
      WITH hits AS (
        SELECT seq, (at AT TIME ZONE ${REPORT_TIME_ZONE})::date AS day, organisation_id, unit_id,
               actor_role, purpose, action, emergency, actor_id, categories
          FROM audit.entries
         WHERE client_id = ${clientId}::uuid
           AND at >= ${from.toISOString()}::timestamptz AND at < ${to.toISOString()}::timestamptz
           AND outcome = 'ALLOWED'
           AND ${this.scope()}
      )
      SELECT to_char(h.day, 'YYYY-MM-DD') AS date,
             h.organisation_id::text AS organisation_id,
             h.unit_id::text AS unit_id,
             h.actor_role AS role,
             h.purpose,
             count(DISTINCT h.seq)::int AS entries,
             coalesce(array_agg(DISTINCT c.category) FILTER (WHERE c.category IS NOT NULL), '{}'::text[]) AS categories,
             array_agg(DISTINCT h.action::text) AS actions,
             bool_or(h.emergency) AS emergency,
             ${employees} AS employee_ids
        FROM hits h
        LEFT JOIN LATERAL unnest(h.categories) AS c(category) ON true
       GROUP BY h.day, h.organisation_id, h.unit_id, h.actor_role, h.purpose
       ORDER BY h.day DESC, h.organisation_id NULLS LAST, h.unit_id NULLS LAST, h.actor_role NULLS LAST, h.purpose NULLS LAST
    `);
    return rowsOf<{
      date: string;
      organisation_id: string | null;
      unit_id: string | null;
      role: string | null;
      purpose: string | null;
      entries: number;
      categories: string[];
      actions: string[];
      emergency: boolean;
      employee_ids: string[] | null;
    }>(result).map((r) => ({
      date: r.date,
      organisationId: r.organisation_id,
      unitId: r.unit_id,
      role: r.role,
      purpose: r.purpose,
      categories: r.categories,
      actions: r.actions,
      emergency: r.emergency,
      entries: Number(r.entries),
      employeeIds: includeEmployees ? (r.employee_ids ?? []) : null,
    }));
  }

  /** Entries per actor and Finnish calendar day in [from, to) of the auditor's part of the log, busiest first. */
  async countsPerActorDay(from: Date, to: Date, minCount: number, limit: number): Promise<ActorDayCount[]> {
    const result = await this.db.execute(sql`
      SELECT actor_id,
             to_char((at AT TIME ZONE ${REPORT_TIME_ZONE})::date, 'YYYY-MM-DD') AS day,
             count(*)::int AS count,
             count(DISTINCT client_id)::int AS clients
        FROM audit.entries
       WHERE at >= ${from.toISOString()}::timestamptz AND at < ${to.toISOString()}::timestamptz
         AND ${this.scope()}
       GROUP BY actor_id, day
      HAVING count(*) >= ${minCount}
       ORDER BY count(*) DESC, day DESC, actor_id
       LIMIT ${limit}
    `);
    return rowsOf<{ actor_id: string; day: string; count: number; clients: number }>(result).map((r) => ({
      actorId: r.actor_id,
      day: r.day,
      count: Number(r.count),
      clients: Number(r.clients),
    }));
  }
}

function pick(result: ChainVerification) {
  const { ok, firstBadSeq, firstBadAt, reason } = result;
  return { ok, firstBadSeq, firstBadAt, reason };
}

/** Another stream of the seeded generator for the sample's second way of drawing. */
const FALLBACK_SEED = 0x5eed_0a0d;

const withoutOwn = <Row extends { own: unknown }>({ own: _own, ...row }: Row) => row;

/** The auditor's entries met while verifying: how many, the first and the last. */
class OwnEntries {
  private count = 0;
  private first: number | null = null;
  private last: number | null = null;

  add(seq: number): void {
    this.count += 1;
    this.first ??= seq;
    this.last = seq;
  }

  /**
   * The outcome for the auditor. `badIsOwn`: whether the bad entry is one of the auditor's (null when
   * it is missing or there is none). A break at another organisation's entry is reported without
   * naming it.
   */
  report(result: Pick<ChainVerification, 'ok' | 'firstBadSeq' | 'firstBadAt' | 'reason'>, badIsOwn: boolean | null): OwnCheck {
    if (result.ok || badIsOwn !== false) return { ...result, ...this.counts() };
    return this.hidden(`the chain is broken at an entry outside your organisation's part of the log${this.after()}`);
  }

  /** A disagreement with a checkpoint, under the same rule: an entry of another organisation is not named. */
  reportCheckpoint(problem: CheckpointProblem, badIsOwn: boolean | null): OwnCheck {
    if (badIsOwn !== false) {
      return { ok: false, firstBadSeq: problem.firstBadSeq, firstBadAt: problem.firstBadAt, reason: problem.reason, ...this.counts() };
    }
    return this.hidden(problem.hiddenReason(this.after()));
  }

  private counts() {
    return { checkedEntries: this.count, fromSeq: this.first, toSeq: this.last };
  }

  private after(): string {
    return this.last === null ? '' : `, after entry ${this.last}`;
  }

  private hidden(what: string): OwnCheck {
    return {
      ok: false,
      firstBadSeq: null,
      firstBadAt: null,
      reason: `${what}: that entry is not shown to you; the operator or that organisation's auditor can locate it`,
      ...this.counts(),
    };
  }
}

/** A verification before the checkpoints' summary is added. */
type OwnCheck = Omit<ChainCheck, keyof CheckpointSummary | 'invalidCheckpoints'>;

/** Checkpoint files that are not validly signed make the verification fail, whatever else it found. */
function withInvalid(result: Omit<ChainCheck, 'invalidCheckpoints'>, invalid: InvalidCheckpoint[]): ChainCheck {
  if (invalid.length === 0) return { ...result, invalidCheckpoints: 0 };
  const problem = invalidCheckpointsReason(invalid);
  return { ...result, ok: false, reason: result.reason ? `${result.reason}; also, ${problem}` : problem, invalidCheckpoints: invalid.length };
}

/**
 * Reads the listed checkpoints that the verification concerns: all of them for the whole chain, else
 * those in the range and those past the head or before the kept start (their time decides later).
 */
async function readCheckpoints(
  checkpoints: AuditCheckpoints | null | undefined,
  refs: CheckpointRef[],
  scope: { head: { seq: number }; start: ChainStart; bounds: { lo: number; hi: number } | null; whole: boolean },
): Promise<{ valid: AuditCheckpoint[]; invalid: InvalidCheckpoint[] }> {
  const valid: AuditCheckpoint[] = [];
  const invalid: InvalidCheckpoint[] = [];
  if (!checkpoints) return { valid, invalid };
  const { head, start, bounds, whole } = scope;
  const concerned = (seq: number) =>
    whole || seq > head.seq || seq < start.seq || (bounds !== null && seq >= bounds.lo && seq <= bounds.hi);
  for (const ref of refs) {
    if (!concerned(ref.seq)) continue;
    const reading = await checkpoints.read(ref);
    if (reading.valid) valid.push(reading.checkpoint);
    else invalid.push({ name: reading.name, reason: reading.reason });
  }
  return { valid, invalid };
}

/** `k` distinct offsets in [0, n), Floyd's algorithm: k draws whatever n is. */
export function sampleDistinct(n: number, k: number, seed: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j += 1) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}
