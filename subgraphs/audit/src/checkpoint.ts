import type { Queryable } from '@vartija/db';
import type { AuditCheckpoint, AuditCheckpoints } from '@vartija/kit';
import { sql } from 'drizzle-orm';
import { AuditStore } from './audit-store';

/** The chain contradicts an earlier checkpoint, or has nothing to sign: no checkpoint is made. */
/** The log is empty: nothing to sign yet (not an alarm). */
export class NothingToCheckpoint extends Error {}

export class CheckpointRefused extends Error {
  override name = 'CheckpointRefused';
}

export interface CheckpointResult {
  checkpoint: AuditCheckpoint;
  /** False when the head had not moved since the newest checkpoint, which is returned instead. */
  created: boolean;
}

/**
 * Signs the chain head (seq, hash and the head entry's time, read in one statement) and adds the
 * checkpoint to the store. Never signs a log that contradicts the newest valid checkpoint (its entry
 * gone or changed): that checkpoint already proves the tampering, and a new one would only confuse.
 * Reads only; the append path is untouched.
 */
export async function createCheckpoint(db: Queryable, checkpoints: AuditCheckpoints, now = new Date()): Promise<CheckpointResult> {
  // Everything the log holds is read: the scope is the whole chain.
  const store = new AuditStore(db, () => sql`true`);
  const previous = await checkpoints.latest();
  const head = await store.chainHeadEntry();
  if (head.seq < 1) throw new NothingToCheckpoint('the access log is empty: there is nothing to checkpoint yet');
  if (head.entryHash !== head.hash) {
    throw new CheckpointRefused(
      head.entryHash === null
        ? `the chain head names entry ${head.seq}, which is missing: the log was tampered with; run verifyAuditChain`
        : `the chain head does not match entry ${head.seq}: the entry or the head was changed; run verifyAuditChain`,
    );
  }
  if (previous) {
    if (previous.seq > head.seq) {
      throw new CheckpointRefused(
        `the log ends at entry ${head.seq} but the checkpoint ${previous.name} holds entry ${previous.seq}: ` +
          'the newest entries were removed; run verifyAuditChain',
      );
    }
    if (previous.seq === head.seq && previous.hash === head.hash) return { checkpoint: previous, created: false };
    const start = await store.chainStart();
    if (previous.seq >= start.seq) {
      const hash = previous.seq === head.seq ? head.hash : await store.hashAt(previous.seq);
      if (hash !== previous.hash) {
        throw new CheckpointRefused(
          `entry ${previous.seq} ${hash === null ? 'is missing' : 'no longer has the hash signed'} in the checkpoint ${previous.name}: ` +
            'the log was tampered with; run verifyAuditChain',
        );
      }
    }
  }
  return { checkpoint: await checkpoints.write(head, now), created: true };
}

export interface PeriodicCheckpoints {
  stop(): Promise<void>;
}

/**
 * Checkpoints the head every `checkpoints.intervalMs` (and once at start), in the audit subgraph's
 * process. A failure is logged and the next round tries again; a refusal (tampering) is logged as such.
 */
export function startPeriodicCheckpoints(
  db: Queryable,
  checkpoints: AuditCheckpoints,
  log: (line: string) => void = (line) => console.error(line),
): PeriodicCheckpoints {
  let running: Promise<void> | null = null;
  let stopped = false;
  const round = () => {
    if (running || stopped) return;
    running = createCheckpoint(db, checkpoints)
      .then(() => undefined)
      .catch((error: unknown) => {
        if (stopped || error instanceof NothingToCheckpoint) return;
        const refused = error instanceof CheckpointRefused;
        log(
          JSON.stringify({
            level: refused ? 'alert' : 'error',
            msg: refused ? 'audit checkpoint refused: the access log contradicts an earlier checkpoint' : 'audit checkpoint failed',
            reason: error instanceof Error ? error.message : String(error),
            store: checkpoints.store.location,
          }),
        );
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(round, checkpoints.intervalMs);
  timer.unref();
  round();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
