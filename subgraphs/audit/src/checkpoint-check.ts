import type { AuditCheckpoint } from '@vartija/kit';
import type { ChainStart } from './audit-store';
import { yearsBefore } from './auditor';

/** A checkpoint file that cannot be trusted, and why. */
export interface InvalidCheckpoint {
  name: string;
  reason: string;
}

/** Where the chain disagrees with a checkpoint. */
export interface CheckpointProblem {
  firstBadSeq: number | null;
  firstBadAt: Date | null;
  reason: string;
  /** The reason for an auditor who may not see the entry concerned; `after` names their last entry before it. */
  hiddenReason(after: string): string;
}

/** What verifyAuditChain reports of the checkpoints. */
export interface CheckpointSummary {
  /** The newest checkpoint the chain was compared with, and whether it matched. */
  checkpoint: { seq: number; at: Date; entryAt: Date; keyId: string; verified: boolean } | null;
  /** Checkpoints the chain matched. */
  checkpointsChecked: number;
}

export interface CheckpointScope {
  head: { seq: number };
  start: ChainStart;
  /** The seq range being verified; null when the time range holds no entries. */
  bounds: { lo: number; hi: number } | null;
  from: Date | null;
  to: Date | null;
  now: Date;
  /** Entries younger than this may not have been removed by retention (AUDIT_RETENTION_YEARS). */
  retentionYears: number;
}

const iso = (date: Date) => date.toISOString();

/**
 * Compares a verification's run of the chain with the validly signed checkpoints it concerns:
 * - a checkpoint before the kept start: its entry was removed, which only a recorded retention run may
 *   do, and only to an entry older than both that run's cutoff and the retention period (an owner who
 *   forges a retention record still cannot explain away a recent checkpoint); the checkpoint of the
 *   last removed entry must also hold the hash the kept chain continues from;
 * - a checkpoint in the range: the entry at its seq must have the signed hash (else rewritten, or cut
 *   and written again);
 * - a checkpoint past the head: the newest entries were cut and the head set back.
 * Checkpoints before the range, after it (up to the head) or outside the time range are not concerned.
 */
export class CheckpointCheck {
  private readonly before: AuditCheckpoint[];
  private readonly within = new Map<number, AuditCheckpoint[]>();
  private readonly beyond: AuditCheckpoint[];
  private readonly latest: AuditCheckpoint | null;
  private readonly matched = new Set<AuditCheckpoint>();
  private lastMatch: AuditCheckpoint | null = null;

  constructor(
    checkpoints: AuditCheckpoint[],
    private readonly scope: CheckpointScope,
  ) {
    const { head, start, bounds, from, to } = scope;
    const inTime = (c: AuditCheckpoint) => (!from || c.entryAt >= from) && (!to || c.entryAt < to);
    const ordered = [...checkpoints].sort((a, b) => a.seq - b.seq || a.at.getTime() - b.at.getTime());
    this.before = ordered.filter((c) => c.seq < start.seq && inTime(c) && (bounds === null || bounds.lo === start.seq));
    for (const c of ordered) {
      if (bounds && c.seq >= bounds.lo && c.seq <= bounds.hi) this.within.set(c.seq, [...(this.within.get(c.seq) ?? []), c]);
    }
    this.beyond = ordered.filter((c) => c.seq > head.seq && inTime(c));
    const candidates = [...this.before.filter((c) => c.seq === start.seq - 1), ...[...this.within.values()].flat(), ...this.beyond];
    this.latest = candidates.reduce<AuditCheckpoint | null>(
      (newest, c) => (!newest || c.seq > newest.seq || (c.seq === newest.seq && c.at > newest.at) ? c : newest),
      null,
    );
  }

  /** Checkpoints before the kept start: removed lawfully, and the kept chain continues from them. */
  beforeStart(): CheckpointProblem | null {
    const { start } = this.scope;
    for (const c of this.before) {
      const why = this.unlawfulRemoval(c);
      if (why) {
        return visible(
          c.seq,
          null,
          `entry ${c.seq} is missing: the log now starts at entry ${start.seq}, but the checkpoint signed ${iso(c.at)} holds ` +
            `entry ${c.seq}, written ${iso(c.entryAt)}, which no retention run could lawfully have removed (${why})`,
        );
      }
    }
    for (const c of this.before) {
      if (c.seq !== start.seq - 1) continue;
      if (c.hash !== start.prevHash) {
        return visible(
          start.seq,
          null,
          `the kept log does not continue from the checkpoint signed ${iso(c.at)}: the retention record says entry ${start.seq} ` +
            `follows another hash than the one signed for entry ${c.seq} (the retention record or the start of the log was changed)`,
        );
      }
      this.match(c);
    }
    return null;
  }

  /** An entry of the range that passed the chain check: it must have the hash its checkpoints signed. */
  entry(row: { seq: number; hash: string; at: Date }): CheckpointProblem | null {
    for (const c of this.within.get(row.seq) ?? []) {
      if (c.hash !== row.hash) {
        const since = this.lastMatch ? `, after entry ${this.lastMatch.seq} (which matches the checkpoint signed ${iso(this.lastMatch.at)})` : '';
        const what = `does not have the hash signed in the checkpoint of ${iso(c.at)}: the log was rewritten at or before it`;
        return {
          firstBadSeq: row.seq,
          firstBadAt: row.at,
          reason: `entry ${row.seq} ${what}${since}, with its hashes recomputed (or cut and written again)`,
          hiddenReason: (after) => `an entry outside your organisation's part of the log${after} ${what}`,
        };
      }
      this.match(c);
    }
    return null;
  }

  /** After the chain was checked to its head: no checkpoint may lie beyond it. */
  beyondHead(): CheckpointProblem | null {
    const c = this.beyond.at(-1);
    if (!c) return null;
    const { head } = this.scope;
    const first = head.seq + 1;
    const missing = first === c.seq ? `entry ${c.seq} is missing` : `entries ${first}–${c.seq} are missing`;
    return visible(
      first,
      null,
      `${missing}: the log ends at entry ${head.seq}, but the checkpoint signed ${iso(c.at)} holds entry ${c.seq}: ` +
        'the newest entries were removed and the chain head set back (or the checkpoint store belongs to another database)',
    );
  }

  summary(): CheckpointSummary {
    const c = this.latest;
    return {
      checkpoint: c ? { seq: c.seq, at: c.at, entryAt: c.entryAt, keyId: c.keyId, verified: this.matched.has(c) } : null,
      checkpointsChecked: this.matched.size,
    };
  }

  private match(c: AuditCheckpoint): void {
    this.matched.add(c);
    if (!this.lastMatch || c.seq >= this.lastMatch.seq) this.lastMatch = c;
  }

  /** Why retention cannot have removed the checkpointed entry; null when it may have. */
  private unlawfulRemoval(c: AuditCheckpoint): string | null {
    const { start, now, retentionYears } = this.scope;
    if (!start.cutoff) return 'no retention run is recorded';
    if (c.entryAt >= start.cutoff) return `it was written after the last retention run's cutoff, ${iso(start.cutoff)}`;
    if (c.entryAt >= yearsBefore(now, retentionYears)) return `it is within the ${retentionYears}-year retention period`;
    return null;
  }
}

/** A problem at a missing entry: nobody's content remains there, so it is named to every auditor. */
function visible(firstBadSeq: number, firstBadAt: Date | null, reason: string): CheckpointProblem {
  return { firstBadSeq, firstBadAt, reason, hiddenReason: () => reason };
}

/** The reason for checkpoint files that cannot be trusted. */
export function invalidCheckpointsReason(invalid: InvalidCheckpoint[]): string {
  const [first] = invalid;
  if (!first) return '';
  if (invalid.length === 1) return `checkpoint ${first.name} cannot be trusted: ${first.reason}`;
  return `${invalid.length} checkpoint files cannot be trusted (forged, altered or damaged), e.g. ${first.name}: ${first.reason}`;
}
