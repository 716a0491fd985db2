import { subject as asSubject } from '@casl/ability';
import { type Action, AUDIT_ACTION_OF, type AuditTarget, forbidden, grantKeyOfRule, type PolicyGrant, type RequestContext } from '@vartija/kit';

/**
 * The policy's decision on the organisation's retention configuration or disposal runs (lifecycle-rules.ts:
 * `{ organisationId }` of the actor's own organisation). A refusal is logged as DENIED and answers FORBIDDEN
 * with who may do it; the allowing grant is returned for the log entries that follow.
 */
export function authorizeLifecycle(
  ctx: RequestContext<unknown>,
  action: Action,
  type: 'RetentionConfiguration' | 'DisposalRun',
  target: AuditTarget,
  who: string,
): PolicyGrant {
  const subject = asSubject(type, { organisationId: ctx.actor.organisationId });
  const rule = ctx.ability.relevantRuleFor(action, subject as unknown as Record<PropertyKey, unknown>);
  const grant = rule && !rule.inverted ? ctx.grants.grant(grantKeyOfRule(rule)) : undefined;
  if (!grant) {
    ctx.audit.deny(target, null, AUDIT_ACTION_OF[action], `${action} of ${type} not permitted`);
    throw forbidden(`Not allowed: ${who}`);
  }
  return grant;
}

/** The entry's target under the allowing grant (its role and unit are what the log names). */
export const underGrant = (target: AuditTarget, grant: PolicyGrant): AuditTarget => ({ ...target, unitId: grant.unitId ?? target.unitId ?? null, role: grant.role });
