import { subject } from '@casl/ability';
import type { AuditAction } from './audit-chain';
import type { AuditRecorder } from './audit-recorder';
import { forbidden } from './errors';
import type { Action, AppAbility, Subject } from './policy/ability';

const AUDIT_ACTION: Record<Action, AuditAction> = {
  access: 'READ',
  read: 'READ',
  create: 'CREATE',
  update: 'UPDATE',
  correct: 'UPDATE',
};

type Guarded = AppAbility | { ability: AppAbility; audit: AuditRecorder };

/**
 * Throws FORBIDDEN unless the ability allows `action` on this row (conditions checked on its values).
 * Given the request's recorder, a refusal is logged as a DENIED entry (DESIGN.md §5).
 */
export function assertCan(guarded: Guarded, action: Action, type: Subject, row: Record<string, unknown>): void {
  const { ability, audit } = 'can' in guarded ? { ability: guarded, audit: undefined } : guarded;
  if (ability.can(action, subject(type, { ...row }) as unknown as Record<PropertyKey, unknown>)) return;
  audit?.record(
    {
      entityType: type,
      entityId: typeof row['id'] === 'string' ? row['id'] : null,
      clientId: typeof row['clientId'] === 'string' ? row['clientId'] : type === 'Client' && typeof row['id'] === 'string' ? row['id'] : null,
      unitId: typeof row['unitId'] === 'string' ? row['unitId'] : null,
    },
    null,
    AUDIT_ACTION[action],
    'DENIED',
    `${action} not permitted`,
  );
  throw forbidden(`Not allowed to ${action} this ${type}`);
}
