import { type AuditCheckpoints, type LoaderDeps, lazyScopes } from '@vartija/kit';
import { AuditStore } from './audit-store';

export function createLoaders({ db, ability }: LoaderDeps, checkpoints: AuditCheckpoints | null = null) {
  // The auditor's part of the log, from the policy's `access` rules on AuditEntry; translated on first use.
  const scope = lazyScopes(ability, { entry: 'AuditEntry' });
  return { store: new AuditStore(db, () => scope.entry), checkpoints };
}

export type Loaders = ReturnType<typeof createLoaders>;
