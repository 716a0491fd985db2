import { subject as asSubject } from '@casl/ability';
import { type AuditAction, type AuditTarget, forbidden, grantKeyOfRule, type PolicyGrant } from '@vartija/kit';
import type { Context } from './context';

type MonitoringSubject = 'AuditDirectory' | 'AuditReviewQueue' | 'AuditReview' | 'MonitoringRun';

/**
 * The policy's decision on log monitoring (kit/src/policy/monitoring-rules.ts), on the subject
 * `{ organisationId: the actor's, ...row }`. A refusal is logged as DENIED (`denied`: the entry's target
 * and action) and answers FORBIDDEN saying who may; the allowing grant is returned for the entries that follow.
 */
export function authorizeMonitoring(
  ctx: Context,
  action: 'read' | 'create',
  type: MonitoringSubject,
  row: Record<string, unknown>,
  denied: { target: AuditTarget; action: AuditAction },
  who: string,
): PolicyGrant {
  const subject = asSubject(type, { organisationId: ctx.actor.organisationId, ...row });
  const rule = ctx.ability.relevantRuleFor(action, subject as unknown as Record<PropertyKey, unknown>);
  const grant = rule && !rule.inverted ? ctx.grants.grant(grantKeyOfRule(rule)) : undefined;
  if (!grant) {
    ctx.audit.deny(denied.target, null, denied.action, `${action} of ${type}${row['kind'] ? ` ${String(row['kind'])}` : ''} not permitted`);
    throw forbidden(`Not allowed: ${who}`);
  }
  return grant;
}

/** Whether the actor may read the subject (no refusal logged: for fields of an answer already allowed). */
export function mayRead(ctx: Context, type: MonitoringSubject): boolean {
  const subject = asSubject(type, { organisationId: ctx.actor.organisationId });
  const rule = ctx.ability.relevantRuleFor('read', subject as unknown as Record<PropertyKey, unknown>);
  return Boolean(rule && !rule.inverted);
}
