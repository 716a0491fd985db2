import { SENSITIVE_FIELDS } from '../generated/sensitive-fields';
import type { Action, AppAbility, Subject } from './ability';

const ACTIONS: Action[] = ['read', 'create', 'update', 'correct'];

export interface Permission {
  subject: string;
  actions: string[];
  readableFields: string[];
}

/** What `me.permissions` shows: per type, the actions and the fields the actor may ever read. */
export function permissionsOf(ability: AppAbility): Permission[] {
  const types = [...new Set(SENSITIVE_FIELDS.map((f) => f.type))].sort();
  return types.map((type) => ({
    subject: type,
    actions: ACTIONS.filter((action) => ability.can(action, type as Subject)),
    readableFields: SENSITIVE_FIELDS.filter((f) => f.type === type && ability.can('read', type as Subject, f.field)).map(
      (f) => f.field,
    ),
  }));
}
