import type { Db } from '@vartija/db';
import type { Actor } from './actor';
import type { AuditRecorder } from './audit-recorder';
import type { AppAbility } from './policy/ability';

/** What every resolver reads through; built once per request in createSubgraph. */
export interface RequestContext<Loaders> {
  actor: Actor;
  ability: AppAbility;
  loaders: Loaders;
  audit: AuditRecorder;
  db: Db;
}
