import type { LoaderDeps } from '@vartija/kit';
import { AuditStore } from './audit-store';

export function createLoaders({ db }: LoaderDeps) {
  return { store: new AuditStore(db) };
}

export type Loaders = ReturnType<typeof createLoaders>;
