import { subject } from '@casl/ability';
import { AUDIT_ACTION_OF } from './audit/entry';
import type { AuditRecorder } from './audit/recorder';
import { auditTargetOf } from './audit/target';
import { forbidden } from './errors';
import type { Action, AppAbility, Subject } from './policy/ability';

type Guarded = AppAbility | { ability: AppAbility; audit: AuditRecorder };

/**
 * Throws FORBIDDEN unless the ability allows `action` on this row (conditions checked on its values).
 * Given the request's recorder, a refusal is logged as a DENIED entry (DESIGN.md §5).
 */
export function assertCan(guarded: Guarded, action: Action, type: Subject, row: Record<string, unknown>): void {
  const { ability, audit } = 'can' in guarded ? { ability: guarded, audit: undefined } : guarded;
  if (ability.can(action, subject(type, { ...row }) as unknown as Record<PropertyKey, unknown>)) return;
  audit?.deny(auditTargetOf(type, row), null, AUDIT_ACTION_OF[action], `${action} not permitted`);
  throw forbidden(`Not allowed to ${action} this ${type}`);
}
