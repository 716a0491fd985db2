import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Actor } from '../actor';

export type Action = 'read' | 'create' | 'update' | 'delete' | 'correct' | 'manage';
export type Subject =
  | 'Client'
  | 'Guardian'
  | 'ClientRelationship'
  | 'Commission'
  | 'Consent'
  | 'Decision'
  | 'Placement'
  | 'CareDay'
  | 'PaymentCommitment'
  | 'Invoice'
  | 'Restriction'
  | 'AssistanceRequest'
  | 'Medication'
  | 'Document'
  | 'DocumentRevision'
  | 'Disclosure'
  | 'DataSubjectRequest'
  | 'AuditEntry'
  | 'all';

export type AppAbility = MongoAbility<[Action, Subject | Record<PropertyKey, unknown>]>;

/** The one place that decides what an actor may do (DESIGN.md §4). */
export function defineAbilityFor(actor: Actor): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (actor.grants.length > 0 || actor.kind === 'PARTNER') builder.can('manage', 'all');
  return builder.build();
}
