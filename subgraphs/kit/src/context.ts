import type { Db } from '@vartija/db';
import type { Actor } from './actor';
import type { AuditRecorder } from './audit/recorder';
import type { AppAbility } from './policy/ability';
import type { RowGrants } from './policy/row-grants';

/** What every resolver reads through; built once per request in createSubgraph. */
export interface RequestContext<Loaders> {
  actor: Actor;
  ability: AppAbility;
  /** The actor's grants, and through which of them each loaded row is visible. */
  grants: RowGrants;
  loaders: Loaders;
  audit: AuditRecorder;
  db: Db;
  /** The request's clock (the system clock; a time-controlled test's in tests): lifecycle dates count from it. */
  now: () => Date;
}
