import { hash as sha256 } from 'node:crypto';
import { type AuditValue, hashedValues } from './columns';
import type { AuditEntryInput, ChainedEntry } from './entry';

export const GENESIS_HASH = '0'.repeat(64);
/** The one chain: the id of its head row and of its checkpoints. */
export const CHAIN_ID = 'main';

/** The exact bytes that are hashed: every column in a fixed order (columns.ts), so any change to a row shows. */
export function canonicalEntry(seq: number, entry: AuditEntryInput): string {
  return JSON.stringify(hashedValues(entry, seq));
}

export function chainHash(prevHash: string, seq: number, entry: AuditEntryInput): string {
  return chainLinkOf(prevHash, seq, entry).hash;
}

/**
 * An entry's hash together with the values it covers (column order), so that the appender builds the
 * stored row from the same values instead of reading every column a second time.
 */
export function chainLinkOf(prevHash: string, seq: number, entry: AuditEntryInput): { hash: string; values: AuditValue[] } {
  const values = hashedValues(entry, seq);
  // One-shot digest of the same bytes as before (prev hash, newline, canonical entry): no Hash object per entry.
  return { hash: sha256('sha256', `${prevHash}\n${JSON.stringify(values)}`, 'hex'), values };
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
