import { AbilityBuilder, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { Actor } from '../actor';
import { auditor, billing, manager, partner, registrar, socialWorker, student } from './roles';

/**
 * `access` decides which rows exist for the actor (pushed into SQL, see row-scope.ts);
 * `read` decides which fields of a visible row it may read (checked per row, and by the gateway
 * before planning for fields no rule could ever allow). Writes use create / update / correct.
 */
export type Action = 'access' | 'read' | 'create' | 'update' | 'correct';
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
  | 'ApiToken';

export type AppAbility = MongoAbility<[Action, Subject | Record<PropertyKey, unknown>], MongoQuery>;
export type Builder = AbilityBuilder<AppAbility>;

export interface PolicyClock {
  /** Today as YYYY-MM-DD; visibility windows and commissions are counted in whole days. */
  today: string;
}

const ROLE_HELPERS = {
  SOCIAL_WORKER: socialWorker,
  MANAGER: manager,
  STUDENT: student,
  BILLING: billing,
  AUDITOR: auditor,
  REGISTRAR: registrar,
} as const;

/** The one place that decides what an actor may do (DESIGN.md §4); used by the gateway and every subgraph. */
export function defineAbilityFor(actor: Actor, clock: PolicyClock = { today: new Date().toISOString().slice(0, 10) }): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (actor.kind === 'PARTNER') {
    partner(builder, actor, clock);
  } else {
    for (const role of new Set(actor.grants.map((g) => g.role))) {
      ROLE_HELPERS[role](builder, actor, clock);
    }
  }
  return builder.build();
}
