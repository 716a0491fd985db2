import { type AuditCheckpoints, type LoaderDeps, lazyScopes, loaderById, loaderGroupedBy, ownClientLoader } from '@vartija/kit';
import DataLoader from 'dataloader';
import { AuditStore } from './audit-store';
import { DirectoryStore } from './directory-store';
import { MonitoringStore } from './monitoring-store';
import { ReviewStore } from './review-store';

export function createLoaders({ db, ability, actor }: LoaderDeps, checkpoints: AuditCheckpoints | null = null) {
  // The auditor's part of the log, from the policy's `access` rules on AuditEntry; translated on first use.
  const scope = lazyScopes(ability, { entry: 'AuditEntry' });
  const directory = new DirectoryStore(db);
  const reviews = new ReviewStore(db, actor.organisationId);
  const monitoring = new MonitoringStore(db, () => scope.entry, actor.organisationId);
  return {
    store: new AuditStore(db, () => scope.entry),
    checkpoints,
    ownClient: ownClientLoader(db, actor),
    directory,
    reviews,
    monitoring,
    // Names of the ids an entry carries: one IN per batch, however many entries a page holds.
    actorName: loaderById((ids) => directory.actors(ids)),
    unitName: loaderById((ids) => directory.units(ids)),
    organisationName: loaderById((ids) => directory.organisations(ids)),
    reviewsOfEntry: loaderGroupedBy(
      (keys) => reviews.forEntries(keys.map(Number)),
      (row) => String(row.entrySeq),
    ),
    reviewedCount: new DataLoader<string, number>(async (runIds) => {
      const counts = new Map((await reviews.reviewedCounts(runIds)).map((r) => [r.id, Number(r.count)]));
      return runIds.map((id) => counts.get(id) ?? 0);
    }),
    // Entries by id (seq) within the actor's part of the log: a monitoring run's sample, a queue's items.
    entryBySeq: new DataLoader<number, Awaited<ReturnType<MonitoringStore['bySeqs']>>[number] | null>(async (seqs) => {
      const bySeq = new Map((await monitoring.bySeqs(seqs)).map((row) => [row.seq, row]));
      return seqs.map((seq) => bySeq.get(seq) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
