import type { PolicyGrant } from '../policy/ability';
import { type AuditEntityType, auditEntityType } from './entry';

/** What an entry is about. */
export interface AuditTarget {
  entityType: AuditEntityType;
  entityId: string | null;
  clientId: string | null;
  /** The unit whose grant allowed the access, when known. */
  unitId?: string | null;
  /** The role of the grant that allowed (or was refused) the access, when known. */
  role?: string | null;
}

/**
 * The entry's target for a row of a type: its id, its client (a client is its own) and the unit of the
 * grant that allowed the access, or without one the row's own unit.
 */
export function auditTargetOf(typeName: string, source: unknown, grant?: PolicyGrant): AuditTarget {
  const row = (source ?? {}) as Record<string, unknown>;
  const id = typeof row['id'] === 'string' ? row['id'] : null;
  const clientId = typeName === 'Client' ? id : typeof row['clientId'] === 'string' ? row['clientId'] : null;
  const unitId = grant ? grant.unitId : typeof row['unitId'] === 'string' ? row['unitId'] : null;
  return { entityType: auditEntityType(typeName), entityId: id, clientId, unitId, ...(grant ? { role: grant.role } : {}) };
}
