import { AbilityBuilder, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { Actor, Grant, Role } from '../actor';
import { auditor, billing, manager, partner, registrar, socialWorker, student } from './roles';
export { ROLES_A_MANAGER_GRANTS } from './roles';

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
  | 'ApiToken'
  // Access administration (issue 11): who may act, where, after which commitment.
  | 'User'
  | 'Grant'
  | 'UserCommitment'
  | 'Unit'
  // The full extract of a client's record for an ACCESS request (issue 12 item 4): `{ organisationId, clientId, clientVisible }`.
  | 'ClientRecordExtract'
  // The record lifecycle (issue 13; lifecycle-rules.ts).
  | 'RetentionConfiguration'
  | 'DisposalRun'
  | 'StatisticsReport'
  | 'Handover'
  | 'ResearchPermit'
  | 'ResearchExtract'
  // Log monitoring (issue 15; monitoring-rules.ts).
  | 'AuditDirectory'
  | 'AuditReviewQueue'
  | 'AuditReview'
  | 'MonitoringRun';

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

/** One grant as the policy and the access log see it; a partner token acts under one grant of its own. */
export interface PolicyGrant {
  /** What `via` conditions name: the grant id, or `partner:<token id>`. */
  key: string;
  role: Role | 'PARTNER';
  unitId: string | null;
}

const today = () => new Date().toISOString().slice(0, 10);

function partnerGrant(actor: Actor): Grant {
  return { id: `partner:${actor.id}`, role: 'AUDITOR', organisationId: actor.organisationId, unitId: null, validFrom: '', validUntil: null, visibilityWindowMonths: null };
}

/**
 * The actor's grants in rule order: organisation-wide grants first, unit grants last, so that where
 * several grants allow a field the unit's (the more specific) is the one the log names.
 */
export function policyGrantsOf(actor: Actor): PolicyGrant[] {
  return grantsInOrder(actor).map((g) => ({ key: g.id, role: actor.kind === 'PARTNER' ? 'PARTNER' : g.role, unitId: g.unitId }));
}

function addGrantRules(builder: Builder, actor: Actor, grant: Grant, clock: PolicyClock) {
  const rules = { b: builder, actor, grant, clock, via: { via: grant.id } };
  const first = builder.rules.length;
  if (actor.kind === 'PARTNER') partner(rules);
  else ROLE_HELPERS[grant.role](rules);
  // Every rule remembers its grant, so the log can name the role and unit that allowed an action.
  for (const rule of builder.rules.slice(first)) rule.reason = grant.id;
}

function grantsInOrder(actor: Actor): Grant[] {
  if (actor.kind === 'PARTNER') return [partnerGrant(actor)];
  return [...actor.grants].sort((a, b) => Number(a.unitId !== null) - Number(b.unitId !== null));
}

/**
 * The one place that decides what an actor may do (DESIGN.md §4, policy v2); used by the gateway and
 * every subgraph. Each grant adds its own rules, bound to it; see roles.ts.
 */
export function defineAbilityFor(actor: Actor, clock: PolicyClock = { today: today() }): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const grant of grantsInOrder(actor)) addGrantRules(builder, actor, grant, clock);
  return builder.build();
}

/** The rules of one grant alone: which rows it makes visible (row-grants.ts). */
export function defineGrantAbility(actor: Actor, key: string, clock: PolicyClock = { today: today() }): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  const grant = grantsInOrder(actor).find((g) => g.id === key);
  if (grant) addGrantRules(builder, actor, grant, clock);
  return builder.build();
}

/** The grant whose rules a matched rule belongs to (set by addGrantRules). */
export function grantKeyOfRule(rule: { reason?: string } | null | undefined): string | null {
  return rule?.reason ?? null;
}

/** How many distinct actors' abilities a process keeps (a grant set × purpose × intent × day each). */
const ABILITY_CACHE_SIZE = 500;
const abilities = new Map<string, AppAbility>();

/**
 * `defineAbilityFor`, built once per distinct actor and day and then shared by that actor's requests
 * (~0.1 ms per build, per subgraph fetch; measured in bench/). The key is the whole actor but the
 * per-request fields, which no rule reads; an ability is immutable once built.
 */
export function cachedAbilityFor(actor: Actor, clock: PolicyClock = { today: today() }): AppAbility {
  const { requestId: _r, operationName: _o, callerAddress: _c, ...rest } = actor;
  const key = `${clock.today}\u0000${JSON.stringify(rest)}`;
  let ability = abilities.get(key);
  if (ability) {
    abilities.delete(key); // most recently used last
    abilities.set(key, ability);
    return ability;
  }
  ability = defineAbilityFor(actor, clock);
  if (abilities.size >= ABILITY_CACHE_SIZE) abilities.delete(abilities.keys().next().value!);
  abilities.set(key, ability);
  return ability;
}
