import { subject } from '@casl/ability';
import { forbidden } from './errors';
import type { Action, AppAbility, Subject } from './policy/ability';

/** Throws FORBIDDEN unless the ability allows `action` on this row (conditions checked on its values). */
export function assertCan(ability: AppAbility, action: Action, type: Exclude<Subject, 'all'>, row: Record<string, unknown>): void {
  if (!ability.can(action, subject(type, { ...row }) as unknown as Record<PropertyKey, unknown>)) {
    throw forbidden(`Not allowed to ${action} this ${type}`);
  }
}
