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
  const forData = types.map((type) => ({
    subject: type,
    actions: ACTIONS.filter((action) => ability.can(action, type as Subject)),
    readableFields: SENSITIVE_FIELDS.filter((f) => f.type === type && ability.can('read', type as Subject, f.field)).map(
      (f) => f.field,
    ),
  }));
  return [...forData, ...administrationPermissions(ability)];
}

/**
 * Access administration (issue 11): the register's own users, grants, commitments and units hold no
 * sensitive fields, so they are listed by action alone (e.g. `Grant: create` = show "grant role";
 * revoking a grant is `Grant: update`, recording a commitment `UserCommitment: create`).
 */
const ADMINISTRATION_SUBJECTS: Subject[] = ['Grant', 'Unit', 'User', 'UserCommitment'];
/** Log monitoring (issue 15): e.g. `AuditReview: create` = show "mark reviewed", `AuditReviewQueue: read` = show the queues. */
const MONITORING_SUBJECTS: Subject[] = ['AuditDirectory', 'AuditReviewQueue', 'AuditReview', 'MonitoringRun'];

function administrationPermissions(ability: AppAbility): Permission[] {
  return [...ADMINISTRATION_SUBJECTS, ...MONITORING_SUBJECTS].map((subject) => ({
    subject,
    actions: ACTIONS.filter((action) => ability.can(action, subject)),
    readableFields: [],
  }));
}
